import { z } from 'zod';
import { APPLICATION_STATUSES, BOOKING_STATUSES, COMPLAINT_STATUSES, SUGGESTION_STATUSES } from '../shared/statuses.js';
import { Text } from './schema.js';

// What citizens read about their records lives in knowledge/notifications.yaml; this schema is its check.

const MESSAGE_KEYS = [
  'complaint.status', 'complaint.resolved', 'complaint.fixed.yes', 'complaint.fixed.no', 'complaint.fixed.thanks',
  'complaint.fixed.reopened', 'application.status', 'application.needs-documents', 'application.approved',
  'application.rejected', 'note', 'open311.notice', 'booking.reminder', 'booking.cancelled-by-office',
  'booking.approved', 'booking.declined', 'booking.displaced', 'booking.displaced.other', 'booking.displaced.cancel',
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

/** The {placeholders} the code fills in, per text; every other text takes none. */
const PLACEHOLDERS: Record<string, readonly string[]> = {
  'messages.complaint.status': ['code', 'status'], 'messages.complaint.resolved': ['code'], 'messages.complaint.fixed.yes': ['code'],
  'messages.complaint.fixed.no': ['code'], 'messages.complaint.fixed.thanks': ['code'], 'messages.complaint.fixed.reopened': ['code'],
  'messages.application.status': ['code', 'status'], 'messages.application.needs-documents': ['code', 'missing'],
  'messages.application.approved': ['code'], 'messages.application.rejected': ['code', 'reason'], 'messages.note': ['note'],
  'messages.open311.notice': ['date', 'department'],
  'messages.booking.reminder': ['branch', 'code', 'date', 'documents', 'time', 'window'],
  'messages.booking.cancelled-by-office': ['branch', 'code', 'date', 'time'], 'messages.booking.approved': ['branch', 'code', 'date', 'time'],
  'messages.booking.declined': ['code', 'reason'], 'messages.booking.displaced': ['branch', 'code', 'date', 'reason', 'time'], 'lookup.appointment': ['date', 'time'],
  'lookup.header': ['code', 'kind', 'status'], 'lookup.filed': ['date'], 'lookup.updated': ['date'], 'lookup.deadline': ['date'],
  'lookup.expected': ['date'], 'lookup.missing': ['missing'], 'lookup.reason': ['reason'], 'lookup.next': ['next'],
  'problems.code.throttled': ['minutes'], 'problems.complaint.description-too-long': ['max'], 'problems.complaint.too-many-photos': ['max'],
  'problems.suggestion.too-long': ['max'],
};

/** Refuses a {placeholder} the code never fills in (it would reach the citizen as written). */
function checkPlaceholders(value: unknown, path: string[], ctx: z.RefinementCtx): void {
  if (!value || typeof value !== 'object') return;
  const v = value as Record<string, unknown>;
  if (typeof v.ar === 'string' && typeof v.en === 'string') {
    const allowed = PLACEHOLDERS[path.join('.')] ?? [];
    for (const lang of ['ar', 'en', 'fr'] as const) {
      for (const [, name] of ((v[lang] as string | undefined) ?? '').matchAll(/\{(\w+)\}/g)) {
        if (allowed.includes(name)) continue;
        const choices = allowed.length ? `use ${allowed.map((a) => `{${a}}`).join(', ')}` : 'this text takes no placeholders';
        ctx.addIssue({ code: 'custom', path: [...path, lang], message: `placeholder {${name}} is never filled in: ${choices}` });
      }
    }
    return;
  }
  for (const [k, x] of Object.entries(v)) checkPlaceholders(x, [...path, k], ctx);
}

export const NotificationTexts = z.object({
  kinds: z.object({ complaint: Text, application: Text, suggestion: Text, booking: Text }).strict(),
  statuses: perKind,
  nextSteps: perKind,
  messages: z.record(z.enum(MESSAGE_KEYS), Text),
  lookup: z.record(z.enum(LOOKUP_KEYS), Text),
  problems: z.record(z.enum(PROBLEM_KEYS), Text),
}).strict().superRefine((texts, ctx) => checkPlaceholders(texts, [], ctx));
export type NotificationTexts = z.infer<typeof NotificationTexts>;


