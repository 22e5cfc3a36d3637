import type { Connection } from 'mongoose';
import { isLevel, monthOf, type Delta } from '../domain/report-counters.js';
import { isDuplicateKey } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

// The dashboard's counters: one document per day (`d|2026-11-03`) and, for the running sums of the overdue
// backlog, one per month (`m|2026-11`), each `{ c: { key: n } }`. Read only by _id (the one lookup FerretDB
// 1.24's SQLite backend answers from an index; a range or $in over _id scans the table).
//
// Why the lock: FerretDB applies `$inc` as read-then-write without a transaction (two servers incrementing one
// document 600 times each ended at 368), so each document's increments run under its record lock; inside it
// `$inc` is safe on both databases. A counter that could not be written is logged: `npm run counters:rebuild`
// recounts everything from the records.

export const COUNTERS = 'report_counters';
/** Once-only facts ("this handoff's first staff reply is counted"), each a unique _id. */
export const CLAIMS = 'report_claims';
const FIRST = 'first';
/** How long counts wait to be summed with others before they are written. */
const WRITE_BEHIND_MS = 2000;

/** Field names may not hold '.' or start with '$': those characters (and '%') are escaped. */
export const fieldOf = (key: string) => key.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/\$/g, '%24');
export const keyOf = (field: string) => field.replace(/%2E/g, '.').replace(/%24/g, '$').replace(/%25/g, '%');

export type Counts = Map<string, number>;
/** A citizen's comment after a rating, kept in its day's document for the dashboard. */
export interface DayComment { at: Date; kind: string; channel: string; department: string; staff: string; score: number | null; text: string; confidential: boolean }
interface CounterDoc { _id: string; c?: Record<string, number>; day?: string; comments?: DayComment[] }

/** Day and month documents holding the sums of `deltas` (what the rebuild writes, what `add` adds). */
export function sumsOf(deltas: Iterable<Delta>): Map<string, Record<string, number>> {
  const docs = new Map<string, Record<string, number>>();
  const add = (id: string, key: string, n: number) => {
    const doc = docs.get(id) ?? {};
    doc[fieldOf(key)] = (doc[fieldOf(key)] ?? 0) + n;
    docs.set(id, doc);
  };
  for (const d of deltas) {
    if (!d.n) continue;
    add(`d|${d.day}`, d.key, d.n);
    if (isLevel(d.key)) add(`m|${monthOf(d.day)}`, d.key, d.n);
  }
  return docs;
}

export class MongoReportCounters {
  private readonly locks: RecordLocks;
  private first: string | undefined;

  constructor(private readonly connection: Connection, private readonly log: (line: string) => void = () => undefined) {
    this.locks = new RecordLocks(connection);
  }

  private get counters() { return this.connection.collection<CounterDoc>(COUNTERS); }
  private get claims() { return this.connection.collection<{ _id: string; at: Date }>(CLAIMS); }

  /**
   * Adds the deltas; a failure is logged, never thrown: the record change they follow has happened. Resolves once
   * they are queued, not written: they are summed with what else arrives within WRITE_BEHIND_MS and written together,
   * one lock per document. Every message of every citizen counts into today's document; waiting for that write made
   * each reply wait for a lock (the bench's p50 doubled). A crash loses at most the counts still queued, and
   * `npm run counters:rebuild` recounts them from the records.
   */
  async add(deltas: Delta[]): Promise<void> {
    if (!deltas.length) return;
    try {
      const earliest = deltas.reduce((m, d) => (d.day < m ? d.day : m), deltas[0]!.day);
      if (this.first === undefined || earliest < this.first) await this.noteFirst(earliest);
    } catch (err) {
      this.log(`reports: counters not updated (${err instanceof Error ? err.message : String(err)}); run npm run counters:rebuild`);
      return;
    }
    for (const [id, inc] of sumsOf(deltas)) {
      const sum = this.pending.get(id) ?? {};
      for (const [f, n] of Object.entries(inc)) if (n) sum[f] = (sum[f] ?? 0) + n;
      this.pending.set(id, sum);
    }
    this.schedule();
  }

  /** Resolves when every count this process has queued is written (the dashboard's own reads, shutdown, tests). */
  async settled(): Promise<void> {
    while (this.timer || this.draining || this.pending.size) {
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
      this.draining ??= this.drain();
      await this.draining;
    }
  }

