import { retryTransient } from './transient.js';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { TranscriptEntry, TranscriptStore } from '../domain/transcript.js';
import { GroupCommit } from './group-commit.js';
import { MisunderstoodDays } from './misunderstood.js';

const schema = new Schema<TranscriptEntry>({
  conversation: { type: String, required: true },
  from: { type: String, required: true, enum: ['citizen', 'bot', 'staff', 'note', 'system'] },
  text: { type: String, default: '' },
  at: { type: Date, required: true },
  staff: String,
  intent: String,
  confidence: Number,
  service: String,
  attachments: [Schema.Types.Mixed],
  confidential: Boolean,
  tapped: String,
}, { versionKey: false, collection: 'messages' });
schema.index({ conversation: 1, at: 1 });

type Line = TranscriptEntry & { _id: Types.ObjectId };

/** True when every write error is a line stored already (by a batch that failed after storing it). */
function onlyDuplicates(err: unknown): boolean {
  const e = err as { code?: unknown; writeErrors?: Array<{ code?: unknown; err?: { code?: unknown } }> };
  if (e?.code === 11000 && !e.writeErrors?.length) return true;
  return !!e?.writeErrors?.length && e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000);
}

export class MongoTranscriptStore implements TranscriptStore {
  private readonly model: Model<TranscriptEntry>;
  // Lines of turns finishing at the same moment go to the database in one insert; each turn waits for its own.
  private readonly lines: GroupCommit<Line[]>;
  /** The lines the assistant missed, by day, for the "not understood" page (misunderstood.ts). */
  private readonly missed: MisunderstoodDays;

  constructor(connection: Connection) {
    this.model = connection.models.Message ?? connection.model<TranscriptEntry>('Message', schema);
    this.missed = new MisunderstoodDays(connection);
    const insert = async (docs: Line[]) => {
      try {
        await this.model.insertMany(docs, { ordered: false, lean: true });
      } catch (err) {
        if (!onlyDuplicates(err)) throw err;
      }
    };
    this.lines = new GroupCommit((groups) => insert(groups.flat()), (docs) => retryTransient(() => insert(docs)));
  }

  async append(entries: TranscriptEntry[]): Promise<void> {
    // Ids are given here so a line retried after a failed batch is recognised rather than stored twice.
    if (entries.length) await this.lines.write(entries.map((e) => ({ ...e, _id: new Types.ObjectId() })));
    // Only a teaching aid: a missed line that could not be noted costs the page a line, never the turn.
    await this.missed.add(entries).catch(() => undefined);
  }

  async redact(conversation: string, since: Date, text: string): Promise<void> {
    await this.model.updateMany({ conversation, at: { $gte: since } }, { $set: { text }, $unset: { attachments: 1, intent: 1, confidence: 1, tapped: 1 } });
    await this.missed.forget(conversation, since);
  }

  async markConfidential(conversation: string, since: Date): Promise<void> {
    await this.model.updateMany({ conversation, at: { $gte: since } }, { $set: { confidential: true } });
    await this.missed.forget(conversation, since);
  }

  async list(conversation: string, limit = 500): Promise<TranscriptEntry[]> {
    const docs = await this.model.find({ conversation }).sort({ at: -1, _id: -1 }).limit(limit).lean();
    return docs.reverse().map(({ _id, ...rest }) => ({ ...rest, id: String(_id) }));
  }
}
