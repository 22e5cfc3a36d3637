import type { Connection, mongo } from 'mongoose';
import { OPEN_STATUSES, type Complaint, type ComplaintListQuery, type ComplaintPage } from '../domain/complaints.js';
import type { ComplaintStatus } from '../shared/statuses.js';
import { putById, withoutId } from './duplicate-key.js';
import { LockedBatches } from './locked-batches.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

/**
 * Every complaint, listed by the day it was filed, in small documents read by `_id`: the console's searches.
 *
 * Why: FerretDB 1.24 on SQLite uses an index only for an exact `_id` lookup; "newest first", a category, a status
 * or a date range read the whole complaints collection (378 s for the first page at 100,000 complaints). So:
 *
 *   `day|<YYYY-MM-DD>`    that day's complaints (UTC filing day): code, status, category, department, filing time,
 *                         deadline, assignee, escalated
 *   `month|<YYYY-MM>`     per day of the month, how many by department|status|category (totals without reading days)
 *   `dir`                 the months that have complaints
 *
 * A page reads the directory and the months of its date range, skips whole days by their counts, reads only the
 * day documents it shows, then those complaints by _id. A filter the counts cannot answer (assignee, deadlines)
 * reads the day documents of its range; the total is then estimated from the days read. Every change is made
 * under the month's record lock (the changes of the moment together) while the complaint's own lock is held (so
 * in the order made) and is idempotent (an entry is replaced by code; a day's counts are counted from its list).
 * MongoDB answers from the same documents.
 */

const DAY_MS = 24 * 60 * 60_000;

export interface DayEntry {
  c: string;
  /** The complaint document's _id (its code since 2026; an ObjectId for older ones). */
  r: unknown;
  s: ComplaintStatus;
  k: string;
  d: string;
  /** Filed at and deadline, ms since the epoch. */
  t: number;
  dl: number;
  a?: string;
  e?: boolean;
}
type Combos = Record<string, number>;
interface DayDoc { _id: string; items: DayEntry[] }
interface MonthDoc { _id: string; days: Record<string, Combos> }
interface DirDoc { _id: string; months: string[] }

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayId = (day: string) => `day|${day}`;
const monthId = (month: string) => `month|${month}`;
const DIR = 'dir';
const comboOf = (e: Pick<DayEntry, 'd' | 's' | 'k'>) => `${e.d}|${e.s}|${e.k}`;
function combosOf(items: DayEntry[]): Combos {
  const combos: Combos = {};
  for (const e of items) combos[comboOf(e)] = (combos[comboOf(e)] ?? 0) + 1;
  return combos;
}
interface DayChange { day: string; code: string; entry: DayEntry | null }

export function dayEntryOf(c: Complaint, ref: unknown): DayEntry {
  return {
    c: c.code, r: ref, s: c.status, k: c.category, d: c.department, t: c.createdAt.getTime(), dl: c.deadline.getTime(),
    ...(c.assignee ? { a: c.assignee } : {}), ...(c.escalatedAt ? { e: true } : {}),
  };
}

const sameEntry = (a: DayEntry, b: DayEntry) => a.s === b.s && a.k === b.k && a.d === b.d && a.t === b.t && a.dl === b.dl && a.a === b.a && !!a.e === !!b.e;

/** The statuses a query keeps, all of them when undefined. */
function statusesOf(q: ComplaintListQuery): ComplaintStatus[] | undefined {
  if (q.overdueAt || q.dueBefore || q.openOnly) return (q.statuses ?? OPEN_STATUSES).filter((s) => OPEN_STATUSES.includes(s));
  return q.statuses;
}

function deadlineBefore(q: ComplaintListQuery): number | undefined {
  const d = [q.overdueAt, q.dueBefore].filter((x): x is Date => !!x).map((x) => x.getTime());
  return d.length ? Math.min(...d) : undefined;
}

function matcher(q: ComplaintListQuery): (e: DayEntry) => boolean {
  const statuses = statusesOf(q);
  const before = deadlineBefore(q);
  const from = q.from?.getTime(), to = q.to?.getTime(), dueFrom = q.dueFrom?.getTime();
  return (e) => (!q.departments || q.departments.includes(e.d)) && (!statuses || statuses.includes(e.s)) && (!q.categories || q.categories.includes(e.k))
    && (from === undefined || e.t >= from) && (to === undefined || e.t < to)
    && (before === undefined || e.dl < before) && (dueFrom === undefined || e.dl >= dueFrom)
    && (q.assignee === undefined || (q.assignee === null ? !e.a : e.a === q.assignee))
    && (!q.notEscalated || !e.e);
}

