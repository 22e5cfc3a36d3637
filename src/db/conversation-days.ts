import type { Connection } from 'mongoose';
import type { TranscriptEntry, TranscriptStore } from '../domain/transcript.js';
import { dayOf } from '../domain/report-period.js';
import { ChatKey } from '../shared/chat.js';
import { isDuplicateKey } from './duplicate-key.js';
import { K } from '../domain/report-counters.js';
import type { MongoReportCounters } from './report-counters.js';

// One record per conversation per day the citizen wrote, so "conversations by channel per day" is one $group over
// small records instead of a scan of every message. Written once by a unique _id (no update races on FerretDB).

export interface ConversationDay { _id: string; day: string; channel: string; conversation: string }

export const CONVERSATION_DAYS = 'conversation_days';
const REMEMBERED = 20_000;

export class MongoConversationDays {
  // Keys this process already wrote: most turns are not a conversation's first of the day and cost no write.
  private readonly written = new Set<string>();

  constructor(private readonly connection: Connection, private readonly timeZone: string, private readonly counters?: MongoReportCounters) {}

  private get collection() {
    return this.connection.collection<ConversationDay>(CONVERSATION_DAYS);
  }

  async record(conversation: string, at: Date): Promise<void> {
    const chat = ChatKey.parse(conversation);
    if (!chat) return;
    const day = dayOf(at, this.timeZone);
    const _id = `${day}|${conversation}`;
    if (this.written.has(_id)) return;
    try {
      await this.collection.insertOne({ _id, day, channel: chat.channel, conversation });
      await this.counters?.add([{ day, key: K.conversations(chat.channel), n: 1 }]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    if (this.written.size >= REMEMBERED) this.written.clear();
    this.written.add(_id);
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
      if (citizen) await days.record(citizen.conversation, citizen.at).catch(() => log('reports: a conversation day could not be counted'));
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
