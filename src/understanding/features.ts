import { normalize, stem } from '../text/normalize.js';

/** A sparse feature vector: feature → weight. */
export type Vector = Map<string, number>;

const WORD = 1;
const BIGRAM = 0.6;
const TRIGRAM_CHAR = 0.3;

// English plural and Arabic clitics fold into one feature, so "permits" meets "permit" and "بالرخصة" meets "رخصة".
export function stemWord(word: string): string {
  if (/^[a-z]+$/.test(word)) {
    if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
    if (word.length > 4 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
    return word;
  }
  return stem(word);
}

export function stems(text: string): string[] {
  const n = normalize(text);
  return n ? n.split(' ').map(stemWord) : [];
}

/** Words, word pairs and character trigrams: the trigrams carry typos and unseen inflections. */
export function featurize(words: string[]): Vector {
  const v: Vector = new Map();
  const add = (f: string, w: number) => v.set(f, (v.get(f) ?? 0) + w);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    add(`w:${w}`, WORD);
    if (i + 1 < words.length) add(`b:${w}_${words[i + 1]}`, BIGRAM);
    const padded = `_${w}_`;
    if (w.length >= 3) for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, TRIGRAM_CHAR);
  }
  return v;
}
