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
 * The language to answer in: Arabic script → ar; Arabizi (Latin with Arabic words or digit-letters) → ar; else en.
 * French is answered in English for now (the Latin-script language the municipality answers in), unless it is
 * mostly Arabizi: "ma demande" is French, not the Arabizi "ma" (not).
 */
export function detectLanguage(text: string): Lang | undefined {
  const arabic = (text.match(/[\u0600-\u06FF]/g) ?? []).length;
  const latin = (text.match(/[A-Za-z\u00C0-\u00FF]/g) ?? []).length;
  if (arabic === 0 && latin === 0) return undefined;
  if (arabic >= latin) return 'ar';
  if (!isArabizi(text)) return 'en';
  return isFrench(text) && arabiziHits(text) <= frenchHits(text) ? 'en' : 'ar';
}

function arabiziHits(text: string): number {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w && (ARABIZI_WORDS.has(w) || /[a-z][2356789]|[2356789][a-z]/.test(w))).length;
}

function frenchHits(text: string): number {
  return text.toLowerCase().split(/[^a-z\u00E0-\u00FF]+/).filter((w) => FRENCH_WORDS.has(w) || /[\u00E0-\u00FF]/.test(w)).length;
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
]);

/**
 * Whether Latin text reads as French (two French words, or a French accent). The assistant answers French writers
 * in the language its French speakers read today (English for Latin script), so this only helps understanding and
 * reporting; it does not choose the reply language.
 */
export function isFrench(text: string): boolean {
  if (/[\u0600-\u06FF]/.test(text) && (text.match(/[\u0600-\u06FF]/g) ?? []).length > (text.match(/[A-Za-z]/g) ?? []).length) return false;
  if (/[éèêàâçùûôîœ]/i.test(text)) return true;
  const words = text.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  return words.filter((w) => FRENCH_WORDS.has(w)).length >= 2;
}
