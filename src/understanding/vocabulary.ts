import Fuse from 'fuse.js';

/**
 * Corrects typos against the words the content knows. Fuse.js searches only the words of about the same length
 * (the pre-filter keeps a search small), and answers are cached because citizens repeat the same misspellings.
 */
export class Vocabulary {
  private readonly words: Set<string>;
  private readonly byLength = new Map<number, Fuse<string>>();
  private readonly cache = new Map<string, string | null>();

  constructor(words: Iterable<string>) {
    this.words = new Set([...words].filter((w) => w.length >= 2));
    const buckets = new Map<number, string[]>();
    for (const w of this.words) {
      const list = buckets.get(w.length) ?? [];
      list.push(w);
      buckets.set(w.length, list);
    }
    for (const len of buckets.keys()) {
      const near = [len - 1, len, len + 1].flatMap((l) => buckets.get(l) ?? []);
      this.byLength.set(len, new Fuse(near, { includeScore: true, threshold: 0.3, ignoreLocation: true, minMatchCharLength: 2 }));
    }
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** The known word closest to `word`, or null when nothing is close enough (short words are never guessed). */
  correct(word: string): string | null {
    if (this.words.has(word)) return word;
    if (word.length < 4 || /^\d+$/.test(word)) return null;
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const fuse = this.byLength.get(word.length) ?? this.byLength.get(word.length - 1) ?? this.byLength.get(word.length + 1);
    const best = fuse?.search(word, { limit: 1 })[0];
    const answer = best && (best.score ?? 1) <= 0.3 ? best.item : null;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(word, answer);
    return answer;
  }
}
