import { Schema, type Connection, type Model } from 'mongoose';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { isDuplicateKey } from './duplicate-key.js';

/**
 * Attempts counted in the database, so a limit holds across server instances and restarts.
 *
 * Why slots: FerretDB 1.24 applies `$inc` as read-then-write, so a burst of concurrent attempts all read the same
 * count (160 sign-in guesses sent at once had 52 checked against a limit of 5). Here each attempt claims one of
 * `limit` slots by inserting a document with a unique _id — the one write both MongoDB and FerretDB make atomic —
 * and a slot is reused only once its attempt is older than the window (the reuse is claimed the same way). The
 * window is therefore a rolling one: at most `limit` attempts in any `windowMs`, whatever the timing.
 */
interface Slot { _id: string; at: Date; resetAt: Date }

const schema = new Schema<Slot>({ _id: String, at: { type: Date, required: true }, resetAt: { type: Date, required: true } },
  { versionKey: false, collection: 'rate_limit_slots' });

export class MongoRateLimitStore implements Store {
  private readonly model: Model<Slot>;
  private windowMs = 60_000;
  private slots = 5;
  // Where the last attempt of each key landed, so a key with many attempts does not try every taken slot first.
  private readonly hint = new Map<string, number>();
  // Keys found full, until their oldest attempt leaves the window: refused again without asking the database.
  private readonly fullUntil = new Map<string, number>();
  readonly prefix: string;

  constructor(connection: Connection, prefix: string) {
    this.model = connection.models.RateLimitSlot ?? connection.model<Slot>('RateLimitSlot', schema);
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
    // A limit computed per request cannot size the slots; such limiters would need another store.
    this.slots = typeof options.limit === 'number' ? options.limit : 100;
  }

  private ids(key: string): string[] {
    return Array.from({ length: this.slots }, (_, i) => `${this.prefix}${key}|${i + 1}`);
  }

  private async claim(doc: Slot): Promise<boolean> {
    try {
      await this.model.create(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  private async taken(key: string): Promise<Slot[]> {
    const docs = await Promise.all(this.ids(key).map((id) => this.model.findById(id).lean<Slot>()));
    return docs.filter((d): d is Slot => d !== null);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const since = Date.now() - this.windowMs;
    const live = (await this.taken(key)).filter((s) => s.at.getTime() > since);
    if (!live.length) return undefined;
    return { totalHits: live.length, resetTime: new Date(Math.min(...live.map((s) => s.at.getTime())) + this.windowMs) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = new Date();
    const full = this.fullUntil.get(key);
    if (full !== undefined && full > now.getTime()) return { totalHits: this.slots + 1, resetTime: new Date(full) };
    const resetAt = new Date(now.getTime() + this.windowMs);
    const ids = this.ids(key);
    const start = this.hint.get(key) ?? 0;
    for (let k = 0; k < ids.length; k++) {
      const i = (start + k) % ids.length;
      if (await this.claim({ _id: ids[i], at: now, resetAt })) {
        if (this.hint.size > 10_000) this.hint.clear();
        this.hint.set(key, i + 1);
        // Within the limit; the slot's number is only an estimate of the count (the RateLimit-Remaining header).
        return { totalHits: i + 1, resetTime: resetAt };
      }
    }
    // Every slot is taken: reuse one whose attempt left the window, if this request is the one that claims it.
    const slots = await this.taken(key);
    for (const slot of slots.filter((s) => s.at.getTime() <= now.getTime() - this.windowMs)) {
      if (await this.claim({ _id: `${slot._id}@${slot.at.getTime()}`, at: now, resetAt })) {
        await this.model.updateOne({ _id: slot._id }, { $set: { at: now, resetAt } });
        return { totalHits: this.slots, resetTime: resetAt };
      }
    }
    const oldest = Math.min(now.getTime(), ...slots.map((s) => s.at.getTime()));
    if (this.fullUntil.size > 10_000) this.fullUntil.clear();
    this.fullUntil.set(key, oldest + this.windowMs);
    return { totalHits: this.slots + 1, resetTime: new Date(oldest + this.windowMs) };
  }

  async decrement(key: string): Promise<void> {
    this.fullUntil.delete(key);
    const newest = (await this.taken(key)).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
    if (newest) await this.model.deleteOne({ _id: newest._id });
  }

  async resetKey(key: string): Promise<void> {
    this.fullUntil.delete(key);
    await Promise.all(this.ids(key).map((id) => this.model.deleteOne({ _id: id })));
  }

  /** Forgets attempts that left the window, so the collection stays small (no TTL index on FerretDB). */
  async sweep(): Promise<void> {
    await this.model.deleteMany({ resetAt: { $lt: new Date() } });
  }
}
