import type { Storage, StoreItems } from 'botbuilder';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.js';
import { GroupCommit } from './group-commit.js';

interface BotStateDoc { _id: string; state: string; updatedAt: Date }
interface Save { key: string; state: string; fresh: boolean }

const schema = new Schema<BotStateDoc>({ _id: String, state: String, updatedAt: Date }, { versionKey: false, collection: 'botstate' });

// Keys read as missing and not yet written; past this many (turns that failed before saving) the list starts over.
const MAX_FRESH = 10_000;

/**
 * botbuilder's Storage port on mongoose: botkit keeps dialog state here, so a restart resumes mid-dialog.
 * State is stored as JSON text because dialog state may hold keys MongoDB does not accept ("a.b", "$x").
 */
export class MongoBotStorage implements Storage {
  private readonly model: Model<BotStateDoc>;
  // The states of chats answered at the same moment are saved together: one insert for new chats, one bulk update.
  private readonly saves: GroupCommit<Save>;
  private readonly fresh = new Set<string>();

  constructor(connection: Connection) {
    this.model = connection.models.BotState ?? connection.model<BotStateDoc>('BotState', schema);
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
        await this.model.bulkWrite([update(s)]);
      },
    );
  }

  async read(keys: string[]): Promise<StoreItems> {
    // One key per turn: a lookup by _id alone is the one query FerretDB answers in SQLite ($in is filtered in Go).
    const docs = keys.length === 1
      ? [await this.model.findOne({ _id: keys[0] }).lean()].filter((d) => d !== null)
      : keys.length ? await this.model.find({ _id: { $in: keys } }).lean() : [];
    const items: StoreItems = {};
    for (const d of docs) items[d._id] = JSON.parse(d.state);
    if (this.fresh.size > MAX_FRESH) this.fresh.clear();
    for (const key of keys) if (!items[key]) this.fresh.add(key);
    return items;
  }

  /** Reads states without taking part in turns (the photo upload asks whether a chat is filing a complaint). */
  async peek(keys: string[]): Promise<unknown[]> {
    const docs = await Promise.all(keys.map((key) => this.model.findOne({ _id: key }).lean()));
    return docs.filter((d) => d !== null).map((d) => JSON.parse(d.state) as unknown);
  }

  async write(changes: StoreItems): Promise<void> {
    // Serialised now: the caller may change its objects once this returns.
    await Promise.all(Object.entries(changes).map(([key, value]) => {
      const fresh = this.fresh.delete(key);
      return this.saves.write({ key, state: JSON.stringify(value), fresh });
    }));
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.fresh.delete(key);
    if (keys.length) await this.model.deleteMany({ _id: { $in: keys } });
  }
}
