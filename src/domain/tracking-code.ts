import { randomInt } from 'node:crypto';
import { asciiDigits } from '../text/normalize.js';

/**
 * Tracking codes look like `C-7KQ2X-M4PR9`: a kind letter (C complaint, A application, S suggestion, B booking), nine random characters and one check character.
 *
 * - 31 symbols (digits 0-9 and letters without I, L, O, U, V): one of each look-alike pair is kept and the
 *   other is read back as it (O→0, I/L→1); U and V are left out because they are confused with each other.
 * - Nine random symbols from the crypto generator give 31^9 ≈ 2^44.6 codes: not sequential, not guessable.
 * - The check symbol makes Σ (position+1) × value ≡ 0 (mod 31) over the whole code, kind letter included.
 *   31 is prime and the weights are distinct, so every single wrong symbol and every swap of two
 *   neighbours changes the sum and is caught.
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTWXYZ';
const BASE = CODE_ALPHABET.length; // 31, prime
const RANDOM_LENGTH = 9;

export type TrackingKind = 'complaint' | 'application' | 'suggestion' | 'booking';
const PREFIX: Record<TrackingKind, string> = { complaint: 'C', application: 'A', suggestion: 'S', booking: 'B' };
const KIND_OF = new Map(Object.entries(PREFIX).map(([kind, p]) => [p, kind as TrackingKind]));

// Look-alikes citizens type for a symbol of the alphabet.
const CONFUSIONS: Record<string, string> = { O: '0', I: '1', L: '1' };

export type TrackingCodeProblem =
  | 'empty'       // nothing that looks like a code
  | 'characters'  // a character that can never be part of a code
  | 'length'      // too many or too few characters
  | 'kind'        // does not start with a known kind letter
  | 'typo';       // the check character does not match: a character was mistyped or two were swapped

export type ParsedTrackingCode =
  | { ok: true; code: string; kind: TrackingKind }
  | { ok: false; problem: TrackingCodeProblem };

function value(symbol: string): number {
  return CODE_ALPHABET.indexOf(symbol);
}

function weightedSum(symbols: string): number {
  let sum = 0;
  for (let i = 0; i < symbols.length; i++) sum += (i + 1) * value(symbols[i]);
  return sum % BASE;
}

function modInverse(a: number): number {
  for (let x = 1; x < BASE; x++) if ((a * x) % BASE === 1) return x;
  throw new Error(`${a} has no inverse mod ${BASE}`);
}

/** The check symbol that makes the weighted sum of `body` + check a multiple of 31. */
function checkSymbol(body: string): string {
  const weight = body.length + 1;
  const needed = (BASE - weightedSum(body)) % BASE;
  return CODE_ALPHABET[(needed * modInverse(weight)) % BASE];
}

function format(compact: string): string {
  return `${compact[0]}-${compact.slice(1, 6)}-${compact.slice(6)}`;
}

/** A fresh random code of the given kind, in its canonical printed form. */
export function newTrackingCode(kind: TrackingKind): string {
  let body = PREFIX[kind];
  for (let i = 0; i < RANDOM_LENGTH; i++) body += CODE_ALPHABET[randomInt(BASE)];
  return format(body + checkSymbol(body));
}

export function trackingKind(code: string): TrackingKind | undefined {
  return KIND_OF.get(code[0]);
}

/**
 * Reads a code as a citizen typed or dictated it: any case, Arabic-Indic or Persian digits, spaces and dashes
 * anywhere, O for 0 and I or L for 1, with or without the kind letter.
 */
