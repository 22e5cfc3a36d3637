import { Schema, type Connection, type Model } from 'mongoose';
import { FINISHED_APPLICATION, type Application, type ApplicationListQuery, type ApplicationStore } from '../domain/applications.js';
import { APPLICATION_STATUSES, type ApplicationStatus, type Chat, type HistoryEntry } from '../shared/statuses.js';
import { isDuplicateKey, withoutId } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';

const chat = new Schema<Chat>({ channel: { type: String, required: true }, user: { type: String, required: true } }, { _id: false });

const schema = new Schema<Application>({
  code: { type: String, required: true, unique: true },
  service: { type: String, required: true },
  applicant: new Schema({ name: { type: String, required: true }, phone: { type: String, required: true }, chat }, { _id: false }),
  lang: { type: String, required: true, enum: ['ar', 'en', 'fr'] },
  status: { type: String, required: true, enum: APPLICATION_STATUSES },
  missingDocuments: { type: [String], default: [] },
  rejectionReason: String,
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  expectedBy: { type: String, required: true },
  history: [new Schema({ at: { type: Date, required: true }, by: { type: String, required: true }, status: String, note: String }, { _id: false })],
}, { versionKey: false, collection: 'applications' });
schema.index({ 'applicant.chat.channel': 1, 'applicant.chat.user': 1, createdAt: -1 });
// The registry: by status and expected day (overdue), by service, newest first.
schema.index({ status: 1, expectedBy: 1 });
schema.index({ service: 1, createdAt: -1 });
schema.index({ createdAt: -1 });

export class MongoApplicationStore implements ApplicationStore {
  private readonly model: Model<Application>;
  private readonly ready: Promise<unknown>;
  private readonly locks: RecordLocks;

  constructor(connection: Connection) {
    this.model = connection.models.Application ?? connection.model<Application>('Application', schema);
    this.locks = new RecordLocks(connection);
    this.ready = this.model.init();
  }

  async insert(application: Application): Promise<'inserted' | 'duplicate-code'> {
    await this.ready;
    try {
      await this.model.create(application);
      return 'inserted';
    } catch (err) {
      if (isDuplicateKey(err)) return 'duplicate-code';
      throw err;
    }
  }

  async findByCode(code: string): Promise<Application | null> {
    const doc = await this.model.findOne({ code }).lean<Application>();
    return doc && withoutId(doc);
  }

  async update(code: string, expectStatus: ApplicationStatus, change: {
    set: Pick<Application, 'status' | 'missingDocuments' | 'updatedAt'> & { rejectionReason?: string };
    push: HistoryEntry<ApplicationStatus>;
  }): Promise<Application | null> {
    // Read, check and write under the record's lock: a filtered findOneAndUpdate is not atomic on FerretDB.
    return this.locks.withLock(`application:${code}`, async () => {
      const current = await this.findByCode(code);
      if (!current || current.status !== expectStatus) return null;
      const history = [...current.history, change.push];
      await this.model.updateOne({ code }, { $set: { ...change.set, history } });
      return { ...current, ...change.set, history };
    });
  }

  async linkChat(code: string, chat: Chat): Promise<Application | null> {
    return this.locks.withLock(`application:${code}`, async () => {
      const current = await this.findByCode(code);
      if (!current) return null;
      const applicant = { ...current.applicant, chat: { channel: chat.channel, user: chat.user } };
      await this.model.updateOne({ code }, { $set: { applicant } });
      return { ...current, applicant };
    });
  }

  async list(q: ApplicationListQuery): Promise<{ total: number; items: Application[] }> {
    const filter: Record<string, unknown> = {};
    if (q.services) filter.service = { $in: q.services };
    let statuses = q.statuses;
    if (q.overdueOn) {
      statuses = (statuses ?? APPLICATION_STATUSES.filter((s) => !FINISHED_APPLICATION.includes(s))).filter((s) => !FINISHED_APPLICATION.includes(s));
      // YYYY-MM-DD strings sort as the days they name.
      filter.expectedBy = { $lt: q.overdueOn };
    }
    if (statuses) filter.status = { $in: statuses };
    const sort: Record<string, 1 | -1> = q.sort === 'expected' ? { expectedBy: 1, code: 1 } : q.sort === 'oldest' ? { createdAt: 1, code: 1 } : { createdAt: -1, code: -1 };
    const [total, docs] = await Promise.all([
      this.model.countDocuments(filter),
      this.model.find(filter).sort(sort).skip(q.skip).limit(q.limit).lean<Application[]>(),
    ]);
    return { total, items: docs.map(withoutId) };
  }

  async listByChat(chat: Chat, limit: number): Promise<Application[]> {
    const docs = await this.model.find({ 'applicant.chat.channel': chat.channel, 'applicant.chat.user': chat.user })
      .sort({ createdAt: -1 }).limit(limit).lean<Application[]>();
    return docs.map(withoutId);
  }
}