/** How many of a day's complaints match, from its counts; undefined when they cannot say (assignee, deadlines). */
function countedBy(q: ComplaintListQuery): ((combos: Combos) => number) | undefined {
  if (q.assignee !== undefined || q.overdueAt || q.dueBefore || q.dueFrom || q.notEscalated) return undefined;
  const statuses = statusesOf(q);
  return (combos) => Object.entries(combos).reduce((n, [key, count]) => {
    const [d, s, k] = key.split('|') as [string, ComplaintStatus, string];
    return (!q.departments || q.departments.includes(d)) && (!statuses || statuses.includes(s)) && (!q.categories || q.categories.includes(k)) ? n + count : n;
  }, 0);
}

export class ComplaintDays {
  private readonly docs: mongo.Collection;
  private readonly complaints: mongo.Collection;
  private readonly locks: RecordLocks;
  private readonly batches: LockedBatches<DayChange>;

  constructor(connection: Connection) {
    this.docs = connection.collection('complaint_days');
    this.complaints = connection.collection('complaints');
    this.locks = new RecordLocks(connection);
    this.batches = new LockedBatches(this.locks, (key, changes) => this.applyMonth(key, changes));
  }

  private async read<T>(id: string): Promise<T | null> {
    return (await this.docs.findOne({ _id: id as never })) as T | null;
  }

  private async write(id: string, doc: Record<string, unknown> | null): Promise<void> {
    if (doc) await putById(this.docs as never, id, doc);
    else await retryTransient(() => this.docs.deleteOne({ _id: id as never }));
  }

  /** Brings the day lists from what they held of a complaint (`before`, null when new) to what it is now. */
  async sync(before: Complaint | null, after: Complaint, ref: unknown): Promise<void> {
    const now = dayEntryOf(after, ref);
    const old = before && dayEntryOf(before, ref);
    if (old && sameEntry(old, now)) return;
    await this.change(dayOf(now.t), now.c, now);
  }

  /** Replaces one complaint's entry in its day (and the month's counts), with the month's other changes of the moment. */
  private change(day: string, code: string, entry: DayEntry | null): Promise<void> {
    return this.batches.add(`days:${day.slice(0, 7)}`, { day, code, entry });
  }

  /** Under the month's lock: each day's list takes its changes in order; the month counts each changed day again. */
  private async applyMonth(key: string, changes: DayChange[]): Promise<void> {
    const month = key.slice('days:'.length);
    const byDay = new Map<string, DayChange[]>();
    for (const ch of changes) byDay.set(ch.day, [...(byDay.get(ch.day) ?? []), ch]);
    const m = await this.read<MonthDoc>(monthId(month));
    const days = { ...m?.days };
    await Promise.all([...byDay].map(async ([day, list]) => {
      let items = (await this.read<DayDoc>(dayId(day)))?.items ?? [];
      for (const ch of list) {
        items = items.filter((x) => x.c !== ch.code);
        if (ch.entry) items.push(ch.entry);
      }
      await this.write(dayId(day), items.length ? { items } : null);
      // Counted from the list itself, so applying a change twice (a retried batch) leaves the counts right.
      if (items.length) days[day] = combosOf(items); else delete days[day];
    }));
    const has = Object.keys(days).length > 0;
    await this.write(monthId(month), has ? { days } : null);
    // The directory changes only when a month gains its first complaint or loses its last.
    if (!m !== !has) await this.changeDir(month, has);
  }

  private async changeDir(month: string, has: boolean): Promise<void> {
    await this.locks.withLock(`days:${DIR}`, async () => {
      const dir = (await this.read<DirDoc>(DIR))?.months ?? [];
      const months = has ? [...new Set([...dir, month])].sort() : dir.filter((x) => x !== month);
      await this.write(DIR, { months });
    }, 30_000);
  }

  /** One page of complaints, newest or oldest filed first (or earliest deadline), with the number of matches. */
  async page(q: ComplaintListQuery): Promise<ComplaintPage & { estimated?: boolean }> {
    const from = q.from?.getTime() ?? -Infinity, to = q.to?.getTime() ?? Infinity;
    const months = ((await this.read<DirDoc>(DIR))?.months ?? [])
      .filter((m) => dayStart(`${m}-01`) < to && Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1) > from);
    const monthDocs = await Promise.all(months.map((m) => this.read<MonthDoc>(monthId(m))));
    const newest = q.sort !== 'oldest';
    const days = monthDocs.flatMap((m) => Object.entries(m?.days ?? {}))
      .filter(([day]) => dayStart(day) < to && dayStart(day) + DAY_MS > from)
      .sort(([a], [b]) => (newest ? (a < b ? 1 : -1) : (a < b ? -1 : 1)));
    const count = countedBy(q);
    const matches = matcher(q);
    const plan = days.map(([day, combos]) => {
      const size = Object.values(combos).reduce((s, n) => s + n, 0);
      const whole = dayStart(day) >= from && dayStart(day) + DAY_MS <= to;
      return { day, size, n: count && whole ? count(combos) : undefined };
    });
    const dayItems = async (day: string) => ((await this.read<DayDoc>(dayId(day)))?.items ?? []).filter(matches);

