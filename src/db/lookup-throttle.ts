import { Schema, type Connection, type Model } from 'mongoose';
import type { LookupThrottleStore } from '../domain/status-lookup.js';
import { RecordLocks } from './record-lock.js';

interface ThrottleDoc { key: string; failures: number; resetAt: Date; blockedUntil?: Date }

const schema = new Schema<ThrottleDoc>({
  key: { type: String, required: true, unique: true },
  failures: { type: Number, required: true },
  // The failure count starts again after this moment.
  resetAt: { type: Date, required: true },
  blockedUntil: Date,
}, { versionKey: false, collection: 'lookup_throttles' });

export class MongoLookupThrottleStore implements LookupThrottleStore {
  private readonly model: Model<ThrottleDoc>;
  private readonly ready: Promise<unknown>;
  private readonly locks: RecordLocks;

  constructor(connection: Connection) {
    this.model = connection.models.LookupThrottle ?? connection.model<ThrottleDoc>('LookupThrottle', schema);
    this.ready = this.model.init();
    this.locks = new RecordLocks(connection);
  }

  async blockedUntil(key: string): Promise<Date | null> {
    const doc = await this.model.findOne({ key }, { blockedUntil: 1 }).lean<ThrottleDoc>();
    return doc?.blockedUntil ?? null;
  }

  async recordFailure(key: string, now: Date, quietMs: number): Promise<number> {
    await this.ready;
    // Under the chat's lock so failures from two server instances at once are all counted ($inc is not atomic on FerretDB).
    return this.locks.withLock(`throttle:${key}`, async () => {
      const current = await this.model.findOne({ key }).lean<ThrottleDoc>();
      const failures = current && current.resetAt > now ? current.failures + 1 : 1;
      await this.model.updateOne({ key }, {
        $set: { failures, resetAt: new Date(now.getTime() + quietMs) },
        ...(failures === 1 && current?.blockedUntil ? { $unset: { blockedUntil: 1 } } : {}),
      }, { upsert: true });
      return failures;
    });
  }

  async block(key: string, until: Date, quietMs: number): Promise<void> {
    await this.locks.withLock(`throttle:${key}`, () =>
      this.model.updateOne({ key }, { $set: { blockedUntil: until, resetAt: new Date(until.getTime() + quietMs) } }));
  }
}
