import { Schema, type Connection, type Model } from 'mongoose';

/** A message that went to a WhatsApp Cloud citizen as the approved template (their 24-hour window was closed). */
import type { TemplateDelivery } from '../domain/template-deliveries.js';

export type { TemplateDelivery };

const schema = new Schema<TemplateDelivery>({
  channel: { type: String, required: true },
  user: { type: String, required: true },
  template: { type: String, required: true },
  messageIds: { type: [String], default: [] },
  at: { type: Date, required: true },
}, { versionKey: false, collection: 'templatedeliveries' });
schema.index({ at: -1 });
schema.index({ user: 1, at: -1 });

const MAX = 200;

/** Kept in the database (not in memory) so the console of any instance sees what every instance sent. */
export class MongoTemplateDeliveries {
  private readonly model: Model<TemplateDelivery>;

  constructor(connection: Connection) {
    this.model = connection.models.TemplateDelivery ?? connection.model<TemplateDelivery>('TemplateDelivery', schema);
  }

  async record(d: { user: string; template?: string; messageIds: string[]; at?: Date }): Promise<void> {
    await this.model.create({ channel: 'whatsapp-cloud', user: d.user, template: d.template ?? '', messageIds: d.messageIds.filter(Boolean), at: d.at ?? new Date() });
  }

  /** The latest deliveries, newest first; for one citizen and/or since a moment when given. */
  async latest(limit = 50, filter: { user?: string; since?: Date } = {}): Promise<TemplateDelivery[]> {
    const query: Record<string, unknown> = {};
    if (filter.user) query.user = filter.user;
    if (filter.since) query.at = { $gte: filter.since };
    const docs = await this.model.find(query).sort({ at: -1, _id: -1 }).limit(Math.max(1, Math.min(limit, MAX)))
      .lean<(TemplateDelivery & { _id: unknown })[]>();
    return docs.map(({ _id, ...rest }) => rest);
  }
}