  private readonly pending = new Map<string, Record<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;

  private schedule(): void {
    if (this.timer || this.draining) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.draining ??= this.drain(); }, WRITE_BEHIND_MS);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    await Promise.all(batch.map(([id, inc]) => this.write(id, inc)));
    this.draining = undefined;
    if (this.pending.size) this.schedule();
  }

  private async write(id: string, inc: Record<string, number>): Promise<void> {
    const $inc = Object.fromEntries(Object.entries(inc).filter(([, n]) => n).map(([f, n]) => [`c.${f}`, n]));
    if (!Object.keys($inc).length) return;
    try {
      await this.locks.withLock(`counter:${id}`, () => retryTransient(() => this.counters.updateOne({ _id: id }, { $inc }, { upsert: true })), 20_000);
    } catch (err) {
      this.log(`reports: counters not updated (${err instanceof Error ? err.message : String(err)}); run npm run counters:rebuild`);
    }
  }

  /** Adds a comment to its day's document (under the same lock as the day's counts). */
  async addComment(day: string, comment: DayComment): Promise<void> {
    try {
      await this.locks.withLock(`counter:d|${day}`, () => retryTransient(() => this.counters.updateOne({ _id: `d|${day}` }, { $push: { comments: comment } }, { upsert: true })), 20_000);
    } catch (err) {
      this.log(`reports: a comment was not added to the dashboard (${err instanceof Error ? err.message : String(err)}); run npm run counters:rebuild`);
    }
  }

  /** The comments of these days' documents. */
  async comments(days: string[]): Promise<DayComment[]> {
    const docs = await Promise.all(days.map((d) => this.counters.findOne({ _id: `d|${d}` }, { projection: { comments: 1 } })));
    return docs.flatMap((d) => d?.comments ?? []);
  }

  /** The earliest day anything was counted on: where running sums start (records may be filed with past dates). */
  private async noteFirst(day: string): Promise<void> {
    await this.locks.withLock(`counter:${FIRST}`, async () => {
      const known = await this.counters.findOne({ _id: FIRST });
      if (!known?.day || day < known.day) await retryTransient(() => this.counters.updateOne({ _id: FIRST }, { $set: { day } }, { upsert: true }));
      this.first = !known?.day || day < known.day ? day : known.day;
    }, 20_000);
  }

  /** True the first time `id` is claimed, false ever after (on every server). */
  async claim(id: string): Promise<boolean> {
    try {
      await retryTransient(() => this.claims.insertOne({ _id: id, at: new Date() }));
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async firstDay(): Promise<string | undefined> {
    return (await this.counters.findOne({ _id: FIRST }))?.day;
  }

  /** The documents of these ids (days `d|…`, months `m|…`), each looked up by _id. */
  async read(ids: string[]): Promise<Map<string, Counts>> {
    const docs = await Promise.all(ids.map((id) => this.counters.findOne({ _id: id })));
    const out = new Map<string, Counts>();
    ids.forEach((id, i) => {
      out.set(id, new Map(Object.entries(docs[i]?.c ?? {}).map(([f, n]) => [keyOf(f), n])));
    });
    return out;
  }

  /** Replaces every counter and claim (the rebuild). */
  async replace(docs: Map<string, Record<string, number>>, first: string | undefined, claims: string[], comments = new Map<string, DayComment[]>()): Promise<void> {
    await this.counters.deleteMany({});
    await this.claims.deleteMany({});
    const all: CounterDoc[] = [...new Set([...docs.keys(), ...[...comments.keys()].map((d) => `d|${d}`)])]
      .map((_id) => ({ _id, c: docs.get(_id) ?? {}, ...(comments.has(_id.slice(2)) ? { comments: comments.get(_id.slice(2))! } : {}) }));
    if (first) all.push({ _id: FIRST, day: first });
    for (let i = 0; i < all.length; i += 500) await retryTransient(() => this.counters.insertMany(all.slice(i, i + 500)));
    const at = new Date();
    for (let i = 0; i < claims.length; i += 2000) {
      await this.claims.insertMany(claims.slice(i, i + 2000).map((_id) => ({ _id, at })), { ordered: false }).catch((err: unknown) => { if (!isDuplicateKey(err)) throw err; });
    }
  }
}
