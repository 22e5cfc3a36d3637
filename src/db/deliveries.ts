import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { DeliveryStore, PendingDelivery } from '../domain/citizen-delivery.js';
import type { Chat } from '../domain/statuses.js';
import type { Reply } from '../conversation/types.js';
import { RecordLocks } from './record-lock.js';

interface DeliveryDoc {
  _id: Types.ObjectId;
  to: Chat;
  reply: Reply;
  state: 'pending' | 'delivered';
  attempts: number;
  createdAt: Date;
  /** When it may next be tried; while claimed, the end of the claim. */
  availableAt: Date;
  deliveredAt?: Date;
  lastError?: string;
}

const schema = new Schema<DeliveryDoc>({
  to: new Schema<Chat>({ channel: { type: String, required: true }, user: { type: String, required: true } }, { _id: false }),
  reply: { type: Schema.Types.Mixed, required: true },
  state: { type: String, required: true, enum: ['pending', 'delivered'] },
  attempts: { type: Number, default: 0 },
  createdAt: { type: Date, required: true },
  availableAt: { type: Date, required: true },
  deliveredAt: Date,
  lastError: String,
}, { versionKey: false, collection: 'citizen_deliveries' });
schema.index({ state: 1, availableAt: 1 });

const toPending = (d: DeliveryDoc): PendingDelivery => ({ id: String(d._id), to: d.to, reply: d.reply, attempts: d.attempts, createdAt: d.createdAt });

export class MongoDeliveryStore implements DeliveryStore {
  private readonly model: Model<DeliveryDoc>;
  private readonly locks: RecordLocks;

  constructor(connection: Connection) {
    this.model = connection.models.CitizenDelivery ?? connection.model<DeliveryDoc>('CitizenDelivery', schema);
    this.locks = new RecordLocks(connection);
  }

  async add(to: Chat, reply: Reply, now: Date): Promise<void> {
    await this.model.create({ to: { channel: to.channel, user: to.user }, reply, state: 'pending', attempts: 0, createdAt: now, availableAt: now });
  }

  async due(now: Date, limit: number): Promise<PendingDelivery[]> {
    const docs = await this.model.find({ state: 'pending', availableAt: { $lte: now } }).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<DeliveryDoc[]>();
    return docs.map(toPending);
  }

  async claim(id: string, now: Date, leaseMs: number): Promise<PendingDelivery | null> {
    // Two instances may see the same due delivery; the lock (a unique insert, atomic on FerretDB too) lets one send it.
    const key = `delivery:${id}`;
    const owner = await this.locks.tryAcquire(key);
    if (!owner) return null;
    try {
      const _id = new Types.ObjectId(id);
      const current = await this.model.findOne({ _id, state: 'pending', availableAt: { $lte: now } }).lean<DeliveryDoc>();
      if (!current) return null;
      await this.model.updateOne({ _id }, { $set: { availableAt: new Date(now.getTime() + leaseMs), attempts: current.attempts + 1 } });
      return toPending({ ...current, attempts: current.attempts + 1 });
    } finally {
      await this.locks.release(key, owner);
    }
  }

  async delivered(id: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: new Types.ObjectId(id) }, { $set: { state: 'delivered', deliveredAt: at }, $unset: { lastError: 1 } });
  }

  async retryLater(id: string, at: Date, error: string): Promise<void> {
    await this.model.updateOne({ _id: new Types.ObjectId(id) }, { $set: { availableAt: at, lastError: error.slice(0, 300) } });
  }
}
