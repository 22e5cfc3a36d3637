import { Schema, type Connection, type Model } from 'mongoose';
import type { Chat } from '../domain/statuses.js';
import type { Suggestion, SuggestionStore } from '../domain/suggestions.js';
import { isDuplicateKey, withoutId } from './duplicate-key.js';

const schema = new Schema<Suggestion>({
  code: { type: String, required: true, unique: true },
  text: { type: String, required: true },
  lang: { type: String, required: true, enum: ['ar', 'en'] },
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

  async insert(suggestion: Suggestion): Promise<'inserted' | 'duplicate-key' | 'duplicate-code'> {
    await this.ready;
    try {
      await this.model.create(suggestion);
      return 'inserted';
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await this.model.exists({ idempotencyKey: suggestion.idempotencyKey })) ? 'duplicate-key' : 'duplicate-code';
    }
  }

  async findByCode(code: string): Promise<Suggestion | null> {
    const doc = await this.model.findOne({ code }).lean<Suggestion>();
    return doc && withoutId(doc);
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<Suggestion | null> {
    const doc = await this.model.findOne({ idempotencyKey }).lean<Suggestion>();
    return doc && withoutId(doc);
  }

  async listBySource(source: Chat, limit: number): Promise<Suggestion[]> {
    const docs = await this.model.find({ 'source.channel': source.channel, 'source.user': source.user })
      .sort({ createdAt: -1 }).limit(limit).lean<Suggestion[]>();
    return docs.map(withoutId);
  }
}
