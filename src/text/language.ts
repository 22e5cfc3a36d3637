import type { Lang } from '../shared/lang.js';

export type { Lang };

// Common Arabizi words that carry no digit, so the digit rule alone would miss them.
const ARABIZI_WORDS = new Set([
  'bdi', 'baddi', 'badi', 'shu', 'sho', 'shou', 'chou', 'esh', 'eish', 'shen', 'shin', 'kif', 'kifak', 'kifik', 'keefak',
  'marhaba', 'mar7aba', 'salam', 'slm', 'ahlan', 'hala', 'yslmo', 'shukran', 'shokran', 'mashkoor', 'inshallah', 'yalla',
  'ana', 'enta', 'inta', 'fi', 'fee', 'ma', 'mish', 'msh', 'mesh', 'wein', 'wen', 'weyn', 'kam', 'adesh', 'addesh', 'adeh',
  'nebi', 'nibi', 'nabi', 'tawa', 'hala2', 'halla', 'lesh', 'leish', 'leh', 'hek', 'heik', 'hay', 'haida', 'hada', 'hatha',
  'ya', 'akhi', 'ukhti', 'habibi', 'tayeb', 'tayyeb', 'mnih', 'kteer', 'ktir', 'helba', 'bas', 'lakan', 'wallah', 'walla',
  'rokhsa', 'rukhsa', 'rokhset', 'shahada', 'shakwa', 'ikhraj', 'baladiyeh', 'baladiya', 'baladia', 'mwazaf', 'muwazaf',
]);

/**
 * The language a message is written in: Arabic script → ar; French (two French words, or a short message of French
 * words only: "bonjour", "merci bcp") → fr, unless it is mostly Arabizi ("bonjour, bdi a3ref..." is Arabic, and
 * "ma demande" is French, not the Arabizi "ma"); other Arabizi → ar; else en. Whether the municipality answers in
 * French is the conversation's business (it falls back to English when it does not).
 */
export function detectLanguage(text: string): Lang | undefined {
  const arabic = (text.match(/[\u0600-\u06FF]/g) ?? []).length;
  const latin = (text.match(/[A-Za-z\u00C0-\u00FF]/g) ?? []).length;
  if (arabic === 0 && latin === 0) return undefined;
  if (arabic >= latin) return 'ar';
  if (isFrench(text) && arabiziHits(text) <= frenchHits(text)) return 'fr';
  return isArabizi(text) ? 'ar' : 'en';
}

function arabiziHits(text: string): number {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w && (ARABIZI_WORDS.has(w) || /[a-z][2356789]|[2356789][a-z]/.test(w))).length;
}

function frenchWords(text: string): string[] {
  return text.toLowerCase().split(/[^a-z\u00E0-\u00FF]+/).filter(Boolean);
}

function frenchHits(text: string): number {
  return frenchWords(text).filter((w) => FRENCH_WORDS.has(w) || /[\u00E0-\u00FF]/.test(w)).length;
}

export function isArabizi(text: string): boolean {
  const words = text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words.length === 0) return false;
  let hits = 0;
  for (const w of words) {
    if (ARABIZI_WORDS.has(w) || /[a-z][2356789]|[2356789][a-z]/.test(w)) hits++;
  }
  return hits > 0 && hits / words.length >= 0.2;
}

// Frequent French words that are not also English or Arabizi ones.
const FRENCH_WORDS = new Set([
  'bonjour', 'bonsoir', 'salut', 'merci', 'je', 'j', 'voudrais', 'veux', 'vous', 'nous', 'est', 'suis', 'les', 'des', 'du',
  'une', 'pour', 'avec', 'dans', 'sur', 'mon', 'mes', 'votre', 'quel', 'quelle', 'quels', 'comment', 'combien', 'pourquoi',
  'ou', 'qu', 'que', 'svp', 'stp', 'mairie', 'demande', 'papiers', 'permis', 'extrait', 'certificat',
  'attestation', 'rendez', 'plainte', 'aujourd', 'demain', 'oui', 'non', 'pas', 'au', 'aux', 'revoir', 'bjr', 'mrc', 'rdv', 'il', 'elle',
  'le', 'de', 'et', 'ce', 'cette', 'qui', 'mais', 'besoin', 'horaires', 'ouvert', 'ouverte', 'quand', 'aide', 'aider', 'parler',
  'plait', 'madame', 'monsieur', 'jai', 'cest', 'faut', 'faire', 'peux', 'peut', 'pouvez', 'savoir', 'quoi', 'bonsoir', 'bsr', 'slt',
  'mercii', 'mrci', 'beaucoup', 'bcp', 'francais', 'en', 'voir', 'annuler', 'dossier', 'mairie', 'maire', 'quartier', 'rue', 'depuis',
]);

/**
 * Whether Latin text reads as French: two French words (an accented word counts as one), or a short message made
 * of French words only ("bonjour", "merci bcp", "français svp").
 */
export function isFrench(text: string): boolean {
  if (/[\u0600-\u06FF]/.test(text) && (text.match(/[\u0600-\u06FF]/g) ?? []).length > (text.match(/[A-Za-z]/g) ?? []).length) return false;
  const words = frenchWords(text);
  const hits = frenchHits(text);
  return hits >= 2 || (hits >= 1 && words.length <= 2 && hits === words.length);
}
