import type { Service } from '../content/schema.js';
import type { Scored } from './classifier.js';
import { stems } from './features.js';

interface Alias { service: string; words: string[] }

/**
 * Finds the service a sentence talks about by how much of one of its names (formal or colloquial) the sentence
 * contains, each word weighted by how distinctive it is: "رخصة" alone fits three services, "هدم" only one.
 */
export class ServiceFinder {
  private readonly aliases: Alias[] = [];
  private readonly weight = new Map<string, number>();
  private readonly byWord = new Map<string, number[]>();

  /** `common` says how ordinary a word is in everyday messages (0–1); ordinary words count for little. */
  constructor(services: Service[], common: (word: string) => number = () => 0) {
    for (const s of services) {
      const names = [s.name.ar, s.name.en, ...s.aliases.ar, ...s.aliases.en, ...s.aliases.arabizi];
      for (const name of new Set(names)) {
        const words = [...new Set(stems(name))];
        if (words.length) this.aliases.push({ service: s.id, words });
      }
    }
    const df = new Map<string, Set<string>>();
    for (const a of this.aliases) for (const w of a.words) df.set(w, (df.get(w) ?? new Set()).add(a.service));
    for (const [w, set] of df) this.weight.set(w, Math.log(1 + services.length / set.size) * Math.max(0.05, 1 - 4 * common(w)));
    this.aliases.forEach((a, i) => {
      for (const w of a.words) this.byWord.set(w, [...(this.byWord.get(w) ?? []), i]);
    });
  }

  words(): string[] {
    return [...this.weight.keys()];
  }

  /** Services ranked by the best-covered alias (best first); only services with some overlap are listed. */
  rank(words: string[]): Scored[] {
    const present = new Set(words);
    const best = new Map<string, number>();
    const tried = new Set<number>();
    for (const w of present) {
      for (const i of this.byWord.get(w) ?? []) {
        if (tried.has(i)) continue;
        tried.add(i);
        const a = this.aliases[i];
        let total = 0;
        let matched = 0;
        for (const aw of a.words) {
          const x = this.weight.get(aw) ?? 0;
          total += x;
          if (present.has(aw)) matched += x;
        }
        // A long alias fully present is stronger evidence than a one-word alias.
        const score = (matched / total) * Math.min(1, 0.7 + 0.15 * a.words.length);
        if (score > (best.get(a.service) ?? 0)) best.set(a.service, score);
      }
    }
    return [...best].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
  }
}
