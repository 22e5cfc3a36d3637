import { z } from 'zod';
import { REPLY_KEYS } from './reply-keys.js';

export { REPLY_KEYS, type ReplyKey } from './reply-keys.js';

// One zod schema per content file gives both the TypeScript type and the load-time check.

// French is optional in the file (a municipality without French writes ar/en only; the loader requires it when
// municipality.yaml lists fr); a text without one reads as its English, so every reader can say t[lang].
export const Text = z.object({ ar: z.string().min(1), en: z.string().min(1), fr: z.string().min(1).optional() }).strict()
  .transform((t) => ({ ...t, fr: t.fr ?? t.en }));
export type Text = z.infer<typeof Text>;

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24h)');
const Day = z.enum(['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri']);
export type Day = z.infer<typeof Day>;

export const Hours = z.array(z.object({ days: z.array(Day).min(1), open: Time, close: Time }).strict()).min(1);
export type Hours = z.infer<typeof Hours>;

const Point = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict();

export const Branch = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: Text,
  address: Text,
  phone: z.string().min(3),
  hours: Hours,
  location: Point.optional(),
  main: z.boolean().default(false),
}).strict();
export type Branch = z.infer<typeof Branch>;

// A counted word's forms, each with {n}: Arabic has one (1), two (2), few (3–10), many (11–99) and other (0, 100…);
// English has one and other. The number goes where {n} is, or nowhere ("يومان").
const form = (n: boolean) => n ? z.string().min(1).regex(/\{n\}/, 'put {n} where the number goes') : z.string().min(1);
export const CountForms = z.object({
  ar: z.object({ one: form(false), two: form(false), few: form(true), many: form(true), other: form(true) }).strict(),
  en: z.object({ one: form(false), other: form(true) }).strict(),
  // French has one (0 and 1, so its form needs {n}) and other; without it French replies count in English.
  fr: z.object({ one: form(true), other: form(true) }).strict().optional(),
}).strict().transform((c) => ({ ...c, fr: c.fr ?? c.en }));
export type CountForms = z.infer<typeof CountForms>;
/** Counted words of replies (knowledge/counts.yaml): days, documents, photos... */
export const Counts = z.object({ counts: z.record(z.string().regex(/^[a-z-]+$/), CountForms) }).strict();

export const Municipality = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: Text,
  timezone: z.string().min(1),
  currency: z.object({
    code: z.string().min(3).max(3), ar: z.string().min(1), en: z.string().min(1), fr: z.string().min(1).optional(),
    // How an amount is written in each language, by grammatical number (see knowledge/counts.yaml).
    forms: CountForms.optional(),
  }).strict().transform((c) => ({ ...c, fr: c.fr ?? c.en })),
  // The languages citizens are answered in; with fr listed, every reply, notification and canned reply needs a fr text.
  languages: z.array(z.enum(['ar', 'en', 'fr'])).min(1).default(['ar', 'en'])
    .refine((l) => l.includes('ar') && l.includes('en'), 'ar and en are always needed; add fr for French'),
  // The digits Arabic replies are written in: one style in every reply (English always uses Western digits).
  digits: z.enum(['western', 'arabic-indic']).default('western'),
  phone: z.string().min(3),
  website: z.string().url().optional(),
  // Complaints with a location outside this box are questioned (issue: a pin far away is usually a mistake).
  bounds: z.object({ north: z.number(), south: z.number(), east: z.number(), west: z.number() }).strict(),
  // When staff answer handed-off conversations.
  staffHours: Hours,
  branches: z.array(Branch).min(1),
  accessibility: z.object({
    dedicatedWindow: Text,
    wheelchairEntrance: Text,
    parking: Text,
    notes: Text.optional(),
  }).strict(),
}).strict();
export type Municipality = z.infer<typeof Municipality>;

export const Department = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: Text,
  phone: z.string().min(3).optional(),
  branch: z.string().min(1),
}).strict();
export type Department = z.infer<typeof Department>;
export const Departments = z.object({ departments: z.array(Department).min(1) }).strict();

const Aliases = z.object({
  ar: z.array(z.string().min(2)).default([]),
  en: z.array(z.string().min(2)).default([]),
  arabizi: z.array(z.string().min(2)).default([]),
  // French administrative and colloquial names (Lebanese and Maghrebi citizens name services in French).
  fr: z.array(z.string().min(2)).default([]),
}).strict();

export const Fee = z.object({
  label: Text,
  amount: z.number().nonnegative().optional(),
  free: z.boolean().optional(),
  note: Text.optional(),
}).strict().refine((f) => (f.amount !== undefined) !== (f.free === true), {
  message: 'a fee has either an amount or free: true',
});

export const Service = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: Text,
  aliases: Aliases,
  department: z.string().min(1),
  summary: Text,
  documents: z.array(z.object({ name: Text, note: Text.optional() }).strict()).min(1),
  fees: z.array(Fee).min(1),
  payment: Text,
  duration: z.object({ days: z.number().int().nonnegative(), text: Text }).strict(),
  where: z.object({ branch: z.string().min(1), window: Text, department: z.string().min(1) }).strict(),
  steps: z.array(Text).min(1),
  conditions: z.array(Text).default([]),
  online: z.object({ possible: z.boolean(), note: Text }).strict(),
}).strict();
export type Service = z.infer<typeof Service>;

