import type { Connection, mongo } from 'mongoose';
import { teachable } from '../domain/confidentiality.js';
import type { Period } from '../domain/report-period.js';
import type { TranscriptEntry } from '../domain/transcript.js';
import { isDuplicateKey, putById } from './duplicate-key.js';
import { RecordLocks } from './record-lock.js';
import { retryTransient } from './transient.js';

// What the assistant did not understand: citizen lines that fell to the fallback (low confidence or out of scope),
// counted per text, then folded by their normalised spelling ("وين ادفع الفاتورة؟" and "وين ادفع الفاتوره" are
// one). Confidential and anonymous lines never come out of here (domain/confidentiality.ts).
//
// The lines are kept apart as they are stored, one document per UTC day read by _id (MisunderstoodDays): the
// messages collection holds every line of every conversation, and FerretDB 1.24 on SQLite reads all of it for
// any filter but an _id (5 s for the page at 10,000 conversations). A line later marked confidential or redacted
// (an anonymous filing) is taken out of its day's document.

/** Below this the assistant answered with a guess or fell back (the kernel falls back below 0.18). */
export const LOW_CONFIDENCE = 0.35;
export const LABELS = 'teaching_labels';

import { similarKey, type Label, type MisunderstoodGroup, type MisunderstoodSource } from '../domain/report-figures.js';

type LabelStore = MisunderstoodSource['labels'];

export { similarKey, type Label, type MisunderstoodGroup } from '../domain/report-figures.js';


function misunderstoodMatch(p: { start: Date; end: Date }, low: number) {
  return {
    from: 'citizen', at: { $gte: p.start, $lt: p.end }, confidential: { $ne: true }, confidence: { $exists: true },
    $or: [{ confidence: { $lt: low } }, { intent: 'out-of-scope' }],
  };
}

/** One missed line as its day's document keeps it. */
interface DayLine { t: string; i: string; f: number; c: string; at: Date }
interface DayDoc { _id: string; lines: DayLine[] }
/** The chats with missed lines on a day (`who|day|…`). */
interface WhoDoc { _id: string; convs: string[] }
const whoId = (dayId: string) => `who|${dayId}`;
const MISSED = 'misunderstood_days';
const MARKER = 'meta|built';
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** Whether a stored line is one the page lists (at the stored threshold; a page may ask for a lower one). */
export function isMissed(e: Pick<TranscriptEntry, 'from' | 'confidential' | 'intent' | 'confidence' | 'text'>): boolean {
  return teachable(e) && !!e.text && (e.confidence! < LOW_CONFIDENCE || e.intent === 'out-of-scope');
}

/**
 * The missed lines by day. Lines arriving while a write is under way are gathered and written together, one lock
 * per day's document (every fallback of every citizen lands in today's).
 */
