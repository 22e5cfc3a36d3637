import { createHash, timingSafeEqual } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.js';
import { retryTransient } from './transient.js';

interface KeyDoc { _id: string; keyHash: string; createdAt: Date }

const schema = new Schema<KeyDoc>({ _id: String, keyHash: String, createdAt: Date }, { versionKey: false, collection: 'webchat_keys' });

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * The web chats the server opened, each with the hash of the key only that browser was given. The key (not the
 * chat id, which staff see) is what lets a page read its chat's history back. One document per chat, `_id` the
 * chat id, so an id is never handed out twice.
 */
export class MongoWebChatKeys {
  private readonly model: Model<KeyDoc>;

  constructor(connection: Connection) {
    this.model = connection.models.WebChatKey ?? connection.model<KeyDoc>('WebChatKey', schema);
  }

  /** Records a new chat; false when the id is taken already. */
  async create(user: string, key: string): Promise<boolean> {
    try {
      await retryTransient(() => this.model.create({ _id: user, keyHash: hash(key), createdAt: new Date() }));
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async opened(user: string): Promise<boolean> {
    // findOne by _id, not a count: FerretDB answers only this from its index.
    return (await this.model.findOne({ _id: user }, { _id: 1 }).lean()) !== null;
  }

  async verify(user: string, key: string): Promise<boolean> {
    const doc = await this.model.findOne({ _id: user }).lean();
    if (!doc) return false;
    const a = Buffer.from(doc.keyHash, 'hex');
    const b = Buffer.from(hash(key), 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
