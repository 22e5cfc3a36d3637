import { Schema, type Connection, type Model } from 'mongoose';
import type { CannedReply } from '../content/schema.js';

const schema = new Schema<CannedReply & { updatedAt: Date; updatedBy: string }>({
  id: { type: String, required: true, unique: true },
  title: { ar: String, en: String, fr: String },
  text: { ar: String, en: String, fr: String },
  updatedAt: Date,
  updatedBy: String,
}, { versionKey: false, collection: 'canned_replies' });

export class MongoCannedReplies {
  private readonly model: Model<CannedReply & { updatedAt: Date; updatedBy: string }>;

  constructor(connection: Connection) {
    this.model = connection.models.CannedReply ?? connection.model('CannedReply', schema);
  }

  /** Seeds from the data file only when the collection is empty, so admins' edits survive restarts. */
  async seed(replies: CannedReply[]): Promise<void> {
    await this.model.init();
    if (await this.model.countDocuments({}) > 0) return;
    for (const r of replies) {
      await this.model.updateOne({ id: r.id }, { $setOnInsert: { ...r, updatedAt: new Date(), updatedBy: 'seed' } }, { upsert: true });
    }
  }

  async list(): Promise<CannedReply[]> {
    const docs = await this.model.find({}).sort({ id: 1 }).limit(500).lean();
    return docs.map((d) => ({ id: d.id, title: d.title, text: d.text }));
  }

  async save(reply: CannedReply, by: string): Promise<void> {
    await this.model.updateOne({ id: reply.id }, { $set: { ...reply, updatedAt: new Date(), updatedBy: by } }, { upsert: true });
  }

  async remove(id: string): Promise<boolean> {
    return (await this.model.deleteOne({ id })).deletedCount > 0;
  }
}
