import type { Lang } from '../text/language.js';

import type { NotificationTexts } from '../content/notifications.js';

export { PROBLEM_KEYS, type NotificationTexts, type ProblemKey } from '../content/notifications.js';

/** Fills {placeholders}; a placeholder without a value stays visible so a missing value is noticed. */
export function fill(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A calendar day in the municipality's time zone; `YYYY-MM-DD` strings are already calendar days. */
export function formatDate(date: Date | string, lang: Lang, timeZone: string): string {
  const locale = lang === 'ar' ? 'ar-LY' : lang === 'fr' ? 'fr-FR' : 'en-GB';
  if (typeof date === 'string') {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(date);
}

/** Joins a list the way each language writes one. */
export function listOf(items: string[], lang: Lang): string {
  return items.join(lang === 'ar' ? '، ' : ', ');
}

/** Adds the staff member's note, if any, as its own line under the message. */
export function withNote(text: string, note: string | undefined, t: NotificationTexts, lang: Lang): string {
  return note?.trim() ? `${text}\n${fill(t.messages.note[lang], { note: note.trim() })}` : text;
}
