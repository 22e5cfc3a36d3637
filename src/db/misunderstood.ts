import type { Connection } from 'mongoose';
import { teachable } from '../domain/confidentiality.js';
import type { Period } from '../domain/report-period.js';
import { isDuplicateKey } from './duplicate-key.js';

// What the assistant did not understand: citizen lines that fell to the fallback (low confidence or out of scope),
// counted per text by the database, then folded by their normalised spelling ("وين ادفع الفاتورة؟" and "وين ادفع
// الفاتوره" are one). Confidential and anonymous lines never come out of here (domain/confidentiality.ts).

/** Below this the assistant answered with a guess or fell back (the kernel falls back below 0.18). */
export const LOW_CONFIDENCE = 0.35;
const TEXTS = 3000;
export const LABELS = 'teaching_labels';

import { similarKey, type Label, type MisunderstoodGroup, type MisunderstoodSource } from '../domain/report-figures.js';

type LabelStore = MisunderstoodSource['labels'];

export { similarKey, type Label, type MisunderstoodGroup } from '../domain/report-figures.js';


function misunderstoodMatch(p: Period, low: number) {
  return {
    from: 'citizen', at: { $gte: p.start, $lt: p.end }, confidential: { $ne: true }, confidence: { $exists: true },
    $or: [{ confidence: { $lt: low } }, { intent: 'out-of-scope' }],
  };
}

export async function misunderstood(connection: Connection, p: Period, o: { limit: number; low?: number; shown: (conversation: string) => string }): Promise<MisunderstoodGroup[]> {
  const match = misunderstoodMatch(p, o.low ?? LOW_CONFIDENCE);
  const rows = await connection.collection('messages').aggregate<{ _id: { text: string; intent: string }; n: number }>([
    { $match: match }, { $group: { _id: { text: '$text', intent: '$intent' }, n: { $sum: 1 } } }, { $sort: { n: -1 } }, { $limit: TEXTS },
  ], { allowDiskUse: true }).toArray();
  const groups = new Map<string, { count: number; texts: Map<string, number>; guesses: Map<string, number> }>();
  for (const r of rows) {
    // Counted lines matched teachable()'s rules in the database (no confidential line, none without understanding).
    if (!r._id.text || typeof r._id.intent !== 'string') continue;
    const key = similarKey(r._id.text);
    if (!key) continue;
    const g = groups.get(key) ?? { count: 0, texts: new Map(), guesses: new Map() };
    g.count += r.n;
    g.texts.set(r._id.text, (g.texts.get(r._id.text) ?? 0) + r.n);
    g.guesses.set(r._id.intent, (g.guesses.get(r._id.intent) ?? 0) + r.n);
    groups.set(key, g);
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const list = [...groups].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0])).slice(0, o.limit)
    .map(([key, g]): MisunderstoodGroup => ({ key, count: g.count, texts: top(g.texts).slice(0, 5), guess: top(g.guesses)[0]! }));
  // One sample line per group, read in one query for the shown groups' texts.
  const wanted = new Map(list.flatMap((g) => g.texts.map((t) => [t, g] as const)));
  if (wanted.size) {
    const lines = connection.collection('messages').find({ ...match, text: { $in: [...wanted.keys()] } }, { projection: { _id: 0, from: 1, text: 1, conversation: 1, at: 1, intent: 1, confidence: 1, confidential: 1 }, limit: 2000 });
    for await (const line of lines) {
      const g = wanted.get(line.text);
      if (!g || !teachable(line as never)) continue;
      if (!g.sample || line.at > g.sample.at) g.sample = { conversation: o.shown(line.conversation), at: line.at };
    }
  }
  return list;
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
