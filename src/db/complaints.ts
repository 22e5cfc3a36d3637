import { Schema, type Connection, type Model } from 'mongoose';
import { OPEN_STATUSES, queueView, type Complaint, type ComplaintChange, type ComplaintListQuery, type ComplaintPage, type ComplaintSearch, type ComplaintStore } from '../domain/complaints.js';
import { ComplaintQueues } from './complaint-queues.js';
import { COMPLAINT_STATUSES, sameChat, type Chat, type ComplaintStatus } from '../shared/statuses.js';
import { ComplaintDays } from './complaint-days.js';
import { ComplaintKeys } from './complaint-keys.js';
import { findOneBy, isDuplicateKey, withoutId } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

const chat = new Schema<Chat>({ channel: { type: String, required: true }, user: { type: String, required: true } }, { _id: false });

// The _id is the tracking code (older complaints keep an ObjectId): on FerretDB (SQLite) only an _id lookup uses an
// index, so a complaint is found by its code without reading the collection.
const schema = new Schema<Complaint & { _id: string }>({
  _id: { type: String },
  code: { type: String, required: true, unique: true },
  category: { type: String, required: true },
  department: { type: String, required: true },
  description: { type: String, required: true },
  // Either {lat, lon} or {text}.
  location: Schema.Types.Mixed,
  photos: { type: [String], default: [] },
  mediaUrl: String,
  privacy: { type: String, required: true, enum: ['named', 'confidential', 'anonymous'] },
  reporter: new Schema({ name: String, contact: chat, email: String, phone: String }, { _id: false }),
  consentToContact: { type: Boolean, required: true },
  lang: { type: String, required: true, enum: ['ar', 'en', 'fr'] },
  status: { type: String, required: true, enum: COMPLAINT_STATUSES },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  deadline: { type: Date, required: true },
  history: [new Schema({ at: { type: Date, required: true }, by: { type: String, required: true }, status: String, note: String }, { _id: false })],
  flaggedForSupervisor: { type: Boolean, default: false },
  escalatedAt: Date,
  assignee: String,
  via: { type: String, required: true },
  source: chat,
  idempotencyKey: { type: String, required: true, unique: true },
}, { versionKey: false, collection: 'complaints', minimize: true });
schema.index({ 'source.channel': 1, 'source.user': 1, createdAt: -1 });
schema.index({ createdAt: -1 });
// The console's list: a department's queue by filing date or deadline, "overdue" (open, deadline passed), and
// the overdue sweep.
schema.index({ department: 1, createdAt: -1 });
schema.index({ department: 1, status: 1, deadline: 1 });
schema.index({ status: 1, deadline: 1 });
schema.index({ status: 1, department: 1, deadline: 1 });

export class MongoComplaintStore implements ComplaintStore {
  private readonly model: Model<Complaint>;
  private readonly ready: Promise<unknown>;
  private readonly locks: RecordLocks;
  /** The open queues by department and person (complaint-queues.ts). */
  readonly queues: ComplaintQueues;
  /** Retry keys and the anonymous keys still to forget, by _id (complaint-keys.ts). */
  readonly keys: ComplaintKeys;
  /** Every complaint by filing day, for the console's searches (complaint-days.ts). */
  readonly days: ComplaintDays;

  constructor(connection: Connection) {
    this.model = connection.models.Complaint ?? connection.model<Complaint>('Complaint', schema as unknown as Schema<Complaint>);
    this.locks = new RecordLocks(connection);
    this.queues = new ComplaintQueues(connection);
    this.keys = new ComplaintKeys(connection);
    this.days = new ComplaintDays(connection);
    // The unique indexes must exist before the first insert, or a retried message could be stored twice.
    this.ready = this.model.init().then(() => this.keys.ensureBuilt(this.model.collection as never));
    this.ready.catch(() => undefined);
  }

