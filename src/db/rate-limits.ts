import { Schema, type Connection, type Model } from 'mongoose';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

// Sign-in attempts counted in the database, so the limit holds across server instances and restarts.
interface Hits { key: string; hits: number; resetAt: Date }

const schema = new Schema<Hits>({
  key: { type: String, required: true, unique: true },
  hits: { type: Number, required: true },
  resetAt: { type: Date, required: true },
}, { versionKey: false, collection: 'rate_limits' });

export class MongoRateLimitStore implements Store {
  private readonly model: Model<Hits>;
  private windowMs = 60_000;
  readonly prefix: string;

  constructor(connection: Connection, prefix: string) {
    this.model = connection.models.RateLimit ?? connection.model<Hits>('RateLimit', schema);
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const doc = await this.model.findOne({ key: this.prefix + key }).lean<Hits>();
    return doc && doc.resetAt > new Date() ? { totalHits: doc.hits, resetTime: doc.resetAt } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = new Date();
    const k = this.prefix + key;
    const counted = await this.model.findOneAndUpdate({ key: k, resetAt: { $gt: now } }, { $inc: { hits: 1 } }, { returnDocument: 'after' }).lean<Hits>();
    if (counted) return { totalHits: counted.hits, resetTime: counted.resetAt };
    // No live window: start one. Two instances racing here both count 1, which only errs on the lenient side.
    const resetAt = new Date(now.getTime() + this.windowMs);
    await this.model.updateOne({ key: k }, { $set: { hits: 1, resetAt } }, { upsert: true }).catch(() => undefined);
    return { totalHits: 1, resetTime: resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.model.updateOne({ key: this.prefix + key, hits: { $gt: 0 } }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await this.model.deleteOne({ key: this.prefix + key });
  }

  /** Forgets windows that ended, so the collection stays small (no TTL index on FerretDB). */
  async sweep(): Promise<void> {
    await this.model.deleteMany({ resetAt: { $lt: new Date() } });
  }
}
