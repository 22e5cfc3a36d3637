import { createHash } from 'node:crypto';
import type { ChannelName } from '../shared/message.js';
import type { Lang } from '../text/language.js';
import { samePhone, type Application, type ApplicationStore } from './applications.js';
import type { Complaint, ComplaintStore } from './complaints.js';
import { fill, formatDate, listOf, type NotificationTexts, type ProblemKey } from './notification-texts.js';
import { sameChat, type Chat } from '../shared/statuses.js';
import type { Suggestion, SuggestionStore } from './suggestions.js';
import type { Booking, BookingStore } from './bookings.js';
import { parseTrackingCode, type TrackingKind } from './tracking-code.js';

/** What anyone holding the code may see: status and dates, never who filed it, what they wrote or where. */
export interface StatusSummary {
  kind: TrackingKind;
  code: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  /** Complaints: when the municipality committed to act. */
  deadline?: Date;
  /** Applications: the local day it should be ready (YYYY-MM-DD). */
  expectedBy?: string;
  /** Applications waiting for documents: what to bring (a list of document names, nothing personal). */
  missingDocuments?: string[];
  /** Bookings: the local day and time of the appointment. */
  appointment?: { day: string; time: string };
}

export type OwnedRecord =
  | { kind: 'complaint'; complaint: Complaint }
  | { kind: 'application'; application: Application }
  | { kind: 'suggestion'; suggestion: Suggestion }
  | { kind: 'booking'; booking: Booking };

export type LookupResult =
  | { ok: true; owner: false; summary: StatusSummary }
  | { ok: true; owner: true; summary: StatusSummary; record: OwnedRecord }
  | { ok: false; problem: Exclude<Extract<ProblemKey, `code.${string}`>, 'code.throttled'> }
  | { ok: false; problem: 'code.throttled'; retryAfterSeconds: number };

/** Failed lookups per chat, kept in the database so limits hold across restarts and server instances. */
export interface LookupThrottleStore {
  blockedUntil(key: string): Promise<Date | null>;
  /** Counts a failure; the count starts again after `quietMs` without failures. Returns the count. */
  recordFailure(key: string, now: Date, quietMs: number): Promise<number>;
  block(key: string, until: Date, quietMs: number): Promise<void>;
}

export interface ThrottleLimits {
  /** Failures allowed before each further attempt has to wait. */
  freeFailures: number;
  /** A streak of failures ends after this long without one. */
  quietMs: number;
  /** The first wait; it doubles with every further failure, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { freeFailures: 5, quietMs: 10 * 60_000, firstDelayMs: 30_000, maxDelayMs: 60 * 60_000 };
export const DEFAULT_ORIGIN_THROTTLE: ThrottleLimits = { freeFailures: 10, quietMs: 10 * 60_000, firstDelayMs: 30_000, maxDelayMs: 60 * 60_000 };

export interface StatusLookupDeps {
  complaints: ComplaintStore;
  applications: ApplicationStore;
  suggestions: SuggestionStore;
  /** Appointments; without it a booking code is not found. */
  bookings?: Pick<BookingStore, 'findByCode' | 'listByChat'>;
  throttle: LookupThrottleStore;
  limits?: ThrottleLimits;
  /** Limits per origin (several citizens may share one address: a family, an office, a phone operator's NAT). */
  originLimits?: ThrottleLimits;
  now?: () => Date;
}

export function complaintSummary(c: Complaint): StatusSummary {
  return { kind: 'complaint', code: c.code, status: c.status, createdAt: c.createdAt, updatedAt: c.updatedAt, deadline: c.deadline };
}

export function applicationSummary(a: Application): StatusSummary {
  return {
    kind: 'application', code: a.code, status: a.status, createdAt: a.createdAt, updatedAt: a.updatedAt, expectedBy: a.expectedBy,
    ...(a.status === 'needs-documents' ? { missingDocuments: [...a.missingDocuments] } : {}),
  };
}

export function suggestionSummary(s: Suggestion): StatusSummary {
  return { kind: 'suggestion', code: s.code, status: s.status, createdAt: s.createdAt, updatedAt: s.createdAt };
}

export function bookingSummary(b: Booking): StatusSummary {
  return { kind: 'booking', code: b.code, status: b.status, createdAt: b.createdAt, updatedAt: b.updatedAt, appointment: { day: b.day, time: b.time } };
}

// The chat id is hashed: the throttle needs to recognise a chat, not to know who it is.
function throttleKey(chat: Chat): string {
  return createHash('sha256').update(`${chat.channel}:${chat.user}`).digest('hex');
}

