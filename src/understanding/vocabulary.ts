import Fuse from 'fuse.js';
import { TUNING, type Tuning } from './tuning.js';

/**
 * Corrects typos against the words the content knows. A character-pair index first picks the few known words of
 * about the same length that share at least half of the word's letter pairs; Fuse.js then scores only those. Answers are
 * cached because citizens repeat the same misspellings.
 */
export class Vocabulary {
  private readonly words: Set<string>;
  private readonly list: string[];
  private readonly byPair = new Map<string, number[]>();
  private readonly cache = new Map<string, string | null>();

  constructor(words: Iterable<string>, private readonly options: Tuning['vocabulary'] = TUNING.vocabulary) {
    this.words = new Set([...words].filter((w) => w.length >= 2));
    this.list = [...this.words];
    this.list.forEach((w, i) => {
      for (const p of pairs(w)) {
        let ids = this.byPair.get(p);
        if (!ids) this.byPair.set(p, (ids = []));
        if (ids[ids.length - 1] !== i) ids.push(i);
      }
    });
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** The known word closest to `word`, or null when nothing is close enough (short words are never guessed). */
  correct(word: string): string | null {
    if (this.words.has(word)) return word;
    if (word.length < this.options.minLength || /^\d+$/.test(word)) return null;
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const answer = this.search(word);
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(word, answer);
    return answer;
  }

  private search(word: string): string | null {
    // A typo or two changes a few letter pairs: candidates share at least half of them.
    const own = pairs(word);
    const shared = new Map<number, number>();
    for (const p of own) for (const i of this.byPair.get(p) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    const need = Math.max(1, Math.ceil(own.size / 2));
    const candidates: string[] = [];
    for (const [i, n] of shared) {
      const w = this.list[i];
      if (n >= need && Math.abs(w.length - word.length) <= 1) candidates.push(w);
    }
    if (!candidates.length) return null;
    const best = new Fuse(candidates, { includeScore: true, threshold: this.options.threshold, ignoreLocation: true, minMatchCharLength: 2 })
      .search(word, { limit: 1 })[0];
    return best && (best.score ?? 1) <= this.options.threshold ? best.item : null;
  }
}

function pairs(word: string): Set<string> {
  const out = new Set<string>();
  const padded = `^${word}$`;
  for (let i = 0; i + 2 <= padded.length; i++) out.add(padded.slice(i, i + 2));
  return out;
}
