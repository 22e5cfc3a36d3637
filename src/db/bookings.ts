import { Schema, type Connection, type Model } from 'mongoose';
import { OPEN_STATUSES, type Booking, type BookingBlock, type BookingStore, type Place } from '../domain/bookings.js';
import { BOOKING_STATUSES, sameChat, type BookingStatus, type Chat, type HistoryEntry } from '../shared/statuses.js';
import { BookingIndex } from './booking-index.js';
import { findOneBy, isDuplicateKey, putById, withoutId } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

const chat = new Schema<Chat>({ channel: { type: String, required: true }, user: { type: String, required: true } }, { _id: false });

// The _id is the code (bookings stored before keep an ObjectId until the first start moves them, ensureBuilt):
// on FerretDB (SQLite) only an _id lookup uses an index.
const schema = new Schema<Booking & { _id: string }>({
  _id: { type: String },
  code: { type: String, required: true, unique: true },
  service: { type: String, required: true },
  branch: { type: String, required: true },
  day: { type: String, required: true },
  time: { type: String, required: true },
  start: { type: Date, required: true },
  seat: { type: Number, required: true },
  status: { type: String, required: true, enum: BOOKING_STATUSES },
  citizen: new Schema({ name: { type: String, required: true }, phone: { type: String, required: true }, chat }, { _id: false }),
  lang: { type: String, required: true, enum: ['ar', 'en', 'fr'] },
  subject: String,
  via: { type: String, required: true },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  history: [new Schema({ at: { type: Date, required: true }, by: { type: String, required: true }, status: String, note: String }, { _id: false })],
  idempotencyKey: { type: String, required: true, unique: true },
  remindAt: Date,
  displaced: new Schema({ at: { type: Date, required: true }, block: { type: String, required: true } }, { _id: false }),
}, { versionKey: false, collection: 'bookings' });
schema.index({ 'citizen.chat.channel': 1, 'citizen.chat.user': 1, status: 1 });
schema.index({ branch: 1, day: 1 });
schema.index({ remindAt: 1 });

/**
 * One document per taken place of a slot, and per once-only claim: its _id is the place (or the claim), so the
 * database's own unique _id index decides who gets it, even with many servers and FerretDB's non-atomic updates.
 */
interface PlaceDoc { _id: string; code: string; at: Date; branch?: string; service?: string; day?: string; time?: string }
// Every place and dated claim carries its day: past ones are deleted (forgetPast), so the "which of these places
// are taken" lookup, an `_id: {$in}` that FerretDB answers by reading the collection, reads only the weeks ahead.
const placeSchema = new Schema<PlaceDoc>({
  _id: String, code: { type: String, required: true }, at: { type: Date, required: true },
  branch: String, service: String, day: String, time: String,
}, { versionKey: false, collection: 'booking_places' });
placeSchema.index({ branch: 1, service: 1, day: 1 });
placeSchema.index({ day: 1 });

/** Counters closed for a period; `_id` is the block's id, so the same request makes one block. */
const blockSchema = new Schema<BookingBlock & { _id: string }>({
  _id: String, id: { type: String, required: true }, branch: { type: String, required: true }, fromDay: { type: String, required: true },
  toDay: { type: String, required: true }, from: String, to: String, service: String, counters: Number,
  reason: { type: String, required: true }, by: { type: String, required: true }, at: { type: Date, required: true }, displaced: [String],
}, { versionKey: false, collection: 'booking_blocks' });
blockSchema.index({ branch: 1, fromDay: 1 });

const placeId = (p: Place) => `place:${p.branch}|${p.service}|${p.day}|${p.time}|${p.seat}`;

export class MongoBookingStore implements BookingStore {
  private readonly model: Model<Booking>;
  private readonly places: Model<PlaceDoc>;
  private readonly blocks: Model<BookingBlock & { _id: string }>;
  private readonly ready: Promise<unknown>;
  private readonly locks: RecordLocks;
  /** The retry keys and each chat's open bookings, read by _id (booking-index.ts). */
  readonly index: BookingIndex;

