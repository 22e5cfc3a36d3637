import type { ComplaintStore } from './complaints.js';
import type { Day } from '../content/schema.js';
import { addWorkingDays, localDay, localTime, zonedInstant } from './working-days.js';

// The daily digest of each department: what is overdue, what falls due within one working day, and what is new
// (received and not taken by anyone yet). Several server instances run the job; the digest's _id
// (`digest|<department>|<local day>`) is unique, so the first insert of the day is the one staff read and every
// later one is refused by the database — no "check, then write".

export interface DepartmentDigest {
  key: string;
  department: string;
  /** The municipality's local day (YYYY-MM-DD). */
  day: string;
  at: Date;
  overdue: number;
  dueSoon: number;
  /** Received and assigned to nobody. */
  waiting: number;
  /** The first overdue ones, earliest deadline first. */
  overdueCodes: string[];
}

export interface DigestStore {
  insertOnce(digest: DepartmentDigest): Promise<'inserted' | 'exists'>;
  exists(key: string): Promise<boolean>;
  /** Each department's latest digest (by _id: one look-up per department and day). */
  latest(departments: string[], day: string): Promise<DepartmentDigest[]>;
}

export interface Calendar { timeZone: string; workingDays?: Day[]; holidays?: readonly string[] }

/** "Due soon": from now to the same time one working day later (weekends and public holidays skipped). */
export function dueSoonUntil(now: Date, cal: Calendar): Date {
  const day = addWorkingDays(now, 1, cal.timeZone, cal.workingDays, cal.holidays);
  return zonedInstant(day, localTime(now, cal.timeZone), cal.timeZone);
}

export const digestKey = (department: string, day: string) => `digest|${department}|${day}`;

export interface DigestDeps {
  complaints: Pick<ComplaintStore, 'list'>;
  digests: DigestStore;
  departments: string[];
  calendar: Calendar;
  /** Local time (HH:MM) from which the day's digest is made; the first run after it makes it. */
  sendAt: string;
  now?: () => Date;
}

/** One pass of the daily job: makes today's digest of every department that has none yet. Returns how many it made. */
export async function sendDailyDigests(deps: DigestDeps): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  const tz = deps.calendar.timeZone;
  if (localTime(now, tz) < deps.sendAt) return 0;
  const day = localDay(now, tz);
  let made = 0;
  for (const department of deps.departments) {
    const key = digestKey(department, day);
    // Only saves work: the unique insert below is what makes it once.
    if (await deps.digests.exists(key)) continue;
    const base = { departments: [department], sort: 'deadline' as const, skip: 0, openOnly: true };
    const [overdue, dueSoon, waiting] = await Promise.all([
      deps.complaints.list({ ...base, overdueAt: now, limit: 10 }),
      deps.complaints.list({ ...base, dueFrom: now, dueBefore: dueSoonUntil(now, deps.calendar), limit: 1 }),
      deps.complaints.list({ ...base, statuses: ['received'], assignee: null, limit: 1 }),
    ]);
    const outcome = await deps.digests.insertOnce({
      key, department, day, at: now, overdue: overdue.total, dueSoon: dueSoon.total, waiting: waiting.total,
      overdueCodes: overdue.items.map((c) => c.code),
    });
    if (outcome === 'inserted') made++;
  }
  return made;
}
