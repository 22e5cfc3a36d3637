import { Schema, type Connection, type Model } from 'mongoose';
import type { TranscriptEntry, TranscriptStore } from '../domain/transcript.js';

const schema = new Schema<TranscriptEntry>({
  conversation: { type: String, required: true },
  from: { type: String, required: true, enum: ['citizen', 'bot', 'staff', 'note', 'system'] },
  text: { type: String, default: '' },
  at: { type: Date, required: true },
  staff: String,
  intent: String,
  confidence: Number,
  attachments: [Schema.Types.Mixed],
}, { versionKey: false, collection: 'messages' });
schema.index({ conversation: 1, at: 1 });

export class MongoTranscriptStore implements TranscriptStore {
  private readonly model: Model<TranscriptEntry>;

  constructor(connection: Connection) {
    this.model = connection.models.Message ?? connection.model<TranscriptEntry>('Message', schema);
  }

  async append(entries: TranscriptEntry[]): Promise<void> {
    if (entries.length) await this.model.insertMany(entries, { ordered: true, lean: true });
  }

  async list(conversation: string, limit = 500): Promise<TranscriptEntry[]> {
    const docs = await this.model.find({ conversation }).sort({ at: -1, _id: -1 }).limit(limit).lean();
    return docs.reverse().map(({ _id, ...rest }) => ({ ...rest, id: String(_id) }));
  }
}
