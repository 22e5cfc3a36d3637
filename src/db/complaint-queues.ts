import type { Connection, mongo } from 'mongoose';
import { OPEN_STATUSES, type Complaint, type ComplaintPage, type QueueQuery } from '../domain/complaints.js';
import type { ComplaintStatus } from '../shared/statuses.js';
import { withoutId } from './duplicate-key.js';
import { LockedBatches } from './locked-batches.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

/**
 * The open complaints of each department, kept in small documents found by their _id.
 *
 * Why: FerretDB 1.24 on SQLite pushes only an exact `_id` equality down to SQLite (backends/sqlite/collection.go:
 * a one-key filter on a string or ObjectId _id); every other filter and every sort but $natural is applied by
 * reading the whole collection. At 100,000 complaints that made the first page of a queue take minutes. So the
 * views staff use all day (a department's open queue, overdue, due soon, mine, unassigned — earliest deadline
 * first) are answered from documents read by `_id` only:
 *
 *   `dir|<department>`          per deadline day (UTC): how many open complaints, by status and unassigned
 *   `day|<department>|<day>`    that day's open complaints of the department, earliest deadline first
 *   `who|<username>`            the open complaints assigned to that person
 *
 * A page reads the directories, skips whole days by their counts, reads only the day documents it shows, then the
 * complaints themselves by _id. Every change is made under the department's (or person's) record lock (a
 * department's changes of the moment together) and is idempotent (an entry is replaced by code, a day counted
 * from its list), and the complaint store changes them while it holds the complaint's own lock, so two changes
 * to one complaint reach the index in the order they were made. MongoDB answers the same documents the same way.
 */

const DAY_MS = 24 * 60 * 60_000;

/** What the index keeps of an open complaint. */
export interface QueueEntry {
  code: string;
  /** The complaint document's _id (its code for complaints stored since the index; an ObjectId for older ones). */
  ref: unknown;
  department: string;
  /** Deadline in ms since the epoch. */
  d: number;
  status: ComplaintStatus;
  assignee?: string;
  escalated: boolean;
  /** The category (entries written before it was kept have none: the first start rebuilds them, ensureBuilt). */
  k?: string;
}

type Counts = Record<string, number>;
interface DirDoc { _id: string; days: Record<string, Counts> }
interface ListDoc { _id: string; items: QueueEntry[] }

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dirKey = (dept: string) => `dir|${dept}`;
const dayKey = (dept: string, day: string) => `day|${dept}|${day}`;
const whoKey = (user: string) => `who|${user}`;
const byDeadline = (a: QueueEntry, b: QueueEntry) => a.d - b.d || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/**
 * The counters an entry adds to its day: by status, by status when unassigned, not escalated yet, and the same
 * two by category (`k|roads|received`), so a category's list skips whole days too.
 */
function countKeys(e: QueueEntry): string[] {
  const unassigned = e.assignee ? [] : [`${e.status}|u`, ...(e.k ? [`k|${e.k}|${e.status}|u`] : [])];
  return [e.status, ...(e.k ? [`k|${e.k}|${e.status}`] : []), ...unassigned, ...(e.escalated ? [] : ['x'])];
}

