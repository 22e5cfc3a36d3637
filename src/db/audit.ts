import { Schema, type Connection, type Model } from 'mongoose';

import type { AuditEntry, AuditLog } from '../domain/audit.js';

export type { AuditEntry } from '../domain/audit.js';

const schema = new Schema<AuditEntry>({
  who: { type: String, required: true },
  what: { type: String, required: true },
  when: { type: Date, required: true },
  target: String,
  detail: String,
}, { versionKey: false, collection: 'audit' });
schema.index({ when: -1 });
schema.index({ target: 1, when: -1 });

export class MongoAuditLog implements AuditLog {
  private readonly model: Model<AuditEntry>;

  constructor(connection: Connection) {
    this.model = connection.models.Audit ?? connection.model<AuditEntry>('Audit', schema);
  }

  async record(entry: Omit<AuditEntry, 'when'> & { when?: Date }): Promise<void> {
    await this.model.create({ ...entry, when: entry.when ?? new Date() });
  }

  async list(filter: { who?: string; what?: string; target?: string } = {}, limit = 200): Promise<AuditEntry[]> {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(filter)) if (v) query[k] = v;
    const docs = await this.model.find(query).sort({ when: -1, _id: -1 }).limit(limit).lean<(AuditEntry & { _id: unknown })[]>();
    return docs.map(({ _id, ...rest }) => rest);
  }
}
