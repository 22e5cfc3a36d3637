import type { ApplicationStatus, ComplaintStatus, HistoryEntry } from '../shared/statuses.js';
import { dayOf, nextDay } from './report-period.js';

// The dashboard's figures as maintained counters. Every record change turns into a few deltas ("one more
// complaint filed in sanitation on 2026-11-03", "one fewer overdue on 2026-11-20"); the database keeps one small
// document per day holding the sums (db/report-counters.ts), so a 90-day dashboard reads about a hundred small
// documents by _id instead of every record. The deltas of a record are a pure function of the record, so the
// counters can always be rebuilt from the records and compared with them.

export interface Delta { day: string; key: string; n: number }

/** Counter keys (the first segment names the figure). */
export const K = {
  filed: (dept: string, cat: string) => `cf|${dept}|${cat}`,
  finished: (dept: string, onTime: boolean) => `cd|${dept}|${onTime ? 'on' : 'late'}`,
  resolveTime: (dept: string, bucket: number) => `ct|${dept}|${bucket}`,
  resolutions: (dept: string) => `cs|${dept}`,
  reopens: (dept: string) => `co|${dept}`,
  /** Change in the number of open complaints past their deadline day, at the end of the day. */
  backlog: (dept: string) => `cb|${dept}`,
  appFiled: (svc: string) => `af|${svc}`,
  appFinished: (svc: string, onTime: boolean) => `ad|${svc}|${onTime ? 'on' : 'late'}`,
  appBacklog: (svc: string) => `ab|${svc}`,
  conversations: (channel: string) => `v|${channel}`,
  questions: (service: string, channel: string) => `q|${service}|${channel}`,
  handoffs: (reason: string) => `hq|${reason}`,
  /** Conversation-days with a handoff (a conversation counts once a day, as `v` does). */
  handoffDays: () => 'hc',
  takeTime: (bucket: number) => `ht|${bucket}`,
  firstReply: (bucket: number) => `hf|${bucket}`,
  rating: (kind: string, channel: string, dept: string, staff: string, score: number) => `s|${kind}|${channel}|${dept}|${staff}|${score}`,
};

/** Counters whose running sum (not the day's value) is the figure: they also go to the month's document. */
export const isLevel = (key: string) => key.startsWith('cb|') || key.startsWith('ab|');

export const HOUR_TENTHS = 360_000;
export const MINUTE_TENTHS = 6_000;

/**
 * A duration in tenths of `unit`, kept to two significant digits from 10 units up (0.1 steps below 10, 1 up
 * to 100, 10 up to 1,000...): medians stay readable to a tenth where it matters and a day holds few buckets.
 */
export function bucketOf(ms: number, tenth: number): number {
  let b = Math.max(0, Math.floor(ms / tenth));
  let step = 1;
  while (b >= 100 * step) step *= 10;
  b = Math.floor(b / step) * step;
  return b;
}

/** The median of bucketed values (the mean of the two middle ones for an even count), in tenths; undefined for none. */
export function medianOfBuckets(counts: Map<number, number>): number | undefined {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (!total) return undefined;
  const sorted = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const nth = (k: number) => { let seen = 0; for (const [b, n] of sorted) { seen += n; if (seen > k) return b; } return sorted.at(-1)![0]; };
  return total % 2 ? nth((total - 1) / 2) : (nth(total / 2 - 1) + nth(total / 2)) / 2;
}

const OPEN_COMPLAINT: ComplaintStatus[] = ['received', 'in-progress', 'reopened'];
const DONE_COMPLAINT: ComplaintStatus[] = ['resolved', 'closed'];
const FINISHED_APPLICATION: ApplicationStatus[] = ['approved', 'delivered', 'rejected'];
const later = (a: string, b: string) => (a > b ? a : b);
/** The note domain/complaints.ts writes when a complaint changes department. */
const REASSIGNED = /^reassigned from (\S+) to (\S+?)(?::|$)/;

export interface CountedComplaint {
  code: string; category: string; department: string; createdAt: Date; deadline: Date; history: HistoryEntry<ComplaintStatus>[];
}