function originKey(origin: string): string {
  return createHash('sha256').update(`origin:${origin}`).digest('hex');
}

export class StatusLookup {
  private readonly now: () => Date;
  private readonly limits: ThrottleLimits;
  private readonly originLimits: ThrottleLimits;

  constructor(private readonly deps: StatusLookupDeps) {
    this.now = deps.now ?? (() => new Date());
    this.limits = deps.limits ?? DEFAULT_THROTTLE;
    this.originLimits = deps.originLimits ?? DEFAULT_ORIGIN_THROTTLE;
  }

  /**
   * Looks a code up for a chat: the filer gets the whole record, anyone else the summary only. Failures count for
   * the chat and, when the channel knows it, for the place the message came from (`origin`, e.g. a hashed IP), so
   * a new chat per guess does not buy new guesses.
   */
  async lookupStatus(input: string, channel: ChannelName, user: string, origin?: string): Promise<LookupResult> {
    const chat: Chat = { channel, user };
    const keys = [throttleKey(chat), ...(origin ? [originKey(origin)] : [])];
    const { now, refused } = await this.throttledKeys(keys);
    if (refused) return refused;
    const fail = async () => { for (const key of keys) await this.fail(key, now, key === keys[0] ? this.limits : this.originLimits); };

    const parsed = parseTrackingCode(input);
    if (!parsed.ok) {
      // Only a well-formed attempt counts: a mistyped code is a near miss, garbage cannot guess anything.
      if (parsed.problem === 'typo') await fail();
      return { ok: false, problem: `code.${parsed.problem}` };
    }
    const found = await this.find(parsed.kind, parsed.code);
    if (!found) {
      await fail();
      return { ok: false, problem: 'code.not-found' };
    }
    const { summary, record, owner } = found;
    return sameChat(owner, chat) ? { ok: true, owner: true, summary, record } : { ok: true, owner: false, summary };
  }

  /**
   * Links a chat to an application made at the counter once the citizen proves it is theirs with the phone number
   * given there; from then on updates reach that chat and it sees the whole record. Failures count like lookups.
   */
  async linkApplication(input: string, phone: string, channel: ChannelName, user: string): Promise<LookupResult> {
    const chat: Chat = { channel, user };
    const { key, now, refused } = await this.throttled(chat);
    if (refused) return refused;
    const parsed = parseTrackingCode(input);
    if (!parsed.ok || parsed.kind !== 'application') {
      if (parsed.ok || parsed.problem === 'typo') await this.fail(key, now);
      return { ok: false, problem: parsed.ok ? 'code.not-found' : `code.${parsed.problem}` };
    }
    const current = await this.deps.applications.findByCode(parsed.code);
    const linked = current && samePhone(current.applicant.phone, phone) ? await this.deps.applications.linkChat(parsed.code, chat) : null;
    if (!linked) {
      await this.fail(key, now);
      return { ok: false, problem: 'code.not-found' };
    }
    return { ok: true, owner: true, summary: applicationSummary(linked), record: { kind: 'application', application: linked } };
  }

  /** A chat that failed too often waits before its next attempt. */
  private async throttled(chat: Chat): Promise<{ key: string; now: Date; refused?: LookupResult }> {
    const key = throttleKey(chat);
    return { key, ...(await this.throttledKeys([key])) };
  }

  private async throttledKeys(keys: string[]): Promise<{ now: Date; refused?: LookupResult }> {
    const now = this.now();
    for (const key of keys) {
      const blocked = await this.deps.throttle.blockedUntil(key);
      if (blocked && blocked > now) return { now, refused: { ok: false, problem: 'code.throttled', retryAfterSeconds: Math.ceil((blocked.getTime() - now.getTime()) / 1000) } };
    }
    return { now };
  }

  /** Status and dates of codes a chat already holds (it was given them): no guessing, so no throttle. */
  async summaries(codes: string[]): Promise<StatusSummary[]> {
    const found: StatusSummary[] = [];
    for (const code of codes) {
      const parsed = parseTrackingCode(code);
      const record = parsed.ok ? await this.find(parsed.kind, parsed.code) : null;
      if (record) found.push(record.summary);
    }
    return found;
  }

