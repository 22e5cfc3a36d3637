import { Schema, type Connection, type Model } from 'mongoose';
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

  async list(q: { departments?: string[]; limit: number }): Promise<{ total: number; alerts: OverdueAlert[] }> {
    const filter = q.departments ? { department: { $in: q.departments } } : {};
    const [total, docs] = await Promise.all([
      this.model.countDocuments(filter),
      this.model.find(filter).sort({ at: -1, code: 1 }).limit(q.limit).lean<OverdueAlert[]>(),
    ]);
    return { total, alerts: docs.map(withoutId) };
  }
}