/** The department after each history entry, read backwards from today's through the reassignment notes. */
function departmentsAfter(c: CountedComplaint): string[] {
  const out = new Array<string>(c.history.length);
  let dept = c.department;
  for (let i = c.history.length - 1; i >= 0; i--) {
    out[i] = dept;
    const m = REASSIGNED.exec(c.history[i]!.note ?? '');
    if (m && !c.history[i]!.status) dept = m[1]!;
  }
  return out;
}

/**
 * The deltas of a complaint's history from entry `from` on (0: since it was filed). A complaint counts in the
 * overdue backlog of a day when, at its end, it is open and the deadline's day is over.
 */
export function complaintDeltas(c: CountedComplaint, timeZone: string, from = 0): Delta[] {
  const out: Delta[] = [];
  const depts = departmentsAfter(c);
  const lateFrom = nextDay(dayOf(new Date(c.deadline), timeZone));
  let open = true, finished = false;
  for (let i = 0; i < c.history.length; i++) {
    const h = c.history[i]!;
    const at = new Date(i === 0 ? c.createdAt : h.at);
    const day = dayOf(at, timeZone);
    const dept = depts[i]!;
    const emit = (d: Delta) => { if (i >= from) out.push(d); };
    if (i === 0) {
      emit({ day, key: K.filed(dept, c.category), n: 1 });
      emit({ day: later(day, lateFrom), key: K.backlog(dept), n: 1 });
      continue;
    }
    const m = REASSIGNED.exec(h.note ?? '');
    if (m && !h.status && open && depts[i - 1] !== dept) {
      emit({ day: later(day, lateFrom), key: K.backlog(depts[i - 1]!), n: -1 });
      emit({ day: later(day, lateFrom), key: K.backlog(dept), n: 1 });
    }
    if (!h.status) continue;
    const nowOpen = OPEN_COMPLAINT.includes(h.status);
    if (open && !nowOpen) emit({ day: later(day, lateFrom), key: K.backlog(dept), n: -1 });
    if (!open && nowOpen) emit({ day: later(day, lateFrom), key: K.backlog(dept), n: 1 });
    open = nowOpen;
    if (DONE_COMPLAINT.includes(h.status) && !finished) {
      finished = true;
      emit({ day, key: K.finished(dept, at.getTime() <= new Date(c.deadline).getTime()), n: 1 });
      emit({ day, key: K.resolveTime(dept, bucketOf(at.getTime() - new Date(c.createdAt).getTime(), HOUR_TENTHS)), n: 1 });
    }
    if (h.status === 'resolved') emit({ day, key: K.resolutions(dept), n: 1 });
    if (h.status === 'reopened' && h.by === 'citizen') emit({ day, key: K.reopens(dept), n: 1 });
  }
  return out;
}

export interface CountedApplication { code: string; service: string; createdAt: Date; expectedBy: string; history: HistoryEntry<ApplicationStatus>[] }

/** An application is late from the day after the day it was promised for, until it is finished. */
export function applicationDeltas(a: CountedApplication, timeZone: string, from = 0): Delta[] {
  const out: Delta[] = [];
  const lateFrom = nextDay(a.expectedBy);
  let open = true, finished = false;
  for (let i = 0; i < a.history.length; i++) {
    const h = a.history[i]!;
    const day = dayOf(new Date(i === 0 ? a.createdAt : h.at), timeZone);
    const emit = (d: Delta) => { if (i >= from) out.push(d); };
    if (i === 0) {
      emit({ day, key: K.appFiled(a.service), n: 1 });
      emit({ day: later(day, lateFrom), key: K.appBacklog(a.service), n: 1 });
      continue;
    }
    if (!h.status) continue;
    const nowOpen = !FINISHED_APPLICATION.includes(h.status);
    if (open && !nowOpen) emit({ day: later(day, lateFrom), key: K.appBacklog(a.service), n: -1 });
    if (!open && nowOpen) emit({ day: later(day, lateFrom), key: K.appBacklog(a.service), n: 1 });
    open = nowOpen;
    if (!nowOpen && !finished) {
      finished = true;
      emit({ day, key: K.appFinished(a.service, day <= a.expectedBy), n: 1 });
    }
  }
  return out;
}

/** A month's name ("2026-11") for a day. */
export const monthOf = (day: string) => day.slice(0, 7);
