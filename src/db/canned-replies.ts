import fs from 'node:fs';
import { Schema, type Connection, type Model } from 'mongoose';
import YAML from 'yaml';
import { z } from 'zod';
import { Text } from '../content/schema.js';

/** A ready answer staff paste into a conversation, in both languages; admins edit them in the console. */
export const CannedReply = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,60}$/),
  title: Text,
  text: Text,
}).strict();
export type CannedReply = z.infer<typeof CannedReply>;
export const CannedReplies = z.object({ replies: z.array(CannedReply).min(1) }).strict();

const schema = new Schema<CannedReply & { updatedAt: Date; updatedBy: string }>({
  id: { type: String, required: true, unique: true },
  title: { ar: String, en: String },
  text: { ar: String, en: String },
  updatedAt: Date,
  updatedBy: String,
}, { versionKey: false, collection: 'canned_replies' });

export function loadCannedReplies(file: string): CannedReply[] {
  const parsed = CannedReplies.safeParse(YAML.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.slice(0, 5).map((i) => `field ${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.replies;
}

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