  /** Everything this chat filed (anonymous complaints are not findable: nothing links them to the chat). */
  async myRequests(channel: ChannelName, user: string, limit = 20): Promise<{ summary: StatusSummary; record: OwnedRecord }[]> {
    const chat: Chat = { channel, user };
    const [complaints, applications, suggestions, bookings] = await Promise.all([
      this.deps.complaints.listBySource(chat, limit),
      this.deps.applications.listByChat(chat, limit),
      this.deps.suggestions.listBySource(chat, limit),
      this.deps.bookings?.listByChat(chat, ['booked', 'requested']) ?? [],
    ]);
    return [
      ...complaints.map((complaint) => ({ summary: complaintSummary(complaint), record: { kind: 'complaint' as const, complaint } })),
      ...applications.map((application) => ({ summary: applicationSummary(application), record: { kind: 'application' as const, application } })),
      ...suggestions.map((suggestion) => ({ summary: suggestionSummary(suggestion), record: { kind: 'suggestion' as const, suggestion } })),
      ...bookings.map((booking) => ({ summary: bookingSummary(booking), record: { kind: 'booking' as const, booking } })),
    ].sort((a, b) => b.summary.createdAt.getTime() - a.summary.createdAt.getTime()).slice(0, limit);
  }

  private async find(kind: TrackingKind, code: string): Promise<{ summary: StatusSummary; record: OwnedRecord; owner?: Chat } | null> {
    if (kind === 'complaint') {
      const complaint = await this.deps.complaints.findByCode(code);
      return complaint && { summary: complaintSummary(complaint), record: { kind, complaint }, owner: complaint.source };
    }
    if (kind === 'application') {
      const application = await this.deps.applications.findByCode(code);
      return application && { summary: applicationSummary(application), record: { kind, application }, owner: application.applicant.chat };
    }
    if (kind === 'booking') {
      const booking = (await this.deps.bookings?.findByCode(code)) ?? null;
      return booking && { summary: bookingSummary(booking), record: { kind, booking }, owner: booking.citizen.chat };
    }
    const suggestion = await this.deps.suggestions.findByCode(code);
    return suggestion && { summary: suggestionSummary(suggestion), record: { kind, suggestion }, owner: suggestion.source };
  }

  private async fail(key: string, now: Date, limits = this.limits): Promise<void> {
    const { freeFailures, quietMs, firstDelayMs, maxDelayMs } = limits;
    const failures = await this.deps.throttle.recordFailure(key, now, quietMs);
    if (failures < freeFailures) return;
    const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (failures - freeFailures));
    await this.deps.throttle.block(key, new Date(now.getTime() + delay), quietMs);
  }
}

/**
 * A record's status in plain words, one fact per line, in the citizen's language.
 * `rejectionReason` is shown only when the caller passes it (the filer's own record).
 */
export function describeStatus(summary: StatusSummary, texts: NotificationTexts, lang: Lang, timeZone: string,
  extra: { rejectionReason?: string } = {}): string {
  const l = texts.lookup;
  const date = (d: Date | string) => formatDate(d, lang, timeZone);
  const status = statusWords(summary, texts, lang);
  const lines = [fill(l.header[lang], { kind: texts.kinds[summary.kind][lang], code: summary.code, status })];
  lines.push(fill(l.filed[lang], { date: date(summary.createdAt) }));
  if (summary.updatedAt.getTime() !== summary.createdAt.getTime()) lines.push(fill(l.updated[lang], { date: date(summary.updatedAt) }));
  if (summary.deadline && !['resolved', 'closed'].includes(summary.status)) lines.push(fill(l.deadline[lang], { date: date(summary.deadline) }));
  if (summary.expectedBy && ['received', 'in-review', 'needs-documents'].includes(summary.status)) {
    lines.push(fill(l.expected[lang], { date: date(summary.expectedBy) }));
  }
  if (summary.appointment) lines.push(fill(l.appointment[lang], { date: date(summary.appointment.day), time: summary.appointment.time }));
  if (summary.missingDocuments?.length) lines.push(fill(l.missing[lang], { missing: listOf(summary.missingDocuments, lang) }));
  if (extra.rejectionReason && summary.status === 'rejected') lines.push(fill(l.reason[lang], { reason: extra.rejectionReason }));
  const next = (texts.nextSteps[summary.kind] as Record<string, Record<Lang, string>>)[summary.status];
  if (next) lines.push(fill(l.next[lang], { next: next[lang] }));
  return lines.join('\n');
}

/** The status name citizens read, e.g. "being worked on by the department". */
export function statusWords(summary: Pick<StatusSummary, 'kind' | 'status'>, texts: NotificationTexts, lang: Lang): string {
  return (texts.statuses[summary.kind] as Record<string, Record<Lang, string>>)[summary.status]?.[lang] ?? summary.status;
}
