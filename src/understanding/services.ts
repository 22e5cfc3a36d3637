import type { Service } from '../content/schema.js';
import { stem } from '../text/normalize.js';
import type { Scored } from './classifier.js';
import { skeleton, stems } from './features.js';

interface Alias { service: string; words: string[] }

/** A service found in a sentence, with the positions of the words that name it. */
export interface ServiceMatch extends Scored { at: number[] }

// Dialect verbs carry person and tense letters the light stemmer keeps ("نفرزو", "بيصدق", "ترقين" vs "رقن"):
// a word that names nothing as written is tried again without them.
const VERB_PREFIXES = ['عال', 'عل', 'بت', 'بن', 'بي', 'با', 'ن', 'ي', 'ت', 'ا', 'ب', 'م', 'ع'];
const VERB_SUFFIXES = ['وها', 'وهم', 'وه', 'وا', 'و', 'ها', 'ه', 'ي', 'ين', 'نا', 'ني'];
const VARIANT = 0.9;
const SKELETON_MATCH = 0.85;

/**
 * Finds the service a sentence talks about by how much of one of its names (formal or colloquial) the sentence
 * contains, each word weighted by how distinctive it is: "رخصة" alone fits three services, "هدم" only one.
 */
export class ServiceFinder {
  private readonly aliases: Alias[] = [];
  private readonly weight = new Map<string, number>();
  // Words too ordinary to stand for a service by themselves ("بدي", "the"): they still count towards an alias.
  private readonly ordinary = new Set<string>();
  private readonly byWord = new Map<string, number[]>();
  private readonly bySkeleton = new Map<string, string[]>();
  private readonly variantCache = new Map<string, Array<[string, number]>>();

  /** `common` says how ordinary a word is in everyday messages (0 distinctive … 1 ordinary); ordinary words count for little. */
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
    for (const [w, set] of df) {
      const plain = Math.max(0.05, 1 - common(w));
      this.weight.set(w, Math.log(1 + services.length / set.size) * plain);
      if (plain < 0.5) this.ordinary.add(w);
    }
    this.aliases.forEach((a, i) => {
      for (const w of a.words) this.byWord.set(w, [...(this.byWord.get(w) ?? []), i]);
    });
    for (const w of this.weight.keys()) {
      const k = skeleton(w);
      if (k) this.bySkeleton.set(k, [...(this.bySkeleton.get(k) ?? []), w]);
    }
  }

  words(): string[] {
    return [...this.weight.keys()];
  }

  /** The alias words a query word stands for, with how sure the reading is (1 when written as in the alias). */
  private readings(word: string): Array<[string, number]> {
    if (this.weight.has(word)) return [[word, 1]];
    const cached = this.variantCache.get(word);
    if (cached) return cached;
    const out: Array<[string, number]> = [];
    if (/[\u0621-\u064A]/.test(word)) {
      for (const p of ['', ...VERB_PREFIXES]) {
        if (!word.startsWith(p)) continue;
        for (const s of ['', ...VERB_SUFFIXES]) {
          if (!p && !s) continue;
          if (!word.endsWith(s) || word.length - p.length - s.length < 3) continue;
          const core = word.slice(p.length, word.length - s.length);
          const found = this.weight.has(core) ? core : this.weight.has(stem(core)) ? stem(core) : undefined;
          if (found && !out.some(([w]) => w === found)) out.push([found, VARIANT]);
        }
        if (out.length) break;
      }
    } else {
      const k = skeleton(word);
      for (const w of (k && this.bySkeleton.get(k)) || []) out.push([w, SKELETON_MATCH]);
    }
    if (this.variantCache.size > 50_000) this.variantCache.clear();
    this.variantCache.set(word, out);
    return out;
  }

  /**
   * Services ranked by the best-covered alias (best first); only services with some overlap are listed.
   * `trust` gives each word's weight when it is itself a guess (a typo correction), 1 by default.
   */
  rank(words: string[], trust: number[] = []): ServiceMatch[] {
    const present = new Map<string, { q: number; at: number }>();
    words.forEach((w, at) => {
      for (const [aw, q0] of this.readings(w)) {
        const q = q0 * (trust[at] ?? 1);
        if (q > (present.get(aw)?.q ?? 0)) present.set(aw, { q, at });
      }
    });
    const best = new Map<string, ServiceMatch>();
    const tried = new Set<number>();
    for (const w of present.keys()) {
      for (const i of this.byWord.get(w) ?? []) {
        if (tried.has(i)) continue;
        tried.add(i);
        const a = this.aliases[i];
        let total = 0;
        let matched = 0;
        const at: number[] = [];
        for (const aw of a.words) {
          const x = this.weight.get(aw) ?? 0;
          total += x;
          const p = present.get(aw);
          if (p) { matched += x * p.q; if (!this.ordinary.has(aw)) at.push(p.at); }
        }
        // A long alias fully present is stronger evidence than a one-word alias.
        const score = (matched / total) * Math.min(1, 0.7 + 0.15 * a.words.length);
        if (score > (best.get(a.service)?.score ?? 0)) best.set(a.service, { id: a.service, score, at });
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }
}