function countsOf(items: QueueEntry[]): Counts {
  const counts: Counts = {};
  for (const e of items) for (const k of countKeys(e)) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

interface QueueChange { dept: string; day: string; code: string; entry: QueueEntry | null }

export function entryOf(c: Complaint, ref: unknown): QueueEntry | null {
  if (!OPEN_STATUSES.includes(c.status)) return null;
  return { code: c.code, ref, department: c.department, d: c.deadline.getTime(), status: c.status, ...(c.assignee ? { assignee: c.assignee } : {}), escalated: !!c.escalatedAt, k: c.category };
}

function sameEntry(a: QueueEntry | null, b: QueueEntry | null): boolean {
  if (!a || !b) return a === b;
  return a.department === b.department && a.d === b.d && a.status === b.status && a.assignee === b.assignee && a.escalated === b.escalated && a.k === b.k;
}

function matches(e: QueueEntry, q: QueueQuery): boolean {
  if (q.status && e.status !== q.status) return false;
  if (q.categories && !q.categories.includes(e.k as string)) return false;
  if (q.assignee === null && e.assignee) return false;
  if (typeof q.assignee === 'string' && e.assignee !== q.assignee) return false;
  if (q.notEscalated && e.escalated) return false;
  if (q.deadlineFrom && e.d < q.deadlineFrom.getTime()) return false;
  if (q.deadlineBefore && e.d >= q.deadlineBefore.getTime()) return false;
  return true;
}

/** How many of a whole day's entries match, from its counters; undefined when the counters cannot say. */
function counted(c: Counts, q: QueueQuery): number | undefined {
  if (q.notEscalated) return q.status || q.assignee !== undefined || q.categories ? undefined : (c.x ?? 0);
  const statuses = q.status ? [q.status] : OPEN_STATUSES;
  const key = (s: string) => (q.assignee === null ? `${s}|u` : s);
  if (q.categories) return q.categories.reduce((n, k) => n + statuses.reduce((m, s) => m + (c[`k|${k}|${key(s)}`] ?? 0), 0), 0);
  return statuses.reduce((n, s) => n + (c[key(s)] ?? 0), 0);
}

export class ComplaintQueues {
  private readonly docs: mongo.Collection;
  private readonly complaints: mongo.Collection;
  private readonly locks: RecordLocks;
  private readonly batches: LockedBatches<QueueChange>;

  constructor(connection: Connection) {
    this.docs = connection.collection('complaint_queues');
    this.complaints = connection.collection('complaints');
    this.locks = new RecordLocks(connection);
    this.batches = new LockedBatches(this.locks, (_key, changes) => this.applyDepartment(changes));
  }

  private async read<T>(id: string): Promise<T | null> {
    return (await this.docs.findOne({ _id: id as never })) as T | null;
  }

  private async write(id: string, doc: Record<string, unknown> | null): Promise<void> {
    // Both are idempotent, so a write SQLite refused as busy is simply sent again.
    if (doc) await retryTransient(() => this.docs.replaceOne({ _id: id as never }, doc, { upsert: true }));
    else await retryTransient(() => this.docs.deleteOne({ _id: id as never }));
  }

  /** Brings the index from what it held of a complaint (`before`, null when new) to what it is now. */
  async sync(before: Complaint | null, after: Complaint, ref: unknown): Promise<void> {
    const old = before && entryOf(before, ref);
    const now = entryOf(after, ref);
    if (sameEntry(old, now)) return;
    if (old && (!now || old.department !== now.department || dayOf(old.d) !== dayOf(now.d))) await this.removeFromDay(old);
    if (now) await this.putInDay(now);
    if (old?.assignee && old.assignee !== now?.assignee) await this.changeWho(old.assignee, old.code, null);
    if (now?.assignee) await this.changeWho(now.assignee, now.code, now);
  }

  private async putInDay(e: QueueEntry): Promise<void> {
    await this.changeDay(e.department, dayOf(e.d), e.code, e);
  }

  private async removeFromDay(e: QueueEntry): Promise<void> {
    await this.changeDay(e.department, dayOf(e.d), e.code, null);
  }

  /** Replaces (or removes) one complaint's entry in a department's day, with the department's other changes of the moment. */
  private changeDay(dept: string, day: string, code: string, entry: QueueEntry | null): Promise<void> {
    return this.batches.add(`queue:${dept}`, { dept, day, code, entry });
  }

  /** Under the department's lock: each day's list takes its changes in order; the directory counts each changed day again. */
  private async applyDepartment(changes: QueueChange[]): Promise<void> {
    const dept = changes[0]!.dept;
    const byDay = new Map<string, QueueChange[]>();
    for (const ch of changes) byDay.set(ch.day, [...(byDay.get(ch.day) ?? []), ch]);
    const dir = (await this.read<DirDoc>(dirKey(dept))) ?? { _id: dirKey(dept), days: {} };
    const days = { ...dir.days };
    await Promise.all([...byDay].map(async ([day, list]) => {
      const id = dayKey(dept, day);
      let items = (await this.read<ListDoc>(id))?.items ?? [];
      for (const ch of list) {
        items = items.filter((x) => x.code !== ch.code);
        if (ch.entry) items.push(ch.entry);
      }
      items.sort(byDeadline);
      await this.write(id, items.length ? { items } : null);
      // Counted from the list itself, so applying a change twice (a retried batch) leaves the counters right.
      if (items.length) days[day] = countsOf(items); else delete days[day];
    }));
    await this.write(dirKey(dept), { days });
  }

  private async changeWho(user: string, code: string, entry: QueueEntry | null): Promise<void> {
    await this.locks.withLock(`queue:who:${user}`, async () => {
      const doc = await this.read<ListDoc>(whoKey(user));
      const next = (doc?.items ?? []).filter((x) => x.code !== code);
      if (entry) { next.push(entry); next.sort(byDeadline); }
      await this.write(whoKey(user), next.length ? { items: next } : null);
    }, 30_000);
  }

  /** One page of a queue view, with the number of matches; the complaints are read by _id. */
  async page(q: QueueQuery): Promise<ComplaintPage> {
    const entries = typeof q.assignee === 'string' ? await this.assignedPage(q) : await this.departmentPage(q);
    const docs = await Promise.all(entries.items.map((e) => this.complaints.findOne({ _id: e.ref as never })));
    return { total: entries.total, items: docs.filter((d): d is mongo.WithId<mongo.Document> => !!d).map((d) => withoutId(d) as unknown as Complaint) };
  }

  private async assignedPage(q: QueueQuery): Promise<{ total: number; items: QueueEntry[] }> {
    const doc = await this.read<ListDoc>(whoKey(q.assignee as string));
    const all = (doc?.items ?? []).filter((e) => q.departments.includes(e.department) && matches(e, q));
    return { total: all.length, items: all.slice(q.skip, q.skip + q.limit) };
  }

  private async departmentPage(q: QueueQuery): Promise<{ total: number; items: QueueEntry[] }> {
    const dirs = await Promise.all(q.departments.map(async (dept) => ({ dept, dir: await this.read<DirDoc>(dirKey(dept)) })));
    const from = q.deadlineFrom?.getTime() ?? -Infinity, before = q.deadlineBefore?.getTime() ?? Infinity;
    const days = [...new Set(dirs.flatMap(({ dir }) => Object.keys(dir?.days ?? {})))]
      .filter((day) => dayStart(day) + DAY_MS > from && dayStart(day) < before).sort();
    const cache = new Map<string, QueueEntry[]>();
    const dayItems = async (dept: string, day: string) => {
      const id = dayKey(dept, day);
      if (!cache.has(id)) cache.set(id, ((await this.read<ListDoc>(id))?.items ?? []).filter((e) => matches(e, q)));
      return cache.get(id)!;
    };
    // How many match per day and department: the counters for whole days, the day's document at the edges.
    const plan: { day: string; parts: { dept: string; n: number }[] }[] = [];
    let total = 0;
    plan.push(...await Promise.all(days.map(async (day) => {
      const whole = dayStart(day) >= from && dayStart(day) + DAY_MS <= before;
      const parts = await Promise.all(dirs.filter(({ dir }) => dir?.days[day]).map(async ({ dept, dir }) => {
        const n = whole ? counted(dir!.days[day]!, q) : undefined;
        return { dept, n: n ?? (await dayItems(dept, day)).length };
      }));
      return { day, parts };
    })));
    for (const { parts } of plan) total += parts.reduce((s, p) => s + p.n, 0);
    // The days the page falls on, from the counts; their documents are then read all at once.
    let skip = q.skip, wanted = q.limit;
    const shown: { day: string; parts: { dept: string; n: number }[]; skip: number }[] = [];
    for (const { day, parts } of plan) {
      if (wanted <= 0) break;
      const n = parts.reduce((s, p) => s + p.n, 0);
      if (skip >= n) { skip -= n; continue; }
      shown.push({ day, parts: parts.filter((p) => p.n > 0), skip });
      wanted -= n - skip;
      skip = 0;
    }
    await Promise.all(shown.flatMap(({ day, parts }) => parts.map((p) => dayItems(p.dept, day))));
    const items: QueueEntry[] = [];
    for (const { day, parts, skip: from } of shown) {
      const merged = (await Promise.all(parts.map((p) => dayItems(p.dept, day)))).flat().sort(byDeadline);
      items.push(...merged.slice(from, from + q.limit - items.length));
    }
    return { total, items };
  }

  /** At start: builds the index once for a database that has none yet (complaints filed before it existed). */
  async ensureBuilt(): Promise<void> {
    // `built3`: since the days count their entries by category too.
    if (await this.read('meta|built3')) return;
    await this.rebuild();
    await this.write('meta|built3', { at: new Date() });
  }

  /**
   * Builds the index again from the complaints themselves (one full read): at first start on a database filed
   * before the index existed, after a bulk load, or to repair it. Changes made while it runs may need another run.
   */
  async rebuild(): Promise<number> {
    const open = await this.complaints.find({ status: { $in: OPEN_STATUSES } },
      { projection: { code: 1, department: 1, deadline: 1, status: 1, assignee: 1, escalatedAt: 1, category: 1 } }).toArray();
    const byDay = new Map<string, Map<string, QueueEntry[]>>();
    const byWho = new Map<string, QueueEntry[]>();
    for (const doc of open) {
      const e = entryOf(doc as unknown as Complaint, doc._id);
      if (!e) continue;
      const days = byDay.get(e.department) ?? new Map<string, QueueEntry[]>();
      byDay.set(e.department, days);
      const day = dayOf(e.d);
      days.set(day, [...(days.get(day) ?? []), e]);
      if (e.assignee) byWho.set(e.assignee, [...(byWho.get(e.assignee) ?? []), e]);
    }
    const oldDirs = (await this.docs.find({ _id: { $regex: /^dir\|/ } as never }).toArray()) as unknown as DirDoc[];
    const departments = new Set([...byDay.keys(), ...oldDirs.map((d) => d._id.slice(4))]);
    for (const dept of departments) {
      await this.locks.withLock(`queue:${dept}`, async () => {
        const old = oldDirs.find((d) => d._id === dirKey(dept));
        const days = byDay.get(dept) ?? new Map<string, QueueEntry[]>();
        for (const day of Object.keys(old?.days ?? {})) if (!days.has(day)) await this.write(dayKey(dept, day), null);
        const dir: Record<string, Counts> = {};
        for (const [day, items] of days) {
          items.sort(byDeadline);
          await this.write(dayKey(dept, day), { items });
          dir[day] = countsOf(items);
        }
        await this.write(dirKey(dept), Object.keys(dir).length ? { days: dir } : null);
      }, 60_000);
    }
    await this.docs.deleteMany({ _id: { $regex: /^who\|/ } as never });
    for (const [user, items] of byWho) await this.write(whoKey(user), { items: items.sort(byDeadline) });
    return open.length;
  }
}