  async insert(complaint: Complaint): Promise<'inserted' | 'duplicate-key' | 'duplicate-code'> {
    await this.ready;
    const key = complaint.idempotencyKey;
    // Listed before it is stored: a crash right after storing cannot leave an anonymous key linked for ever.
    if (complaint.privacy === 'anonymous') await this.keys.addPending({ key, code: complaint.code, at: complaint.createdAt });
    try {
      await retryTransient(() => this.model.create({ _id: complaint.code, ...complaint } as Complaint));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Rare (the same message filed twice at once, or again after a crash before its key was noted): the unique
      // index refused it. The one search of the collection is on this path only; it notes the key for next time.
      const first = await findOneBy(this.model, { idempotencyKey: key });
      if (!first) return 'duplicate-code';
      await this.keys.note(key, first.code);
      return 'duplicate-key';
    }
    await this.keys.note(key, complaint.code);
    // Under the complaint's lock, so a change made right after filing reaches the queues after it.
    await this.locks.withLock(`complaint:${complaint.code}`, async () => {
      await this.queues.sync(null, complaint, complaint.code);
      await this.days.sync(null, complaint, complaint.code);
    }, 20_000);
    return 'inserted';
  }

  /** The stored document with its _id: by _id first (the code), by the code field for complaints filed before. */
  private async findRaw(code: string): Promise<(Complaint & { _id: unknown }) | null> {
    const byId = await this.model.findOne({ _id: code }).lean<Complaint & { _id: unknown }>();
    // A code that is not an _id is searched for only if the database holds complaints filed before (a search
    // reads the whole collection on FerretDB, and wrong codes are typed all day).
    return byId ?? (await this.hasLegacy() ? await this.model.findOne({ code }).lean<Complaint & { _id: unknown }>() : null);
  }

  private legacy: Promise<boolean> | undefined;
  /** Whether complaints stored with an ObjectId _id exist (asked once per process: new ones never have one). */
  private hasLegacy(): Promise<boolean> {
    this.legacy ??= this.model.exists({ _id: { $type: 'objectId' } } as never).then((d) => !!d, (err: unknown) => { this.legacy = undefined; throw err; });
    return this.legacy;
  }