export function parseTrackingCode(input: string): ParsedTrackingCode {
  // Bidi marks and isolates come along when a code is copied out of a reply; they are not part of it.
  const compact = asciiDigits(input.normalize('NFKC')).toUpperCase().replace(/[\s\-_.‐-―−ـ#\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');
  if (!compact) return { ok: false, problem: 'empty' };
  if (!/^[0-9A-Z]+$/.test(compact)) return { ok: false, problem: 'characters' };
  const withPrefix = compact.length === RANDOM_LENGTH + 2;
  if (!withPrefix && compact.length !== RANDOM_LENGTH + 1) return { ok: false, problem: 'length' };

  const prefix = withPrefix ? compact[0] : '';
  const rest = [...(withPrefix ? compact.slice(1) : compact)].map((c) => CONFUSIONS[c] ?? c).join('');
  if ([...rest].some((c) => value(c) < 0)) return { ok: false, problem: 'characters' };

  if (withPrefix) {
    if (!KIND_OF.has(prefix)) return { ok: false, problem: 'kind' };
    return weightedSum(prefix + rest) === 0
      ? { ok: true, code: format(prefix + rest), kind: KIND_OF.get(prefix)! }
      : { ok: false, problem: 'typo' };
  }
  // Without the kind letter, the check character tells which kind fits (at most one can).
  for (const [p, kind] of KIND_OF) {
    if (weightedSum(p + rest) === 0) return { ok: true, code: format(p + rest), kind };
  }
  return { ok: false, problem: 'typo' };
}

/**
 * Finds a tracking code inside a longer message ("وين وصلت شكوتي c-7kq2x m4pr9؟").
 * Returns the first valid code, else the problem with the first thing that looked like one.
 */
export function findTrackingCode(text: string): ParsedTrackingCode {
  const whole = parseTrackingCode(text);
  if (whole.ok) return whole;
  const words = asciiDigits(text).replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '').split(/\s+/).map((w) => w.replace(/^[^0-9A-Za-z]+|[^0-9A-Za-z]+$/g, '')).filter(Boolean);
  let first: ParsedTrackingCode | undefined;
  // A code may be typed in up to four pieces ("C 7KQ2X M4PR9").
  for (let i = 0; i < words.length; i++) {
    for (let j = i; j < Math.min(words.length, i + 4); j++) {
      const candidate = words.slice(i, j + 1).join('');
      const compact = candidate.replace(/-/g, '');
      // Ordinary words of the right length are not codes; a code nearly always has a digit or a dash.
      if (!/^[0-9A-Za-z]+$/.test(compact) || !/[0-9]/.test(compact) && !candidate.includes('-')) continue;
      if (compact.length < RANDOM_LENGTH + 1 || compact.length > RANDOM_LENGTH + 2) continue;
      const parsed = parseTrackingCode(candidate);
      if (parsed.ok) return parsed;
      first ??= parsed;
    }
  }
  return first ?? { ok: false, problem: 'empty' };
}

// Shaped like a printed code ("C-7KQ2X-M4PR9", any case, dashes or spaces): the dash or a digit tells it from an
// ordinary word of that length ("application").
const CODE_SHAPED = /\b[CASBcasb]\s?-?\s?[0-9A-Za-z]{5}[\s-]?[0-9A-Za-z]{5}\b/g;

/**
 * The parts of a message typed as tracking codes, valid or mistyped. A message that is nothing but a code with no
 * digit, typed with spaces ("c wgcqh zsrkn"), is one too when its check character holds (one ordinary phrase of that
 * shape in 31 would pass).
 */
export function codeShaped(text: string): string[] {
  const found = (asciiDigits(text).match(CODE_SHAPED) ?? []).filter((m) => /[-\d]/.test(m));
  if (!found.length && WHOLE_CODE.test(text.trim()) && parseTrackingCode(text).ok) return [text.trim()];
  return found;
}
const WHOLE_CODE = /^[CASBcasb][\s-]*[0-9A-Za-z]{5}[\s-]*[0-9A-Za-z]{5}$/;

// Something shaped like a tracking code (C-7KQ2X-M4PR9, A-…, S-…, B-…, or the older NF-…): a kind prefix, a dash and
// letters mixed with digits, or the same in capitals with spaces. Codes with a typo still say "I am following
// something up". (Arabizi has digits in words, "3a2ar", so a lone run of letters and digits is not enough.)
const CODE_DASHED = /(?:^|[^a-z0-9])(?:nf|[casb])\s*[-_#]\s*(?=[a-z0-9]*\d)[a-z0-9]{3,6}(?:\s*[-_ ]\s*[a-z0-9]{1,6})?(?![a-z0-9])/i;
const CODE_SPACED = /(?:^|[^A-Za-z0-9])(?:NF|[CASB])\s+(?=[A-Z0-9]*\d)[A-Z0-9]{4,6}\s+[A-Z0-9]{3,6}(?![A-Za-z0-9])/;
// The receipt's own shape ("C-RKPCT-RCJXZ"): a code may happen to have no digit at all.
const CODE_CANONICAL = /(?:^|[^a-z0-9])[casb]\s*-\s*[a-z0-9]{5}\s*-\s*[a-z0-9]{5}(?![a-z0-9])/i;
/** Whether a message follows something up by its code, even a mistyped one ("c-7kq2 m4pr9", "NF-…"). */
export function mentionsTrackingCode(text: string): boolean {
  if (CODE_DASHED.test(text) || CODE_SPACED.test(text) || CODE_CANONICAL.test(text)) return true;
  const found = /\d/.test(text) && /[A-Z]/.test(text) ? findTrackingCode(text) : undefined;
  return !!found?.ok;
}