    let entries: DayEntry[];
    let total: number;
    let estimated = false;
    if (q.sort === 'deadline') {
      // Earliest deadline first across every filing day of the range (the work views come from the queues instead).
      const all = (await Promise.all(plan.filter((p) => p.n !== 0).map((p) => dayItems(p.day)))).flat()
        .sort((a, b) => a.dl - b.dl || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
      total = all.length;
      entries = all.slice(q.skip, q.skip + q.limit);
    } else {
      const order = (a: DayEntry, b: DayEntry) => (newest ? b.t - a.t || (a.c < b.c ? 1 : a.c > b.c ? -1 : 0) : a.t - b.t || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
      entries = [];
      let skip = q.skip;
      let readSize = 0, readMatched = 0;
      const counted = new Map<string, number>();
      for (const p of plan) {
        if (entries.length >= q.limit) break;
        if (p.n === 0 || (p.n !== undefined && skip >= p.n)) { skip -= p.n ?? 0; continue; }
        const items = (await dayItems(p.day)).sort(order);
        counted.set(p.day, items.length);
        readSize += p.size;
        readMatched += items.length;
        if (skip >= items.length) { skip -= items.length; continue; }
        entries.push(...items.slice(skip, skip + q.limit - entries.length));
        skip = 0;
      }
      total = 0;
      for (const p of plan) {
        if (p.n !== undefined) total += p.n;
        else if (counted.has(p.day)) total += counted.get(p.day)!;
        else { estimated = true; total += readSize ? (p.size * readMatched) / readSize : p.size; }
      }
      total = Math.round(total);
    }
    const docs = await Promise.all(entries.map((e) => this.complaints.findOne({ _id: e.r as never })));
    const items = docs.filter((d): d is mongo.WithId<mongo.Document> => !!d).map((d) => withoutId(d) as unknown as Complaint);
    return { total, items, ...(estimated ? { estimated } : {}) };
  }

  /** What the documents should hold, counted from the complaints themselves (one full read). */
  async recount(): Promise<{ days: Map<string, DayEntry[]>; months: Map<string, Record<string, Combos>> }> {
    const all = await this.complaints.find({}, { projection: { code: 1, status: 1, category: 1, department: 1, createdAt: 1, deadline: 1, assignee: 1, escalatedAt: 1 } }).toArray();
    const days = new Map<string, DayEntry[]>();
    const months = new Map<string, Record<string, Combos>>();
    for (const doc of all) {
      const e = dayEntryOf(doc as unknown as Complaint, doc._id);
      const day = dayOf(e.t);
      days.set(day, [...(days.get(day) ?? []), e]);
      months.set(day.slice(0, 7), months.get(day.slice(0, 7)) ?? {});
    }
    for (const [day, items] of days) months.get(day.slice(0, 7))![day] = combosOf(items);
    return { days, months };
  }

  /** The stored documents, for comparing with a recount. */
  async stored(): Promise<{ days: Map<string, DayEntry[]>; months: Map<string, Record<string, Combos>> }> {
    const months = new Map<string, Record<string, Combos>>();
    const days = new Map<string, DayEntry[]>();
    for (const m of (await this.read<DirDoc>(DIR))?.months ?? []) {
      const doc = await this.read<MonthDoc>(monthId(m));
      if (!doc) continue;
      months.set(m, doc.days);
      for (const day of Object.keys(doc.days)) days.set(day, (await this.read<DayDoc>(dayId(day)))?.items ?? []);
    }
    return { days, months };
  }

  /** At start: builds the documents once for a database that has none yet (complaints filed before them). */
  async ensureBuilt(): Promise<void> {
    if (await this.read('meta|built')) return;
    await this.rebuild();
    await this.write('meta|built', { at: new Date() });
  }

  /** Writes every document again from the complaints (first start on an older database, a bulk load, a repair). */
  async rebuild(): Promise<number> {
    const { days, months } = await this.recount();
    const old = (await this.read<DirDoc>(DIR))?.months ?? [];
    for (const month of new Set([...old, ...months.keys()])) {
      await this.locks.withLock(`days:${month}`, async () => {
        const before = await this.read<MonthDoc>(monthId(month));
        for (const day of Object.keys(before?.days ?? {})) if (!days.has(day)) await this.write(dayId(day), null);
        const now = months.get(month);
        for (const day of Object.keys(now ?? {})) await this.write(dayId(day), { items: days.get(day)! });
        await this.write(monthId(month), now ? { days: now } : null);
      }, 120_000);
    }
    await this.locks.withLock(`days:${DIR}`, () => this.write(DIR, { months: [...months.keys()].sort() }), 30_000);
    return [...days.values()].reduce((n, d) => n + d.length, 0);
  }
}
