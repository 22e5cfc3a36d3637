import type { Connection } from 'mongoose';
import type { TranscriptEntry, TranscriptStore } from '../domain/transcript.js';
import { dayOf } from '../domain/report-period.js';
import { ChatKey } from '../shared/chat.js';
import { K } from '../domain/report-counters.js';
import type { MongoReportCounters } from './report-counters.js';
import { retryTransient } from './transient.js';

// One record per conversation per day the citizen wrote, so "conversations by channel per day" is one $group over
// small records instead of a scan of every message. Written once by a unique _id (no update races on FerretDB).

export interface ConversationDay { _id: string; day: string; channel: string; conversation: string }

export const CONVERSATION_DAYS = 'conversation_days';
const REMEMBERED = 20_000;

/** How long a conversation's first line of the day waits to be noted with others. */
const WRITE_BEHIND_MS = 2000;

export class MongoConversationDays {
  // Keys this process already wrote: most turns are not a conversation's first of the day and cost no write.
  private readonly written = new Set<string>();
  private pending = new Map<string, ConversationDay>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(private readonly connection: Connection, private readonly timeZone: string, private readonly counters?: MongoReportCounters,
    private readonly log: (line: string) => void = () => undefined) {}

  private get collection() {
    return this.connection.collection<ConversationDay>(CONVERSATION_DAYS);
  }

  /**
   * Notes that `conversation` spoke on the day of `at`. Queued, not awaited: the days of chats that spoke within
   * WRITE_BEHIND_MS are inserted together (one command instead of one per new chat on the reply's path). A crash
   * loses at most those notes; `npm run counters:rebuild` recounts from the transcripts.
   */
  record(conversation: string, at: Date): void {
    const chat = ChatKey.parse(conversation);
    if (!chat) return;
    const day = dayOf(at, this.timeZone);
    const _id = `${day}|${conversation}`;
    if (this.written.has(_id)) return;
    if (this.written.size >= REMEMBERED) this.written.clear();
    this.written.add(_id);
    this.pending.set(_id, { _id, day, channel: chat.channel, conversation });
    this.timer ??= setTimeout(() => { this.timer = undefined; this.writing ??= this.write(); }, WRITE_BEHIND_MS);
    this.timer.unref();
  }

  /** Resolves when every day noted so far is written and counted. */
  async settled(): Promise<void> {
    while (this.timer || this.writing || this.pending.size) {
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
      this.writing ??= this.write();
      await this.writing;
    }
  }

  private async write(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      const fresh = await this.insertNew(batch);
      await this.counters?.add(fresh.map((d) => ({ day: d.day, key: K.conversations(d.channel), n: 1 })));
    } catch (err) {
      this.log(`reports: ${batch.length} conversation days could not be counted (${err instanceof Error ? err.message : String(err)}); run npm run counters:rebuild`);
    } finally {
      this.writing = undefined;
    }
  }

  /** Inserts the batch; those another server (or an earlier process) already noted are left out of the count. */
  private async insertNew(batch: ConversationDay[]): Promise<ConversationDay[]> {
    if (!batch.length) return [];
    try {
      await retryTransient(() => this.collection.insertMany(batch, { ordered: false }));
      return batch;
    } catch (err) {
      // Unordered: every document was tried; the ones refused are listed by index, duplicates with code 11000.
      const errors = (err as { writeErrors?: unknown }).writeErrors;
      const list = (Array.isArray(errors) ? errors : errors ? [errors] : []) as { index?: number; code?: number }[];
      if (!list.length || list.some((e) => e.code !== 11000 || typeof e.index !== 'number')) throw err;
      const refused = new Set(list.map((e) => e.index));
      return batch.filter((_, i) => !refused.has(i));
    }
  }
}

/**
 * The kernel's transcript store, also noting the day of every citizen line. A note that cannot be written costs a
 * count, never the turn: the lines themselves are already stored.
 */
export function countingConversations(store: TranscriptStore, days: MongoConversationDays, log: (line: string) => void = () => undefined,
  more?: { counters: MongoReportCounters; timeZone: string; staffLine?: (conversation: string, at: Date) => Promise<void> }): TranscriptStore {
  return {
    async append(entries: TranscriptEntry[]) {
      await store.append(entries);
      const citizen = entries.find((e) => e.from === 'citizen');
      if (citizen) days.record(citizen.conversation, citizen.at);
      if (!more) return;
      const questions = entries.filter(isServiceQuestion).map((e) => ({ day: dayOf(e.at, more.timeZone), key: K.questions(e.service!, ChatKey.parse(e.conversation)?.channel ?? 'unknown'), n: 1 }));
      await more.counters.add(questions);
      const staff = entries.find((e) => e.from === 'staff');
      if (staff && more.staffLine) await more.staffLine(staff.conversation, staff.at).catch(() => log('reports: a first staff reply could not be counted'));
    },
    list: (conversation, limit) => store.list(conversation, limit),
    redact: (conversation, since, text) => store.redact(conversation, since, text),
    markConfidential: (conversation, since) => store.markConfidential(conversation, since),
  };
}

/** A citizen's question about one service, as the assistant understood it (what "questions by service" counts). */
export function isServiceQuestion(e: Pick<TranscriptEntry, 'from' | 'intent' | 'service'>): boolean {
  return e.from === 'citizen' && e.intent === 'service-info' && !!e.service;
}
