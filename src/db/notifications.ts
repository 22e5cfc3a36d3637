import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { ClaimedNotification, ClaimRequest, NewNotification, Notification, NotificationState, OutboxStore } from '../domain/notifications.js';
import type { Chat } from '../shared/statuses.js';
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

/** Due notifications are read this many at a time. */
const PAGE = 50;

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

  async claimNext({ channels, now, leaseMs, claim, to, skip = () => false }: ClaimRequest): Promise<ClaimedNotification | null> {
    const filter: Record<string, unknown> = { state: 'pending', 'to.channel': { $in: channels }, availableAt: { $lte: now } };
    if (to) Object.assign(filter, { 'to.channel': to.channel, 'to.user': to.user });
    // Page on past the ones this dispatcher skips (web chats open elsewhere pile up), so they never block the rest.
    for (let offset = 0; ; offset += PAGE) {
      const due = await this.model.find(filter).sort({ availableAt: 1, createdAt: 1, _id: 1 }).skip(offset).limit(PAGE)
        .lean<(NotificationDoc & { _id: Types.ObjectId })[]>();
      for (const candidate of due) {
        if (skip(toNotification(candidate)) || (await this.hasOlderPending(candidate))) continue;
        const reserved = await this.reserve(candidate._id, now, leaseMs, claim);
        if (reserved) return reserved;
      }
      if (due.length < PAGE) return null;
    }
  }

  /** An earlier message to the same chat is still to be sent (waiting for a retry, or being sent elsewhere). */
  private async hasOlderPending(n: NotificationDoc & { _id: Types.ObjectId }): Promise<boolean> {
    return !!(await this.model.exists({
      state: 'pending', 'to.channel': n.to.channel, 'to.user': n.to.user,
      $or: [{ createdAt: { $lt: n.createdAt } }, { createdAt: n.createdAt, _id: { $lt: n._id } }],
    }));
  }

  private async reserve(id: Types.ObjectId, now: Date, leaseMs: number, claim: string): Promise<ClaimedNotification | null> {
    // Reserving under the record's lock (not a findOneAndUpdate, which FerretDB does not make atomic) is what
    // keeps two server instances from sending the same notification.
    const key = `notification:${String(id)}`;
    const owner = await this.locks.tryAcquire(key);
    if (!owner) return null;
    try {
      const current = await this.model.findById(id).lean<NotificationDoc & { _id: Types.ObjectId }>();
      if (!current || current.state !== 'pending' || current.availableAt > now) return null;
      const reserved = { attempts: current.attempts + 1, availableAt: new Date(now.getTime() + leaseMs), claim };
      await this.model.updateOne({ _id: current._id }, { $set: reserved });
      return { ...toNotification({ ...current, ...reserved }), claim };
    } finally {
      await this.locks.release(key, owner);
    }
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
