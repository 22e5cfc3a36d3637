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

export class RecordLocks {
  private readonly model: Model<LockDoc>;

  /** A lock older than `staleMs` belongs to a process that died holding it and may be broken. */
  constructor(connection: Connection, private readonly staleMs = 30_000) {
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
