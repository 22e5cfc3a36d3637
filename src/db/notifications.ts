import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { ChannelName } from '../conversation/types.js';
import type { ClaimedNotification, NewNotification, Notification, NotificationState, OutboxStore } from '../domain/notifications.js';
import type { Chat } from '../domain/statuses.js';
import { RecordLocks } from './record-lock.js';

interface NotificationDoc extends Omit<Notification, 'id'> { claim?: string }

const schema = new Schema<NotificationDoc>({
  to: new Schema<Chat>({ channel: { type: String, required: true }, user: { type: String, required: true } }, { _id: false }),
  reply: { type: Schema.Types.Mixed, required: true },
  about: new Schema({ kind: String, code: String }, { _id: false }),
  state: { type: String, required: true, enum: ['pending', 'delivered', 'failed'] },
  attempts: { type: Number, default: 0 },
  createdAt: { type: Date, required: true },
  availableAt: { type: Date, required: true },
  deliveredAt: Date,
  lastError: String,
  claim: String,
}, { versionKey: false, collection: 'notifications' });
schema.index({ state: 1, availableAt: 1 });
schema.index({ 'to.channel': 1, 'to.user': 1, createdAt: 1 });

function toNotification(doc: NotificationDoc & { _id: unknown }): Notification {
  const { _id, claim: _claim, ...rest } = doc;
  return { ...rest, id: String(_id) };
}

export class MongoOutboxStore implements OutboxStore {
  private readonly model: Model<NotificationDoc>;
  private readonly locks: RecordLocks;

  constructor(connection: Connection) {
    this.model = connection.models.Notification ?? connection.model<NotificationDoc>('Notification', schema);
    this.locks = new RecordLocks(connection);
  }

  async enqueue(n: NewNotification): Promise<void> {
    const now = new Date();
    await this.model.create({ ...n, state: 'pending', attempts: 0, createdAt: now, availableAt: now });
  }

  async claimNext(channels: ChannelName[], now: Date, leaseMs: number, claim: string,
    skip: (n: Notification) => boolean = () => false): Promise<ClaimedNotification | null> {
    const due = await this.model.find({ state: 'pending', 'to.channel': { $in: channels }, availableAt: { $lte: now } })
      .sort({ availableAt: 1, createdAt: 1 }).limit(50).lean<(NotificationDoc & { _id: Types.ObjectId })[]>();
    for (const candidate of due) {
      if (skip(toNotification(candidate))) continue;
      // Reserving under the record's lock (not a findOneAndUpdate, which FerretDB does not make atomic) is what
      // keeps two server instances from sending the same notification.
      const key = `notification:${String(candidate._id)}`;
      const owner = await this.locks.tryAcquire(key);
      if (!owner) continue;
      try {
        const current = await this.model.findById(candidate._id).lean<NotificationDoc & { _id: Types.ObjectId }>();
        if (!current || current.state !== 'pending' || current.availableAt > now) continue;
        const reserved = { attempts: current.attempts + 1, availableAt: new Date(now.getTime() + leaseMs), claim };
        await this.model.updateOne({ _id: current._id }, { $set: reserved });
        return { ...toNotification({ ...current, ...reserved }), claim };
      } finally {
        await this.locks.release(key, owner);
      }
    }
    return null;
  }

  async markDelivered(id: string, claim: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id, claim }, { $set: { state: 'delivered', deliveredAt: at }, $unset: { claim: 1, lastError: 1 } });
  }

  async retryLater(id: string, claim: string, at: Date, error: string): Promise<void> {
    await this.model.updateOne({ _id: id, claim }, { $set: { availableAt: at, lastError: error.slice(0, 500) }, $unset: { claim: 1 } });
  }

  async markFailed(id: string, claim: string, error: string): Promise<void> {
    await this.model.updateOne({ _id: id, claim }, { $set: { state: 'failed', lastError: error.slice(0, 500) }, $unset: { claim: 1 } });
  }

  async list(filter: { to?: Chat; state?: NotificationState } = {}): Promise<Notification[]> {
    const query: Record<string, unknown> = {};
    if (filter.to) Object.assign(query, { 'to.channel': filter.to.channel, 'to.user': filter.to.user });
    if (filter.state) query.state = filter.state;
    const docs = await this.model.find(query).sort({ createdAt: 1, _id: 1 }).limit(1000).lean<(NotificationDoc & { _id: Types.ObjectId })[]>();
    return docs.map(toNotification);
  }
}
