import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Handoff, HandoffChange, HandoffStatus, HandoffStore, NewHandoff, StaffNote } from '../domain/handoff.js';
import { isDuplicateKey } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';

// `openKey` is the conversation key while the handoff is open and `closed:<id>` after: a unique index on it keeps
// one open handoff per conversation without partial indexes or transactions (FerretDB has neither).
interface HandoffDoc extends Omit<Handoff, 'id'> { _id: Types.ObjectId; openKey: string }

const schema = new Schema<HandoffDoc>({
  conversation: { type: String, required: true },
  openKey: { type: String, required: true, unique: true },
  channel: { type: String, required: true },
  user: { type: String, required: true },
  reason: { type: String, required: true },
  lang: { type: String, required: true },
  status: { type: String, required: true, enum: ['queued', 'held', 'closed'] },
  heldBy: String,
  department: String,
  queuedAt: { type: Date, required: true },
  takenAt: Date,
  closedAt: Date,
  closedBy: String,
  outcome: String,
  notes: [new Schema({ by: String, text: String, at: Date }, { _id: false })],
  assistantGuess: new Schema({ intent: String, confidence: Number }, { _id: false }),
  citizenName: String,
  outOfHours: { type: Boolean, default: false },
  remindedAt: Date,
  updatedAt: { type: Date, required: true },
}, { versionKey: false, collection: 'handoffs' });
schema.index({ status: 1, queuedAt: 1 });
schema.index({ updatedAt: 1 });
schema.index({ conversation: 1, queuedAt: -1 });

function toHandoff(doc: HandoffDoc): Handoff {
  const { _id, openKey: _openKey, ...rest } = doc;
  return { ...rest, notes: rest.notes ?? [], id: String(_id) };
}

const validId = (id: string) => Types.ObjectId.isValid(id) && String(new Types.ObjectId(id)) === id;

export class MongoHandoffStore implements HandoffStore {
  private readonly model: Model<HandoffDoc>;
  private readonly ready: Promise<unknown>;
  private readonly locks: RecordLocks;

  constructor(connection: Connection) {
    this.model = connection.models.Handoff ?? connection.model<HandoffDoc>('Handoff', schema);
    this.ready = this.model.init();
    this.locks = new RecordLocks(connection);
  }

  async open(h: NewHandoff): Promise<{ handoff: Handoff; created: boolean }> {
    await this.ready;
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.findOpen(h.conversation);
      if (existing) return { handoff: existing, created: false };
      try {
        const doc = await this.model.create({ ...h, openKey: h.conversation, status: 'queued', notes: [], updatedAt: h.queuedAt });
        return { handoff: toHandoff(doc.toObject()), created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`could not open a handoff for ${h.conversation}`);
  }

  async findOpen(conversation: string): Promise<Handoff | null> {
    const doc = await this.model.findOne({ openKey: conversation }).lean<HandoffDoc>();
    return doc && toHandoff(doc);
  }

  async get(id: string): Promise<Handoff | null> {
    if (!validId(id)) return null;
    const doc = await this.model.findById(id).lean<HandoffDoc>();
    return doc && toHandoff(doc);
  }

  async position(h: Handoff): Promise<number> {
    return 1 + await this.model.countDocuments({ status: 'queued', queuedAt: { $lt: h.queuedAt } });
  }

  async list(filter: { statuses: HandoffStatus[]; heldBy?: string }, limit: number): Promise<Handoff[]> {
    const query: Record<string, unknown> = { status: { $in: filter.statuses } };
    if (filter.heldBy) query.heldBy = filter.heldBy;
    const docs = await this.model.find(query).sort({ queuedAt: 1, _id: 1 }).limit(limit).lean<HandoffDoc[]>();
    return docs.map(toHandoff);
  }

  async update(id: string, expect: { statuses: HandoffStatus[]; heldBy?: string }, change: HandoffChange & { updatedAt: Date }, note?: StaffNote): Promise<Handoff | null> {
    if (!validId(id)) return null;
    const _id = new Types.ObjectId(id);
    const set: Record<string, unknown> = {};
    const unset: Record<string, 1> = {};
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) unset[k] = 1;
      else set[k] = v;
    }
    if (change.status === 'closed') set.openKey = `closed:${id}`;
    const update: Record<string, unknown> = { $set: set };
    if (Object.keys(unset).length) update.$unset = unset;
    if (note) update.$push = { notes: note };
    // Check and write under the record's lock: a filtered findOneAndUpdate is not a compare-and-set on FerretDB 1.24,
    // and "take only if still queued" must let exactly one of two agents through.
    return this.locks.withLock(`handoff:${id}`, async () => {
      const current = await this.model.findById(_id, { status: 1, heldBy: 1 }).lean<Pick<HandoffDoc, 'status' | 'heldBy'>>();
      if (!current || !expect.statuses.includes(current.status) || (expect.heldBy && current.heldBy !== expect.heldBy)) return null;
      await this.model.updateOne({ _id }, update);
      const doc = await this.model.findById(_id).lean<HandoffDoc>();
      return doc && toHandoff(doc);
    });
  }

  async changedSince(since: Date, limit: number): Promise<Handoff[]> {
    const docs = await this.model.find({ updatedAt: { $gte: since } }).sort({ updatedAt: 1 }).limit(limit).lean<HandoffDoc[]>();
    return docs.map(toHandoff);
  }

  async history(conversation: string, limit: number): Promise<Handoff[]> {
    const docs = await this.model.find({ conversation }).sort({ queuedAt: -1 }).limit(limit).lean<HandoffDoc[]>();
    return docs.map(toHandoff);
  }
}
