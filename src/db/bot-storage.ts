import type { Storage, StoreItems } from 'botbuilder';
import { Schema, type Connection, type Model } from 'mongoose';

interface BotStateDoc { _id: string; state: string; updatedAt: Date }

const schema = new Schema<BotStateDoc>({ _id: String, state: String, updatedAt: Date }, { versionKey: false, collection: 'botstate' });

/**
 * botbuilder's Storage port on mongoose: botkit keeps dialog state here, so a restart resumes mid-dialog.
 * State is stored as JSON text because dialog state may hold keys MongoDB does not accept ("a.b", "$x").
 */
export class MongoBotStorage implements Storage {
  private readonly model: Model<BotStateDoc>;

  constructor(connection: Connection) {
    this.model = connection.models.BotState ?? connection.model<BotStateDoc>('BotState', schema);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys.length) return {};
    const docs = await this.model.find({ _id: { $in: keys } }).lean();
    const items: StoreItems = {};
    for (const d of docs) items[d._id] = JSON.parse(d.state);
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const ops = Object.entries(changes).map(([key, value]) => ({
      updateOne: { filter: { _id: key }, update: { $set: { state: JSON.stringify(value), updatedAt: new Date() } }, upsert: true },
    }));
    if (ops.length) await this.model.bulkWrite(ops, { ordered: false });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.model.deleteMany({ _id: { $in: keys } });
  }
}
