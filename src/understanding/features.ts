import { frenchSpellings, normalize, stem } from '../text/normalize.js';
import { TUNING, type Tuning } from './tuning.js';

/** A sparse feature vector: feature → weight. */
export type Vector = Map<string, number>;

// English inflections and Arabic clitics fold into one feature, so "permits" meets "permit", "licensed" meets
// "license" and "بالرخصة" meets "رخصة".
export function stemWord(word: string): string {
  if (/^[a-z]+$/.test(word)) {
    // British and American spellings meet: "regularise" → "regularize", "licence" → "license".
    let w = word.replace(/is(e|ed|es|ing|ation|ations)$/, 'iz$1').replace(/ence$/, 'ense');
    if (w.length > 4 && /(ies|ied)$/.test(w)) return `${w.slice(0, -3)}y`;
    if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
    else if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed')) w = w.slice(0, -2);
    else if (w.length > 4 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
    if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
    return w;
  }
  return stem(word);
}

export function stems(text: string): string[] {
  const n = frenchSpellings(normalize(text));
  return n ? n.split(' ').map(stemWord) : [];
}

/**
 * The consonant skeleton of a Latin-script word, so the many ways of writing one Arabizi word meet:
 * "ro5set", "rokhset" and "rukhsat" are all "r5st"; "2ayd", "qaid" and "9aid" are all "qd".
 * Undefined for Arabic script and for skeletons too short to tell words apart.
 */
export function skeleton(word: string): string | undefined {
  if (!/^[a-z0-9]+$/.test(word) || !/[a-z]/.test(word) || /^\d/.test(word)) return undefined;
  let s = word.replace(/^(el|al)(?=[a-z0-9]{4})/, '')
    .replace(/kh/g, '5').replace(/gh/g, '8').replace(/[sc]h/g, '$').replace(/dh/g, 'z').replace(/th/g, 't')
    .replace(/7/g, 'h').replace(/[29]/g, 'q').replace(/6/g, 't').replace(/3/g, '')
    .replace(/(?!^)y/g, '').replace(/[aeiou]/g, '');
  s = s.replace(/(.)\1+/g, '$1');
  return s.length >= 3 ? s : undefined;
}

/** Tokens starting with this stand for something recognised in the sentence (a service name, a tracking code). */
export const MARK = '§';

/** Words, word pairs, character trigrams (typos, unseen inflections) and Arabizi skeletons. */
export function featurize(words: string[], weights: Tuning['features'] = TUNING.features): Vector {
  const v: Vector = new Map();
  const add = (f: string, w: number) => v.set(f, (v.get(f) ?? 0) + w);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    add(`w:${w}`, weights.word);
    if (i + 1 < words.length) add(`b:${w}_${words[i + 1]}`, weights.bigram);
    if (w.startsWith(MARK)) continue;
    const padded = `_${w}_`;
    if (w.length >= 3) for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, weights.trigram);
    const k = skeleton(w);
    if (k) add(`k:${k}`, weights.skeleton);
  }
  return v;
}