  constructor(connection: Connection) {
    this.model = connection.models.Booking ?? connection.model<Booking>('Booking', schema as unknown as Schema<Booking>);
    this.index = new BookingIndex(connection);
    this.places = connection.models.BookingPlace ?? connection.model<PlaceDoc>('BookingPlace', placeSchema);
    this.blocks = connection.models.BookingBlock ?? connection.model<BookingBlock & { _id: string }>('BookingBlock', blockSchema);
    this.locks = new RecordLocks(connection);
    // The unique indexes must exist before the first insert; a failed build is reported to the insert that awaits it.
    this.ready = Promise.all([this.model.init(), this.places.init()]).then(() => this.ensureBuilt());
    this.ready.catch(() => undefined);
  }

  /**
   * Once per database: bookings stored before the _id was their code get it (copied, then the old document
   * removed), and the chat lists are built from the open bookings. Later starts read one marker document.
   */
  private async ensureBuilt(): Promise<void> {
    const marker = 'meta|built';
    if (await this.index.chats.findOne({ _id: marker })) return;
    // The code is unique, so a booking cannot exist twice while it moves: it is copied aside first, and a move a
    // crash interrupted is finished from the copy at the next start.
    const aside = this.model.db.collection('bookings_moving');
    const restore = async (doc: Record<string, unknown>) => {
      try {
        await retryTransient(() => this.model.collection.insertOne({ ...doc, _id: doc.code } as never));
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      await aside.deleteOne({ _id: doc.code as never });
    };
    for (const { _id, ...doc } of await aside.find({}).toArray()) await restore(doc);
    const legacy = await this.model.collection.find({ _id: { $type: 'objectId' } as never }).toArray();
    for (const { _id, ...doc } of legacy) {
      await putById(aside as never, doc.code as string, doc);
      await this.model.collection.deleteOne({ _id });
      await restore(doc);
    }
    const open = await this.model.find({ status: { $in: OPEN_STATUSES } }).lean<Booking[]>();
    await this.index.build(open);
    await putById(this.index.chats, marker, { items: [] });
  }

  private async insertPlace(doc: PlaceDoc): Promise<boolean> {
    await this.ready;
    try {
      await retryTransient(() => this.places.create(doc));
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Deletes the places and claims of days before `today`: nobody books, moves or is reminded on a past day. */
  async forgetPast(today: string): Promise<number> {
    return (await this.places.deleteMany({ day: { $lt: today } })).deletedCount;
  }

  takePlace(place: Place, code: string, at: Date): Promise<boolean> {
    return this.insertPlace({ _id: placeId(place), code, at, branch: place.branch, service: place.service, day: place.day, time: place.time });
  }

  async placeHolder(place: Place): Promise<{ code: string; at: Date } | null> {
    const doc = await this.places.findById(placeId(place)).lean<PlaceDoc>();
    return doc && { code: doc.code, at: doc.at };
  }

  async releasePlace(place: Place, code: string): Promise<void> {
    await this.places.deleteOne({ _id: placeId(place), code });
  }

  async takenAmong(list: Place[]): Promise<Place[]> {
    if (!list.length) return [];
    const byId = new Map(list.map((p) => [placeId(p), p]));
    const docs = await this.places.find({ _id: { $in: [...byId.keys()] } }, { _id: 1 }).lean<{ _id: string }[]>();
    return docs.map((d) => byId.get(d._id)!);
  }

  claim(key: string, code: string, at: Date, day?: string): Promise<boolean> {
    return this.insertPlace({ _id: `claim:${key}`, code, at, ...(day ? { day } : {}) });
  }

  async claimHolder(key: string): Promise<{ code: string; at: Date } | null> {
    const doc = await this.places.findById(`claim:${key}`).lean<PlaceDoc>();
    return doc && { code: doc.code, at: doc.at };
  }

  async unclaim(key: string, code: string): Promise<void> {
    await this.places.deleteOne({ _id: `claim:${key}`, code });
  }

  async insert(booking: Booking): Promise<'inserted' | 'duplicate-key' | 'duplicate-code'> {
    await this.ready;
    try {
      await retryTransient(() => this.model.create({ _id: booking.code, ...booking } as Booking));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Rare (two identical confirms at once without a chat, or a retry after a crash): the unique index on the
      // retry key refused it, or the random code was taken. The one read of the collection is on this path only.
      const first = await findOneBy(this.model, { idempotencyKey: booking.idempotencyKey });
      if (!first) return 'duplicate-code';
      await this.index.noteKey(booking.idempotencyKey, first.code);
      return 'duplicate-key';
    }
    await this.index.noteKey(booking.idempotencyKey, booking.code);
    await this.locks.withLock(`booking:${booking.code}`, () => this.index.sync(null, booking), 20_000);
    return 'inserted';
  }

  async findByCode(code: string): Promise<Booking | null> {
    await this.ready;
    const doc = await this.model.findOne({ _id: code }).lean<Booking>();
    return doc && withoutId(doc as Booking & { _id?: unknown });
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<Booking | null> {
    await this.ready;
    const code = await this.index.codeOfKey(idempotencyKey);
    const found = code ? await this.findByCode(code) : null;
    return found?.idempotencyKey === idempotencyKey ? found : null;
  }

  async listByChat(c: Chat, statuses: BookingStatus[]): Promise<Booking[]> {
    await this.ready;
    if (statuses.every((s) => OPEN_STATUSES.includes(s))) {
      // The chat's list names its open bookings; each is read by _id and its own status decides.
      const found = await Promise.all((await this.index.chatEntries(c)).map((e) => this.findByCode(e.code)));
      return found.filter((b): b is Booking => !!b && statuses.includes(b.status) && sameChat(b.citizen.chat, c));
    }
    const docs = await this.model.find({ 'citizen.chat.channel': c.channel, 'citizen.chat.user': c.user, status: { $in: statuses } }).lean<Booking[]>();
    return docs.map(withoutId);
  }

  async listByDay(branch: string, day: string): Promise<Booking[]> {
    const docs = await this.model.find({ branch, day }).lean<Booking[]>();
    return docs.map(withoutId);
  }

  async update(code: string, expect: BookingStatus[], change: (current: Booking) => Partial<Booking> & { push: HistoryEntry<BookingStatus> }): Promise<Booking | null> {
    // Read, check and write under the record's lock: a filtered update is not atomic on FerretDB.
    return this.locks.withLock(`booking:${code}`, async () => {
      const current = await this.findByCode(code);
      if (!current || !expect.includes(current.status)) return null;
      const { push, ...fields } = change(current);
      const set: Record<string, unknown> = {};
      const unset: Record<string, ''> = {};
      for (const [k, v] of Object.entries(fields)) { if (v === undefined) unset[k] = ''; else set[k] = v; }
      const history = [...current.history, push];
      await retryTransient(() => this.model.updateOne({ _id: code }, { $set: { ...set, history }, ...(Object.keys(unset).length ? { $unset: unset } : {}) }));
      const next = { ...current, ...set, history } as Booking;
      for (const k of Object.keys(unset)) delete (next as unknown as Record<string, unknown>)[k];
      await this.index.sync(current, next);
      return next;
    }, 20_000);
  }

  async dueReminders(now: Date, limit: number): Promise<Booking[]> {
    const docs = await this.model.find({ remindAt: { $lte: now }, status: 'booked' }).sort({ remindAt: 1 }).limit(limit).lean<Booking[]>();
    return docs.map(withoutId);
  }

  async insertBlock(block: BookingBlock): Promise<boolean> {
    try {
      await retryTransient(() => this.blocks.create({ _id: block.id, ...block }));
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async addDisplaced(id: string, codes: string[]): Promise<void> {
    // Under the block's lock: two servers running the same block each add what they moved.
    await this.locks.withLock(`booking-block:${id}`, async () => {
      const current = await this.findBlock(id);
      if (current) await this.blocks.updateOne({ _id: id }, { $set: { displaced: [...new Set([...current.displaced, ...codes])] } });
    });
  }

  async findBlock(id: string): Promise<BookingBlock | null> {
    const doc = await this.blocks.findById(id).lean<BookingBlock & { _id?: string }>();
    if (!doc) return null;
    const { _id, ...block } = doc;
    return block;
  }

  async blocksOn(branch: string, day: string): Promise<BookingBlock[]> {
    const docs = await this.blocks.find({ branch, fromDay: { $lte: day }, toDay: { $gte: day } }).sort({ at: 1 }).lean<(BookingBlock & { _id?: string })[]>();
    return docs.map(({ _id, ...block }) => block);
  }

  async deleteBlock(id: string): Promise<void> {
    await this.blocks.deleteOne({ _id: id });
  }

  async releaseAllOf(code: string): Promise<void> {
    await this.places.deleteMany({ code });
  }
}
