import type { ChatStateStore } from '../conversation/chat-state.js';
import type { ChatState } from '../conversation/state.js';
import { Schema, type Connection, type Model } from 'mongoose';
import { retryTransient } from './transient.js';
import { isDuplicateKey } from './duplicate-key.js';
import { GroupCommit } from './group-commit.js';

interface ChatStateDoc { _id: string; state: string; updatedAt: Date }
interface Save { key: string; state: string; fresh: boolean }

const schema = new Schema<ChatStateDoc>({ _id: String, state: String, updatedAt: Date }, { versionKey: false, collection: 'chats' });

// Keys read as missing and not yet written; past this many (turns that failed before saving) the list starts over.
const MAX_FRESH = 10_000;

/**
 * The chat-state port on mongoose: one document per chat, `_id` the chat key, so a restart resumes mid-flow.
 * State is stored as JSON text because it may hold keys MongoDB does not accept ("a.b", "$x").
 */
export class MongoChatStates implements ChatStateStore {
  private readonly model: Model<ChatStateDoc>;
  // The states of chats answered at the same moment are saved together: one insert for new chats, one bulk update.
  private readonly saves: GroupCommit<Save>;
  private readonly fresh = new Set<string>();

  constructor(connection: Connection) {
    this.model = connection.models.ChatState ?? connection.model<ChatStateDoc>('ChatState', schema);
    const doc = (s: Save) => ({ _id: s.key, state: s.state, updatedAt: new Date() });
    const update = (s: Save) => ({ updateOne: { filter: { _id: s.key }, update: { $set: { state: s.state, updatedAt: new Date() } }, upsert: true } });
    this.saves = new GroupCommit(
      async (items) => {
        const inserts = items.filter((s) => s.fresh);
        const updates = items.filter((s) => !s.fresh);
        await Promise.all([
          inserts.length ? this.model.insertMany(inserts.map(doc), { ordered: false, lean: true }) : undefined,
          updates.length ? this.model.bulkWrite(updates.map(update), { ordered: false }) : undefined,
        ]);
      },
      async (s) => {
        // A new chat's first state is an insert (no lookup needed); another server may have created it meanwhile.
        if (s.fresh) {
          try { await this.model.insertMany([doc(s)], { lean: true }); return; } catch (err) { if (!isDuplicateKey(err)) throw err; }
        }
        await retryTransient(() => this.model.bulkWrite([update(s)]));
      },
    );
  }

  async read(key: string): Promise<ChatState | undefined> {
    // A lookup by _id alone is the one query FerretDB answers in SQLite.
    const doc = await this.model.findOne({ _id: key }).lean();
    if (this.fresh.size > MAX_FRESH) this.fresh.clear();
    if (!doc) { this.fresh.add(key); return undefined; }
    return JSON.parse(doc.state) as ChatState;
  }

  async write(key: string, state: ChatState): Promise<void> {
    // Serialised now: the caller may change its object once this returns.
    const fresh = this.fresh.delete(key);
    await this.saves.write({ key, state: JSON.stringify(state), fresh });
  }

  async delete(key: string): Promise<void> {
    this.fresh.delete(key);
    await this.model.deleteOne({ _id: key });
  }
}
