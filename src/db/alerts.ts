import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import type { AlertStore, OverdueAlert } from '../domain/escalation.js';
import { isDuplicateKey, withoutId } from './duplicate-key.js';

const schema = new Schema<OverdueAlert>({
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

/** Overdue alerts for the console; the unique key makes "alert once" hold across server instances. */
export class MongoAlertStore implements AlertStore {
  private readonly model: Model<OverdueAlert>;
  private readonly ready: Promise<unknown>;

  constructor(connection: Connection) {
    this.model = connection.models.ConsoleAlert ?? connection.model<OverdueAlert>('ConsoleAlert', schema);
    this.ready = this.model.init();
  }

  async insertOnce(alert: OverdueAlert): Promise<'inserted' | 'exists'> {
    await this.ready;
    try {
      await this.model.create(alert);
      return 'inserted';
    } catch (err) {
      if (isDuplicateKey(err)) return 'exists';
      throw err;
    }
  }

  async find(key: string): Promise<OverdueAlert | null> {
    const doc = await this.model.findOne({ key }).lean<OverdueAlert>();
    return doc && withoutId(doc);
  }

  async list(q: { departments?: string[]; since?: Date; limit: number }): Promise<{ total: number; alerts: OverdueAlert[] }> {
    const filter = { ...(q.departments ? { department: { $in: q.departments } } : {}), ...(q.since ? { at: { $gt: q.since } } : {}) };
    const [total, docs] = await Promise.all([
      this.model.countDocuments(filter),
      this.model.find(filter).sort({ at: -1, code: 1 }).limit(q.limit).lean<OverdueAlert[]>(),
    ]);
    return { total, alerts: docs.map(withoutId) };
  }
}