export const ComplaintCategory = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: Text,
  department: z.string().min(1),
  deadlineDays: z.number().int().positive(),
  // Words and short phrases citizens use for this problem, in any language or dialect.
  examples: z.array(z.string().min(2)).min(5),
}).strict();
export type ComplaintCategory = z.infer<typeof ComplaintCategory>;
export const ComplaintCategories = z.object({ categories: z.array(ComplaintCategory).min(1) }).strict();

const Examples = z.array(z.string().min(1));
export const Intent = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  handoff: z.boolean(),
  examples: z.object({
    msa: Examples.default([]),
    libyan: Examples.default([]),
    syrian: Examples.default([]),
    levantine: Examples.default([]),
    palestinian: Examples.default([]),
    en: Examples.default([]),
    arabizi: Examples.default([]),
    // French, and French mixed with Arabic, Arabizi or English.
    fr: Examples.default([]),
  }).strict(),
}).strict();
export type Intent = z.infer<typeof Intent>;

// Words that tell which part of a service the citizen asks about, in any language or dialect.
export const Aspects = z.object({
  documents: z.array(z.string().min(1)).min(3),
  fees: z.array(z.string().min(1)).min(3),
  duration: z.array(z.string().min(1)).min(3),
  location: z.array(z.string().min(1)).min(3),
  steps: z.array(z.string().min(1)).min(3),
  more: z.array(z.string().min(1)).min(1),
}).strict();
export type Aspects = z.infer<typeof Aspects>;
export type Aspect = Exclude<keyof Aspects, 'more'>;

/** Every sentence the assistant says (knowledge/replies.yaml), checked against the table of keys the code uses. */
export const Replies = z.record(z.string(), Text).superRefine((r, ctx) => {
  const known = REPLY_KEYS as Record<string, readonly string[]>;
  for (const key of Object.keys(known)) {
    if (!r[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'missing: add this reply with its ar and en texts' });
  }
  for (const [key, text] of Object.entries(r)) {
    const allowed = known[key];
    if (!allowed) { ctx.addIssue({ code: 'custom', path: [key], message: 'the assistant never says this key: remove it, or correct its spelling' }); continue; }
    for (const lang of ['ar', 'en', 'fr'] as const) {
      for (const [, name] of text[lang].matchAll(/\{(\w+)\}/g)) {
        if (!allowed.includes(name)) {
          const choices = allowed.length ? `use ${allowed.map((a) => `{${a}}`).join(', ')}` : 'this text takes no placeholders';
          ctx.addIssue({ code: 'custom', path: [key, lang], message: `placeholder {${name}} is never filled in: ${choices}` });
        }
      }
    }
  }
});
export type Replies = z.infer<typeof Replies>;

// Words that act anywhere, even in the middle of a flow or a queue; matched as the whole message.
export const Commands = z.object({
  cancel: z.array(z.string().min(1)).min(1),
  menu: z.array(z.string().min(1)).min(1),
}).strict();
export type Commands = z.infer<typeof Commands>;

/** A ready answer staff paste into a conversation, in both languages; admins edit them in the console. */
export const CannedReply = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,60}$/, 'use a-z, 0-9 and - (at most 60)'),
  title: Text,
  text: Text,
}).strict();
export type CannedReply = z.infer<typeof CannedReply>;
export const CannedReplies = z.object({ replies: z.array(CannedReply).min(1) }).strict();
const LocalDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected a date YYYY-MM-DD')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'no such day in the calendar');

// Public holidays (knowledge/holidays.yaml): no appointments, and not counted as working days.
export const Holidays = z.object({ holidays: z.array(z.object({ date: LocalDate, name: Text }).strict()) }).strict();
export type Holiday = z.infer<typeof Holidays>['holidays'][number];

export const BookableService = z.object({
  service: z.string().min(1),
  slotMinutes: z.number().int().min(5).max(240),
  // Citizens served at the same time: one place per counter in every slot.
  counters: z.number().int().min(1).max(50),
  // The window the citizen goes to, when not the one in the service's file.
  window: Text.optional(),
  // A request (the mayor's office confirms it) rather than a booking taken at once.
  request: z.boolean().default(false),
}).strict();
export type BookableService = z.infer<typeof BookableService>;

// Appointments (knowledge/booking.yaml): what each branch takes and how far ahead.
export const Booking = z.object({
  daysAhead: z.number().int().min(1).max(90),
  latestMinutesBefore: z.number().int().min(0).max(24 * 60),
  maxOpenPerChat: z.number().int().min(1).max(20),
  reminder: z.object({ daysBefore: z.number().int().min(0).max(7), at: Time }).strict(),
  // Whole messages that ask for the chat's appointments ("مواعيدي", "my appointments").
  mine: z.array(z.string().min(2)).min(1),
  branches: z.array(z.object({
    branch: z.string().min(1),
    closures: z.array(z.object({ from: LocalDate, to: LocalDate, reason: Text }).strict()).default([]),
    services: z.array(BookableService).min(1),
  }).strict()).min(1),
}).strict();
export type Booking = z.infer<typeof Booking>;

// The services menu's areas (knowledge/service-groups.yaml): every service in exactly one (checked on load).
export const ServiceGroups = z.object({
  groups: z.array(z.object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: Text,
    services: z.array(z.string().min(1)).min(1),
  }).strict()).min(1),
}).strict();
export type ServiceGroup = z.infer<typeof ServiceGroups>['groups'][number];
