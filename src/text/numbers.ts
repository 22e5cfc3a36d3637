// Numbers in replies: drawn the right way round in Arabic text, in one digit style, counted grammatically.
import type { Lang } from '../shared/lang.js';
import type { Reply } from '../shared/message.js';

/** The digits a municipality writes Arabic replies with; English replies always use Western digits. */
export type DigitStyle = 'western' | 'arabic-indic';

const LRI = '\u2066';
const PDI = '\u2069';
const ISOLATES = /[\u2066-\u2069]/g;

/** Forms of a counted word, each with {n} where the number goes (Arabic: 1, 2, 3–10, 11–99, and 100, 0...). */
export interface CountForms {
  one: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

const RULES: Record<Lang, Intl.PluralRules> = { ar: new Intl.PluralRules('ar'), en: new Intl.PluralRules('en'), fr: new Intl.PluralRules('fr') };

/**
 * The grammatical number of `n` in a language, by CLDR's rules (Intl.PluralRules): Arabic has one, two, few, many
 * and other; English one (1) and other; French one (0 and 1, and 1.5) and other. A category the content has no form
 * for (Arabic "zero", French "many" for a million) is "other".
 */
export function pluralCategory(lang: Lang, n: number): keyof CountForms {
  const c = RULES[lang].select(n);
  if (c === 'one' || c === 'other') return c;
  return lang === 'ar' && (c === 'two' || c === 'few' || c === 'many') ? c : 'other';
}

/**
 * "{n} days" in the right form: "1 day", "2 days"; "0 jour", "2 jours"; "يوم واحد", "يومان", "3 أيام", "11 يوماً",
 * "100 يوم". A "one" written without {n} ("1 day") names the number 1 only: French 0 then takes the other form.
 */
export function countOf(lang: Lang, n: number, forms: CountForms): string {
  const category = pluralCategory(lang, n);
  const form = (category === 'one' && n !== 1 && !forms.one.includes('{n}') ? forms.other : forms[category]) ?? forms.other;
  return form.replace('{n}', String(n));
}

/** Wraps a left-to-right run (a phone number, a code, an amount, a date) so Arabic text does not reverse it. */
export function isolate(text: string): string {
  return `${LRI}${text}${PDI}`;
}

/** Drops isolate characters: what a citizen copies back from a reply is read as if typed. */
export function withoutIsolates(text: string): string {
  return text.replace(ISOLATES, '');
}

// A tracking code; a phone number (a + or a long group of digits in groups); a number with its separators
// ("08:00–15:00", "2026-12-05", "12.5", "1,000"). One alternation, so nothing is wrapped twice.
const CODE = String.raw`\b[CASB]-[0-9A-Z]{5}-[0-9A-Z]{5}\b`;
const PHONE = String.raw`\+?\d{2,4}(?:[ \-]\d{2,4}){2,}`;
const NUMBER = String.raw`\+?\d+(?:[.,:/\-–]\d+)*`;
const URL = String.raw`https?://\S+`;
const RUN = new RegExp(`${URL}|${CODE}|${PHONE}|${NUMBER}`, 'g');

const toAscii = (t: string) => t.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
  .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
const toIndic = (t: string) => t.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));

/**
 * A reply's text as the citizen reads it: every number run isolated (in Arabic text), in one digit style (tracking codes keep their
 * Latin digits: they are typed back). A list's "1. " at the start of a line is left alone. Idempotent.
 */
export function presentNumbers(text: string, lang: Lang, style: DigitStyle): string {
  const indic = lang === 'ar' && style === 'arabic-indic';
  const plain = toAscii(withoutIsolates(text));
  // Only right-to-left text reverses numbers: an English reply is isolated only if it quotes Arabic (a description).
  if (lang !== 'ar' && !/[\u0590-\u08FF]/.test(plain)) return plain;
  return plain.replace(RUN, (run, offset: number, whole: string) => {
    if (/^https?:/.test(run)) return run;
    const code = /^[CASB]-/.test(run);
    const shown = code || !indic ? run : toIndic(run);
    const atLineStart = offset === 0 || whole[offset - 1] === '\n';
    if (!code && atLineStart && /^\d{1,2}$/.test(run) && whole[offset + run.length] === '.') return shown;
    return isolate(shown);
  });
}

/** The digit style alone, for short texts such as button labels (no isolates: a button is its own line). */
export function presentDigits(text: string, lang: Lang, style: DigitStyle): string {
  const plain = toAscii(text);
  if (lang !== 'ar' || style !== 'arabic-indic') return plain;
  return plain.replace(new RegExp(`${CODE}|\\d`, 'g'), (m) => (m.length > 1 ? m : toIndic(m)));
}

/**
 * A message sent outside a conversation (a status change, a reminder) as the citizen reads it, like a chat reply:
 * numbers, codes, dates and phone numbers isolated in Arabic text, in the municipality's digits; buttons in the
 * same digits. Its language is the reply's, else the script it is written in.
 */
export function presentReply(reply: Reply, style: DigitStyle): Reply {
  const lang: Lang = reply.lang ?? (/[\u0600-\u06FF]/.test(reply.text) ? 'ar' : 'en');
  const choices = reply.choices?.map((c) => ({ ...c, label: presentDigits(c.label, lang, style) }));
  return { ...reply, text: presentNumbers(reply.text, lang, style), ...(choices ? { choices } : {}) };
}
