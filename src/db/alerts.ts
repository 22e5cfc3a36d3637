import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import type { AlertStore, OverdueAlert } from '../domain/escalation.js';
import { isDuplicateKey, putById, withoutId } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

// The _id is the key (alerts raised before keep an ObjectId): an _id lookup is the one FerretDB answers by index.
const schema = new Schema<OverdueAlert & { _id: string }>({
  _id: { type: String },
  key: { type: String, required: true, unique: true },
  code: { type: String, required: true },
  department: { type: String, required: true },
  deadline: { type: Date, required: true },
  at: { type: Date, required: true },
}, { versionKey: false, collection: 'console_alerts' });
schema.index({ department: 1, at: -1 });
schema.index({ at: -1 });

/** When each staff member last opened the alerts: one document per person, by _id. */
export class MongoAlertsSeen {
  private readonly docs: mongo.Collection;
  constructor(connection: Connection) { this.docs = connection.collection('console_alerts_seen'); }
  async seenAt(username: string): Promise<Date | undefined> {
    const doc = await this.docs.findOne({ _id: username as never });
    return doc?.at instanceof Date ? doc.at : undefined;
  }
  async markSeen(username: string, at: Date): Promise<void> {
    await this.docs.replaceOne({ _id: username as never }, { at }, { upsert: true });
  }
}

/** How many alerts an index document counts, and the newest of them (newest first). */
interface IndexDoc { _id: string; n: number; recent: OverdueAlert[] }
/** Alerts kept per list: the console shows 100; the badge counts those since the last look up to this many. */
const RECENT = 300;
const MARKER = 'meta|built';
/** An alert raised longer ago than this and seen again is listed again, in case its instance stopped before listing it. */
const LIST_WITHIN_MS = 60_000;

/**
 * Overdue alerts for the console; the unique key makes "alert once" hold across server instances.
 *
 * The console's list (newest first, per department or all, and how many since the person last looked) is read
 * from index documents by _id (`all`, `dept|<department>` in console_alerts_index: the count and the newest
 * RECENT alerts), because FerretDB 1.24 on SQLite reads the whole collection for any other filter or sort. Each
 * is changed under its record lock, idempotently (an alert replaced by key).
 */
export class MongoAlertStore implements AlertStore {
  private readonly model: Model<OverdueAlert>;
  private readonly index: mongo.Collection<IndexDoc>;
  private readonly locks: RecordLocks;
  private readonly ready: Promise<unknown>;

  constructor(connection: Connection) {
    this.model = connection.models.ConsoleAlert ?? connection.model<OverdueAlert>('ConsoleAlert', schema as unknown as Schema<OverdueAlert>);
    this.index = connection.collection('console_alerts_index');
    this.locks = new RecordLocks(connection);
    this.ready = this.model.init().then(() => this.ensureBuilt());
    this.ready.catch(() => undefined);
  }

  async insertOnce(alert: OverdueAlert): Promise<'inserted' | 'exists'> {
    await this.ready;
    try {
      await retryTransient(() => this.model.create({ _id: alert.key, ...alert }));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Listed again (idempotent) when the instance that raised it has had time to list it and may have stopped first.
      const stored = await this.find(alert.key);
      if (stored && alert.at.getTime() - stored.at.getTime() > LIST_WITHIN_MS) await this.addToIndex(stored);
      return 'exists';
    }
    await this.addToIndex(alert);
    return 'inserted';
  }

  private async addToIndex(alert: OverdueAlert): Promise<void> {
    for (const id of ['all', `dept|${alert.department}`]) {
      await this.locks.withLock(`alerts:${id}`, async () => {
        const doc = await this.index.findOne({ _id: id });
        const known = doc?.recent.some((a) => a.key === alert.key) ?? false;
        const recent = [alert, ...(doc?.recent ?? []).filter((a) => a.key !== alert.key)].sort(newestFirst).slice(0, RECENT);
        // Counted once: an alert already listed, or one older than every listed one when the list is full, was counted.
        const counted = known || (!!doc && doc.recent.length >= RECENT && alert.at < doc.recent.at(-1)!.at);
        await putById(this.index as never, id, { n: (doc?.n ?? 0) + (counted ? 0 : 1), recent });
      }, 20_000);
    }
  }

  /** Once per database: the index documents from the alerts raised before them (one read). */
  private async ensureBuilt(): Promise<void> {
    if (await this.index.findOne({ _id: MARKER })) return;
    const all = (await this.model.find({}).lean<OverdueAlert[]>()).map(withoutId);
    const groups = new Map<string, OverdueAlert[]>([['all', all]]);
    for (const a of all) groups.set(`dept|${a.department}`, [...(groups.get(`dept|${a.department}`) ?? []), a]);
    for (const [id, list] of groups) {
      await this.locks.withLock(`alerts:${id}`, async () => {
        const doc = await this.index.findOne({ _id: id });
        const recent = [...new Map([...(doc?.recent ?? []), ...list].map((a) => [a.key, a])).values()].sort(newestFirst);
        await putById(this.index as never, id, { n: recent.length, recent: recent.slice(0, RECENT) });
      }, 20_000);
    }
    await putById(this.index as never, MARKER, { n: 0, recent: [] });
  }

  async find(key: string): Promise<OverdueAlert | null> {
    const doc = await this.model.findOne({ _id: key }).lean<OverdueAlert>() ?? await this.model.findOne({ key }).lean<OverdueAlert>();
    return doc && withoutId(doc);
  }

  /**
   * The newest alerts of these departments (all when absent), and how many: all of them, or those raised after
   * `since` (counted among the newest RECENT of each list: a badge shows at most that many).
   */
  async list(q: { departments?: string[]; since?: Date; limit: number }): Promise<{ total: number; alerts: OverdueAlert[] }> {
    await this.ready;
    const ids = q.departments ? [...new Set(q.departments)].map((d) => `dept|${d}`) : ['all'];
    const docs = (await Promise.all(ids.map((id) => this.index.findOne({ _id: id })))).filter((d): d is IndexDoc => !!d);
    const recent = docs.flatMap((d) => d.recent).filter((a) => !q.since || a.at > q.since).sort(newestFirst);
    const total = q.since ? recent.length : docs.reduce((n, d) => n + d.n, 0);
    return { total, alerts: recent.slice(0, q.limit) };
  }
}

function newestFirst(a: OverdueAlert, b: OverdueAlert): number {
  return b.at.getTime() - a.at.getTime() || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
