import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.js';
import { retryTransient } from './transient.js';

/**
 * A short lock per record, taken by inserting a document with a unique _id.
 *
 * Why: FerretDB 1.24 (SQLite) applies findOneAndUpdate and updateOne as read-then-write without a transaction,
 * so two concurrent updates of one document can both pass the filter and one can overwrite the other
 * ($inc, $push and "only if status is X" all lose updates). A unique index insert is the one operation both
 * MongoDB and FerretDB make atomic, so every change to an existing record runs inside one of these locks.
 */

interface LockDoc { _id: string; owner: string; at: Date }

const schema = new Schema<LockDoc>({ _id: String, owner: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false, collection: 'record_locks' });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waiters of this process, per connection and key, in line: only the first polls the database. Without it, every
 * citizen filing at once asked the database for the same lock every few milliseconds (the bench's saturated run:
 * more lock commands than messages). Another process still meets the lock in the database.
 */
const lines = new WeakMap<object, Map<string, Promise<unknown>>>();

function inLine<T>(owner: object, key: string, until: number, task: () => Promise<T>): Promise<T> {
  let tails = lines.get(owner);
  if (!tails) lines.set(owner, (tails = new Map()));
  const busy = () => new Error(`${key} is busy: another change to it is still running`);
  // A waiter whose time is up before its turn leaves the line (its work never runs); one whose work started ends it.
  let started = false, abandoned = false;
  const run = () => { if (abandoned) return Promise.reject(busy()); started = true; return task(); };
  const previous = tails.get(key) ?? Promise.resolve();
  const next = previous.then(run, run);
  const tail = next.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => { if (tails.get(key) === tail) tails.delete(key); });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { if (!started) { abandoned = true; reject(busy()); } }, Math.max(0, until - Date.now()));
    timer.unref();
    next.then((v) => { clearTimeout(timer); resolve(v); }, (err: unknown) => { clearTimeout(timer); reject(err); });
  });
}

export class RecordLocks {
  private readonly model: Model<LockDoc>;

  /** A lock older than `staleMs` belongs to a process that died holding it and may be broken. */
  private readonly connection: Connection;

  constructor(connection: Connection, private readonly staleMs = 30_000) {
    this.connection = connection;
    this.model = connection.models.RecordLock ?? connection.model<LockDoc>('RecordLock', schema);
  }

  /** Takes the lock if it is free (or stale); returns the owner token, or null when someone holds it. */
  async tryAcquire(key: string): Promise<string | null> {
    const owner = randomUUID();
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await retryTransient(() => this.model.create({ _id: key, owner, at: new Date() }));
        return owner;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const held = await this.model.findById(key).lean<LockDoc>();
      if (held && Date.now() - held.at.getTime() < this.staleMs) return null;
      if (held) await this.model.deleteOne({ _id: key, owner: held.owner });
    }
    return null;
  }

  async release(key: string, owner: string): Promise<void> {
    await retryTransient(() => this.model.deleteOne({ _id: key, owner }));
  }

  /** Runs `work` holding the lock, waiting up to `waitMs` for it. */
  async withLock<T>(key: string, work: () => Promise<T>, waitMs = 5_000): Promise<T> {
    const until = Date.now() + waitMs;
    return inLine(this.connection, key, until, () => this.acquireAndRun(key, work, until));
  }

  private async acquireAndRun<T>(key: string, work: () => Promise<T>, until: number): Promise<T> {
    for (;;) {
      const owner = await this.tryAcquire(key);
      if (owner) {
        try {
          return await work();
        } finally {
          await this.release(key, owner);
        }
      }
      if (Date.now() > until) throw new Error(`${key} is busy: another change to it is still running`);
      await sleep(5 + Math.random() * 20);
    }
  }
}
