import type { Connection } from 'mongoose';
import { applicationDeltas, bucketOf, complaintDeltas, K, MINUTE_TENTHS, type Delta } from '../domain/report-counters.js';
import { dayOf } from '../domain/report-period.js';
import { ChatKey } from '../shared/chat.js';
import { commentShown, firstReplyClaim, handoffDayClaim, ratingDelta, takeClaim } from './counted-stores.js';
import { CONVERSATION_DAYS, isServiceQuestion } from './conversation-days.js';
import { MongoReportCounters, sumsOf } from './report-counters.js';
import { ANSWERS, COMMENTS } from './satisfaction.js';
import type { DayComment } from './report-counters.js';

// The counters recounted from the records (`npm run counters:rebuild`): every record's deltas, summed in memory
// and written in place of the old counters. The records are read as cursors of the fields the deltas need.
// Run it with the servers stopped (or quiet): a change made while it runs may be counted twice or not at all.

const BATCH = 1000;

export async function rebuildCounters(connection: Connection, timeZone: string): Promise<{ documents: number; records: number }> {
  const deltas: Delta[] = [];
  const claims = new Set<string>();
  let records = 0;
  const col = (name: string) => connection.collection(name);
  const each = async (name: string, filter: Record<string, unknown>, projection: Record<string, 1 | 0>, use: (doc: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    for await (const doc of col(name).find(filter, { projection, batchSize: BATCH })) { records++; use(doc); }
  };

  await each('complaints', {}, { _id: 0, code: 1, category: 1, department: 1, createdAt: 1, deadline: 1, history: 1 }, (c) => deltas.push(...complaintDeltas(c, timeZone)));
  await each('applications', {}, { _id: 0, code: 1, service: 1, createdAt: 1, expectedBy: 1, history: 1 }, (a) => deltas.push(...applicationDeltas(a, timeZone)));
  await each(CONVERSATION_DAYS, {}, { _id: 0, day: 1, channel: 1 }, (d) => deltas.push({ day: d.day, key: K.conversations(d.channel), n: 1 }));
  await each(ANSWERS, {}, { _id: 0, kind: 1, channel: 1, department: 1, staff: 1, score: 1, day: 1 }, (a) => deltas.push(ratingDelta(a)));

  // Handoffs, then the staff lines that answered them: the first staff line after a handoff was queued (and
  // before the conversation's next handoff) is its first reply.
  const handoffs = new Map<string, { id: string; queuedAt: number; first?: number }[]>();
  await each('handoffs', {}, { _id: 1, conversation: 1, reason: 1, queuedAt: 1, takenAt: 1 }, (h) => {
    const id = String(h._id), queued = new Date(h.queuedAt), day = dayOf(queued, timeZone);
    deltas.push({ day, key: K.handoffs(h.reason), n: 1 });
    const dayClaim = handoffDayClaim(day, h.conversation);
    if (!claims.has(dayClaim)) { claims.add(dayClaim); deltas.push({ day, key: K.handoffDays(), n: 1 }); }
    if (h.takenAt) {
      claims.add(takeClaim(id));
      deltas.push({ day: dayOf(new Date(h.takenAt), timeZone), key: K.takeTime(bucketOf(new Date(h.takenAt).getTime() - queued.getTime(), MINUTE_TENTHS)), n: 1 });
    }
    const list = handoffs.get(h.conversation) ?? [];
    list.push({ id, queuedAt: queued.getTime() });
    handoffs.set(h.conversation, list);
  });
  for (const list of handoffs.values()) list.sort((a, b) => a.queuedAt - b.queuedAt);
  await each('messages', { from: { $in: ['staff', 'citizen'] } }, { _id: 0, conversation: 1, from: 1, at: 1, intent: 1, service: 1 }, (m) => {
    const at = new Date(m.at);
    if (m.from === 'citizen') {
      if (isServiceQuestion(m)) deltas.push({ day: dayOf(at, timeZone), key: K.questions(m.service, ChatKey.parse(m.conversation)?.channel ?? 'unknown'), n: 1 });
      return;
    }
    let answered: { id: string; queuedAt: number; first?: number } | undefined;
    for (const h of handoffs.get(m.conversation) ?? []) if (h.queuedAt <= at.getTime()) answered = h;
    if (answered && (answered.first === undefined || at.getTime() < answered.first)) answered.first = at.getTime();
  });
  for (const list of handoffs.values()) {
    for (const h of list) {
      if (h.first === undefined) continue;
      claims.add(firstReplyClaim(h.id));
      deltas.push({ day: dayOf(new Date(h.first), timeZone), key: K.firstReply(bucketOf(h.first - h.queuedAt, MINUTE_TENTHS)), n: 1 });
    }
  }

  const comments = new Map<string, DayComment[]>();
  await each(COMMENTS, {}, {}, (c) => { const list = comments.get(c.day) ?? []; list.push(commentShown({ ...c, token: '' })); comments.set(c.day, list); });
  for (const list of comments.values()) list.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  const docs = sumsOf(deltas);
  const first = deltas.reduce<string | undefined>((m, d) => (m === undefined || d.day < m ? d.day : m), undefined);
  await new MongoReportCounters(connection).replace(docs, first, [...claims], comments);
  return { documents: docs.size, records };
}
