import { Schema, type Connection, type Model } from 'mongoose';
import type { Chat } from '../shared/statuses.js';
import type { Suggestion, SuggestionStore } from '../domain/suggestions.js';
import { findOneBy, insertOnce, withoutId } from './duplicate-key.js';

const schema = new Schema<Suggestion>({
  code: { type: String, required: true, unique: true },
  text: { type: String, required: true },
  lang: { type: String, required: true, enum: ['ar', 'en', 'fr'] },
  status: { type: String, required: true, default: 'received' },
  createdAt: { type: Date, required: true },
  via: { type: String, required: true },
  source: new Schema<Chat>({ channel: { type: String, required: true }, user: { type: String, required: true } }, { _id: false }),
  idempotencyKey: { type: String, required: true, unique: true },
}, { versionKey: false, collection: 'suggestions' });
schema.index({ 'source.channel': 1, 'source.user': 1, createdAt: -1 });

export class MongoSuggestionStore implements SuggestionStore {
  private readonly model: Model<Suggestion>;
  private readonly ready: Promise<unknown>;

  constructor(connection: Connection) {
    this.model = connection.models.Suggestion ?? connection.model<Suggestion>('Suggestion', schema);
    this.ready = this.model.init();
  }

  insert(suggestion: Suggestion): Promise<'inserted' | 'duplicate-key' | 'duplicate-code'> {
    return insertOnce(this.model, this.ready, suggestion);
  }

  findByCode(code: string): Promise<Suggestion | null> {
    return findOneBy(this.model, { code });
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<Suggestion | null> {
    return findOneBy(this.model, { idempotencyKey });
  }

  async listBySource(source: Chat, limit: number): Promise<Suggestion[]> {
    const docs = await this.model.find({ 'source.channel': source.channel, 'source.user': source.user })
      .sort({ createdAt: -1 }).limit(limit).lean<Suggestion[]>();
    return docs.map(withoutId);
  }
}