  async findByCode(code: string): Promise<Complaint | null> {
    const doc = await this.findRaw(code);
    return doc && withoutId(doc);
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<Complaint | null> {
    await this.ready;
    const code = await this.keys.codeOf(idempotencyKey);
    const found = code ? await this.findByCode(code) : null;
    return found?.idempotencyKey === idempotencyKey ? found : null;
  }

  async update(code: string, expect: { statuses?: ComplaintStatus[]; source?: Chat; assignee?: string | null }, change: ComplaintChange): Promise<Complaint | null> {
    // Read, check and write under the record's lock: a filtered findOneAndUpdate is not atomic on FerretDB.
    return this.locks.withLock(`complaint:${code}`, async () => {
      const raw = await this.findRaw(code);
      if (!raw) return null;
      const { _id: ref, ...current } = raw;
      if (expect.statuses && !expect.statuses.includes(current.status)) return null;
      if (expect.source && !sameChat(current.source, expect.source)) return null;
      if (expect.assignee !== undefined && (current.assignee ?? null) !== expect.assignee) return null;
      const history = [...current.history, change.push];
      const { assignee, ...set } = change.set;
      const unassign = assignee === null;
      await this.model.collection.updateOne({ _id: ref as never }, { $set: { ...set, ...(assignee ? { assignee } : {}), history }, ...(unassign ? { $unset: { assignee: 1 } } : {}) });
      const { assignee: _was, ...rest } = current;
      const updated: Complaint = { ...(unassign ? rest : current), ...set, ...(assignee ? { assignee } : {}), history };
      await this.queues.sync(current as Complaint, updated, ref);
      await this.days.sync(current as Complaint, updated, ref);
      return updated;
      // Longer than the lock's default: the change waits for the department's queue documents too.
    }, 20_000);
  }

  async listBySource(source: Chat, limit: number): Promise<Complaint[]> {
    const docs = await this.model.find({ 'source.channel': source.channel, 'source.user': source.user })
      .sort({ createdAt: -1 }).limit(limit).lean<Complaint[]>();
    return docs.map(withoutId);
  }

  async search(q: ComplaintSearch): Promise<Complaint[]> {
    const filter: Record<string, unknown> = {};
    if (q.codes) filter.code = { $in: q.codes };
    if (q.categories) filter.category = { $in: q.categories };
    if (q.statuses) filter.status = { $in: q.statuses };
    if (q.from || q.to) filter.createdAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
    if (q.updatedFrom || q.updatedTo) filter.updatedAt = { ...(q.updatedFrom ? { $gte: q.updatedFrom } : {}), ...(q.updatedTo ? { $lte: q.updatedTo } : {}) };
    const docs = await this.model.find(filter).sort({ createdAt: -1 }).limit(q.limit).lean<Complaint[]>();
    return docs.map(withoutId);
  }

  async list(q: ComplaintListQuery): Promise<ComplaintPage> {
    // The everyday views come from the maintained queues; any other search from the filing-day documents.
    const view = queueView(q);
    return view ? this.queues.page(view) : this.days.page(q);
  }

  /** The same list as a query on the collection (indexed on MongoDB; read in full by FerretDB on SQLite): the bench compares. */
  async searchCollection(q: ComplaintListQuery): Promise<ComplaintPage> {
    const filter: Record<string, unknown> = {};
    if (q.departments) filter.department = { $in: q.departments };
    if (q.categories) filter.category = { $in: q.categories };
    let statuses = q.statuses;
    if (q.overdueAt || q.dueBefore || q.openOnly) statuses = (statuses ?? OPEN_STATUSES).filter((s) => OPEN_STATUSES.includes(s));
    const before = [q.overdueAt, q.dueBefore].filter((d): d is Date => !!d).sort((x, y) => x.getTime() - y.getTime())[0];
    if (before || q.dueFrom) filter.deadline = { ...(q.dueFrom ? { $gte: q.dueFrom } : {}), ...(before ? { $lt: before } : {}) };
    if (q.assignee === null) filter.assignee = { $exists: false };
    else if (q.assignee) filter.assignee = q.assignee;
    if (statuses) filter.status = { $in: statuses };
    if (q.notEscalated) filter.escalatedAt = { $exists: false };
    if (q.from || q.to) filter.createdAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    // The code breaks ties, so a page boundary never repeats or skips a complaint filed in the same millisecond.
    const sort: Record<string, 1 | -1> = q.sort === 'deadline' ? { deadline: 1, code: 1 } : q.sort === 'oldest' ? { createdAt: 1, code: 1 } : { createdAt: -1, code: -1 };
    const [total, docs] = await Promise.all([
      this.model.countDocuments(filter),
      this.model.find(filter).sort(sort).skip(q.skip).limit(q.limit).lean<Complaint[]>(),
    ]);
    return { total, items: docs.map(withoutId) };
  }

  async forgetAnonymousKeys(before: Date): Promise<number> {
    await this.ready;
    // The anonymous filings still linked to a chat are listed apart, in a collection of the last hour's only.
    const due = await this.keys.pendingBefore(before, 100);
    let forgotten = 0;
    for (const p of due) {
      const changed = await this.locks.withLock(`complaint:${p.code}`, async () => {
        const raw = await this.model.findOne({ _id: p.code }).lean<Complaint>();
        if (raw?.idempotencyKey !== p.key) return false;
        await retryTransient(() => this.model.updateOne({ _id: p.code }, { $set: { idempotencyKey: `forgotten:${p.code}` } }));
        return true;
      });
      await this.keys.forget(p.key, p.code);
      if (changed) forgotten++;
    }
    return forgotten;
  }
}
