import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { Text } from '../content/schema.js';
import type { Lang } from '../text/language.js';
import { APPLICATION_STATUSES, BOOKING_STATUSES, COMPLAINT_STATUSES, SUGGESTION_STATUSES } from '../shared/statuses.js';

// What citizens read about their records lives in knowledge/notifications.yaml; this schema is its check.

const MESSAGE_KEYS = [
  'complaint.status', 'complaint.resolved', 'complaint.fixed.yes', 'complaint.fixed.no', 'complaint.fixed.thanks',
  'complaint.fixed.reopened', 'application.status', 'application.needs-documents', 'application.approved',
  'application.rejected', 'note', 'open311.notice', 'booking.reminder', 'booking.cancelled-by-office',
  'booking.approved', 'booking.declined',
] as const;

const LOOKUP_KEYS = ['header', 'filed', 'updated', 'deadline', 'expected', 'missing', 'reason', 'next', 'none', 'appointment'] as const;

/** Every reason a code, complaint or suggestion can be refused for; the dialogs show problems[key]. */
export const PROBLEM_KEYS = [
  'code.empty', 'code.characters', 'code.length', 'code.kind', 'code.typo', 'code.not-found', 'code.throttled',
  'complaint.unknown-category', 'complaint.description-empty', 'complaint.description-too-long',
  'complaint.location-outside', 'complaint.location-invalid', 'complaint.too-many-photos', 'complaint.reporter-missing',
  'suggestion.empty', 'suggestion.too-long',
] as const;
export type ProblemKey = (typeof PROBLEM_KEYS)[number];

const byStatus = <T extends readonly [string, ...string[]]>(statuses: T) => z.record(z.enum(statuses), Text);
const perKind = z.object({
  complaint: byStatus(COMPLAINT_STATUSES),
  application: byStatus(APPLICATION_STATUSES),
  suggestion: byStatus(SUGGESTION_STATUSES),
  booking: byStatus(BOOKING_STATUSES),
}).strict();

export const NotificationTexts = z.object({
  kinds: z.object({ complaint: Text, application: Text, suggestion: Text, booking: Text }).strict(),
  statuses: perKind,
  nextSteps: perKind,
  messages: z.record(z.enum(MESSAGE_KEYS), Text),
  lookup: z.record(z.enum(LOOKUP_KEYS), Text),
  problems: z.record(z.enum(PROBLEM_KEYS), Text),
}).strict();
export type NotificationTexts = z.infer<typeof NotificationTexts>;

export function loadNotificationTexts(knowledgeDir: string): NotificationTexts {
  const file = path.join(knowledgeDir, 'notifications.yaml');
  const result = NotificationTexts.safeParse(YAML.parse(fs.readFileSync(file, 'utf8')));
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 20).map((i) => `${file}: field ${i.path.join('.')}: ${i.message}`);
  throw new Error(`Notification texts are invalid:\n  - ${problems.join('\n  - ')}`);
}

/** Fills {placeholders}; a placeholder without a value stays visible so a missing value is noticed. */
export function fill(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A calendar day in the municipality's time zone; `YYYY-MM-DD` strings are already calendar days. */
export function formatDate(date: Date | string, lang: Lang, timeZone: string): string {
  const locale = lang === 'ar' ? 'ar-LY' : 'en-GB';
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