export class MisunderstoodDays {
  private readonly docs: mongo.Collection<DayDoc>;
  private readonly who: mongo.Collection<WhoDoc>;
  private readonly locks: RecordLocks;
  private readonly pending = new Map<string, DayLine[]>();
  private waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly connection: Connection) {
    this.docs = connection.collection(MISSED);
    this.who = connection.collection(MISSED);
    this.locks = new RecordLocks(connection);
  }

  /** Keeps the missed ones among stored lines; resolves once they are written. */
  async add(entries: TranscriptEntry[]): Promise<void> {
    const missed = entries.filter(isMissed);
    if (!missed.length) return;
    for (const e of missed) {
      const id = `day|${utcDay(e.at)}`;
      this.pending.set(id, [...(this.pending.get(id) ?? []), { t: e.text, i: e.intent!, f: e.confidence!, c: e.conversation, at: e.at }]);
    }
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.size || this.waiting.length) {
      const batch = [...this.pending];
      this.pending.clear();
      const done = this.waiting;
      this.waiting = [];
      try {
        await Promise.all(batch.map(([id, lines]) => this.locks.withLock(`missed:${id}`, async () => {
          await retryTransient(() => this.docs.updateOne({ _id: id }, { $push: { lines: { $each: lines } } }, { upsert: true }));
          await retryTransient(() => this.who.updateOne({ _id: whoId(id) }, { $addToSet: { convs: { $each: [...new Set(lines.map((l) => l.c))] } } }, { upsert: true }));
        }, 20_000)));
        for (const w of done) w.resolve();
      } catch (err) {
        for (const w of done) w.reject(err);
      }
    }
    this.draining = undefined;
  }

  /** Takes a conversation's lines since `since` out (marked confidential, or redacted as an anonymous filing). */
  async forget(conversation: string, since: Date): Promise<void> {
    await this.draining;
    const last = utcDay(new Date());
    for (let day = utcDay(since); day <= last; day = utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000))) {
      const id = `day|${day}`;
      // Most chats have no missed line that day: the small list of the day's chats says so without a lock (this
      // runs on every turn of a confidential complaint). A day written before the list existed is read in full.
      const listed = await this.who.findOne({ _id: whoId(id) });
      if (listed ? !listed.convs.includes(conversation) : !(await this.docs.findOne({ _id: id }, { projection: { _id: 1 } }))) continue;
      await this.locks.withLock(`missed:${id}`, async () => {
        const doc = await this.docs.findOne({ _id: id });
        if (!doc) return;
        const lines = doc.lines.filter((l) => !(l.c === conversation && l.at >= since));
        if (lines.length !== doc.lines.length) await putById(this.docs as never, id, { lines });
        if (listed && !lines.some((l) => l.c === conversation)) {
          await retryTransient(() => this.who.updateOne({ _id: whoId(id) }, { $pull: { convs: conversation } }));
        }
      }, 20_000);
    }
  }

  /** The missed lines of a period, from its days' documents (built once from the messages on an older database). */
  async lines(p: { start: Date; end: Date }): Promise<DayLine[]> {
    await this.ensureBuilt();
    const ids: string[] = [];
    for (let t = Date.parse(`${utcDay(p.start)}T00:00:00Z`); t < p.end.getTime(); t += 86_400_000) ids.push(`day|${utcDay(new Date(t))}`);
    const docs = await Promise.all(ids.map((id) => this.docs.findOne({ _id: id })));
    return docs.flatMap((d) => d?.lines ?? []).filter((l) => l.at >= p.start && l.at < p.end);
  }

  private built: Promise<void> | undefined;
  private ensureBuilt(): Promise<void> {
    this.built ??= (async () => {
      if (await this.docs.findOne({ _id: MARKER })) return;
      await this.rebuild();
      await putById(this.docs as never, MARKER, { lines: [] });
    })().catch((err: unknown) => { this.built = undefined; throw err; });
    return this.built;
  }

  /** Writes every day's document again from the messages (one full read: a first start, a bulk load, a repair). */
  async rebuild(): Promise<number> {
    const byDay = new Map<string, DayLine[]>();
    const found = this.connection.collection('messages').find(misunderstoodMatch({ start: new Date(0), end: new Date(8.64e15) }, LOW_CONFIDENCE),
      { projection: { _id: 0, from: 1, text: 1, conversation: 1, at: 1, intent: 1, confidence: 1, confidential: 1 } });
    let n = 0;
    for await (const line of found) {
      if (!isMissed(line as never)) continue;
      const id = `day|${utcDay(line.at)}`;
      byDay.set(id, [...(byDay.get(id) ?? []), { t: line.text, i: line.intent, f: line.confidence, c: line.conversation, at: line.at }]);
      n++;
    }
    const old = await this.docs.find({ _id: { $regex: /^day\|/ } as never }, { projection: { _id: 1 } }).toArray();
    for (const { _id } of old) {
      if (!byDay.has(_id)) await this.locks.withLock(`missed:${_id}`, async () => { await retryTransient(() => this.docs.deleteOne({ _id })); await retryTransient(() => this.who.deleteOne({ _id: whoId(_id) })); }, 20_000);
    }
    for (const [id, lines] of byDay) {
      await this.locks.withLock(`missed:${id}`, async () => {
        await putById(this.docs as never, id, { lines });
        await putById(this.who as never, whoId(id), { convs: [...new Set(lines.map((l) => l.c))] });
      }, 20_000);
    }
    return n;
  }
}

export async function misunderstood(connection: Connection, p: Period, o: { limit: number; low?: number; shown: (conversation: string) => string; days?: MisunderstoodDays }): Promise<MisunderstoodGroup[]> {
  const low = Math.min(o.low ?? LOW_CONFIDENCE, LOW_CONFIDENCE);
  const lines = (await (o.days ?? new MisunderstoodDays(connection)).lines(p)).filter((l) => l.f < low || l.i === 'out-of-scope');
  type Group = { count: number; texts: Map<string, number>; guesses: Map<string, number>; sample?: { c: string; at: Date } };
  const groups = new Map<string, Group>();
  for (const l of lines) {
    const key = similarKey(l.t);
    if (!key) continue;
    const g: Group = groups.get(key) ?? { count: 0, texts: new Map(), guesses: new Map() };
    g.count++;
    g.texts.set(l.t, (g.texts.get(l.t) ?? 0) + 1);
    g.guesses.set(l.i, (g.guesses.get(l.i) ?? 0) + 1);
    if (!g.sample || l.at > g.sample.at) g.sample = { c: l.c, at: l.at };
    groups.set(key, g);
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  return [...groups].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0])).slice(0, o.limit)
    .map(([key, g]): MisunderstoodGroup => ({ key, count: g.count, texts: top(g.texts).slice(0, 5), guess: top(g.guesses)[0]!,
      ...(g.sample ? { sample: { conversation: o.shown(g.sample.c), at: g.sample.at } } : {}) }));
}

export class MongoLabels implements LabelStore {
  constructor(private readonly connection: Connection) {}

  private get collection() { return this.connection.collection<Omit<Label, 'key'> & { _id: string }>(LABELS); }

  /** A label per text: labelling again replaces it (the last maintainer's word counts). */
  async save(label: Label): Promise<void> {
    const { key, ...rest } = label;
    try {
      await this.collection.insertOne({ _id: key, ...rest });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.collection.replaceOne({ _id: key }, rest);
    }
  }

  async list(limit = 5000): Promise<Label[]> {
    const docs = await this.collection.find({}).sort({ at: 1 }).limit(limit).toArray();
    return docs.map(({ _id, ...rest }) => ({ key: _id, ...rest }));
  }
}
