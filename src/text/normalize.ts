// Arabic and English text normalisation shared by understanding, search and tracking codes.

const DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]/g;
const TATWEEL = /\u0640/g;

const LETTER_MAP: Record<string, string> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ٲ': 'ا', 'ٳ': 'ا',
  // A lone hamza stays: dropping it would make "ماء" (water) the particle "ما".
  'ؤ': 'و', 'ئ': 'ي',
  'ة': 'ه', 'ى': 'ي',
  // Persian and Urdu letter variants typed on non-Arabic keyboards.
  'ک': 'ك', 'گ': 'ك', 'ی': 'ي', 'ې': 'ي', 'ۍ': 'ي', 'ے': 'ي', 'ہ': 'ه', 'ە': 'ه', 'ھ': 'ه', 'ۀ': 'ه',
  'پ': 'ب', 'چ': 'ج', 'ژ': 'ز', 'ڤ': 'ف', 'ڨ': 'ق',
};
const LETTERS = new RegExp(`[${Object.keys(LETTER_MAP).join('')}]`, 'g');

/** Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII. */
export function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/**
 * The one cleaning of everything citizens and staff type, before it is understood or stored: drops lone surrogates,
 * control characters, zero-width characters and the bidi embedding/override/isolate controls (U+202A–U+202E,
 * U+2066–U+2069, which make stored text display as something it is not); tabs become spaces; keeps newlines.
 */
export function cleanInput(text: string): string {
  return text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, (c) => (c === '\t' ? ' ' : ''))
    .trim();
}

/**
 * Folds the spellings citizens use for the same word into one form: hamza and alef variants, ة/ه, ى/ي,
 * diacritics, tatweel, letters stretched for emphasis, Eastern digits, punctuation and emoji.
 */
export function normalize(text: string): string {
  let t = foldAccents(asciiDigits(cleanInput(text).normalize('NFKC'))).toLowerCase();
  t = t.replace(DIACRITICS, '').replace(TATWEEL, '');
  // Stretched letters: "كتيييير" → "كتير", "pleeeease" → "please". Before folding, so "أإآ" stays three letters.
  t = t.replace(/([\u0621-\u064A])\1{2,}/g, '$1').replace(/([a-z])\1{2,}/g, '$1');
  // A doubled alef is always stretching ("بنااء", "سلاام"); other doubled letters can be real ("ممكن", "اللي").
  t = t.replace(/اا/g, 'ا');
  t = t.replace(LETTERS, (c) => LETTER_MAP[c] ?? c);
  // Anything that is not a letter or digit separates words (punctuation, emoji, symbols).
  t = t.replace(/[^\p{L}\p{N}]+/gu, ' ');
  return t.replace(/\s+/g, ' ').trim();
}

/**
 * French accents and ligatures folded into plain Latin letters, as most citizens type them on phones anyway:
 * "extrait d'état civil" meets "extrait d etat civil", "œuvre" meets "oeuvre", "ça" meets "ca". Arabic is untouched.
 */
export function foldAccents(text: string): string {
  if (!/[\u00C0-\u024F]/.test(text)) return text;
  return text.replace(/[œŒæÆ]/g, (c) => ({ œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE' })[c] ?? c)
    .normalize('NFD').replace(/([A-Za-z])[\u0300-\u036F]+/g, '$1').normalize('NFC');
}

// French as Lebanese and Maghrebi citizens type it in chats: SMS shorthand and spellings by ear.
const FRENCH_SPELLINGS: Record<string, string> = {
  bjr: 'bonjour', bnjr: 'bonjour', bonjr: 'bonjour', bonjou: 'bonjour', bnsr: 'bonsoir', bsr: 'bonsoir', slt: 'salut',
  mrc: 'merci', mrci: 'merci', mercii: 'merci', mersi: 'merci', merssi: 'merci', stp: 's il te plait', svp: 's il vous plait', silvouplait: 's il vous plait',
  cv: 'ca va', sava: 'ca va', cava: 'ca va', bcp: 'beaucoup', bocou: 'beaucoup', pr: 'pour', pk: 'pourquoi', pq: 'pourquoi', qd: 'quand',
  ds: 'dans', tjr: 'toujours', tjrs: 'toujours', rdv: 'rendez vous', rendezvous: 'rendez vous', qlq: 'quelque', qq: 'quelque',
  jsp: 'je sais pas', jveux: 'je veux', chui: 'je suis', chuis: 'je suis', jai: 'j ai', cest: 'c est',
  kesk: 'qu est ce que', keske: 'qu est ce que', koi: 'quoi', kelle: 'quelle', coment: 'comment', komen: 'comment',
  ojourdui: 'aujourd hui', auj: 'aujourd hui', dmn: 'demain', msg: 'message', infos: 'informations', info: 'information',
  doc: 'document', docs: 'documents', papie: 'papier', mairi: 'mairie', municipalite: 'municipalite',
  bonjoure: 'bonjour', bnjour: 'bonjour', bjour: 'bonjour', bsoir: 'bonsoir', mercie: 'merci', mrcii: 'merci',
  svpl: 's il vous plait', slvp: 's il vous plait', svpp: 's il vous plait', stpp: 's il te plait', dsl: 'desole',
  jvoudrais: 'je voudrais', jvoudrai: 'je voudrais', jvx: 'je veux', jpeux: 'je peux', jsuis: 'je suis', koman: 'comment',
};

/** Common French shorthand and spellings by ear, written out ("bjr stp" → "bonjour s il te plait"). */
export function frenchSpellings(normalized: string): string {
  if (!/[a-z]/.test(normalized)) return normalized;
  return normalized.split(' ').map((w) => FRENCH_SPELLINGS[w] ?? w).join(' ');
}

export function tokens(text: string): string[] {
  const n = normalize(text);
  return n ? n.split(' ') : [];
}

const PREFIXES = ['وبال', 'وال', 'بال', 'فال', 'كال', 'لل', 'ال', 'و', 'ف', 'ب', 'ل'];
const SUFFIXES = ['هما', 'كم', 'هم', 'ها', 'نا', 'ات', 'ين', 'ون', 'ان', 'يه', 'ه', 'ي', 'ك'];

/** Light Arabic stemming: strips the common clitic prefixes and suffixes while keeping a 3-letter core. */
export function stem(word: string): string {
  if (!/[\u0621-\u064A]/.test(word)) return word;
  let w = word;
  for (const p of PREFIXES) {
    if (!w.startsWith(p)) continue;
    // A one-letter ف/ب/ل is only split from a word that stays long enough to be one: "فضلة", "بيان" and "لجنة" are
    // words, not clitic + "ضلة", "يان", "جنة"; و is a clitic far more often ("وبدي").
    if (w.length - p.length >= (p.length === 1 && p !== 'و' ? 4 : 3)) { w = w.slice(p.length); break; }
    // A short word keeps its article ("الضي", "بالما" → "الما"): "الض" would name nothing and "ما" is "not".
    if (p.endsWith('ال')) return w.slice(p.length - 2);
  }
  for (const s of SUFFIXES) {
    if (w.endsWith(s) && w.length - s.length >= 3) { w = w.slice(0, -s.length); break; }
  }
  return w;
}
