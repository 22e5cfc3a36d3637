import type { Connection } from 'mongoose';
import type { Application } from '../domain/applications.js';
import type { Complaint, ComplaintChange } from '../domain/complaints.js';
import type { Handoff, HandoffChange, HandoffStatus, NewHandoff, StaffNote } from '../domain/handoff.js';
import { applicationDeltas, bucketOf, complaintDeltas, K, MINUTE_TENTHS } from '../domain/report-counters.js';
import { dayOf } from '../domain/report-period.js';
import type { SatisfactionAnswer, SatisfactionComment } from '../domain/satisfaction.js';
import type { ApplicationStatus, Chat, ComplaintStatus } from '../shared/statuses.js';
import { MongoApplicationStore } from './applications.js';
import { MongoComplaintStore } from './complaints.js';
import { MongoHandoffStore } from './handoffs.js';
import type { DayComment, MongoReportCounters } from './report-counters.js';
import { MongoSatisfactionStore } from './satisfaction.js';

// The stores as the application uses them: each change that was written is followed by its counter deltas
// (domain/report-counters.ts). The deltas come from the record as written, so they are the rebuild's too.

export interface Counting { counters: MongoReportCounters; timeZone: string }

export class CountedComplaintStore extends MongoComplaintStore {
  constructor(connection: Connection, private readonly counting: Counting) { super(connection); }

  override async insert(complaint: Complaint): Promise<'inserted' | 'duplicate-key' | 'duplicate-code'> {
    const result = await super.insert(complaint);
    if (result === 'inserted') await this.counting.counters.add(complaintDeltas(complaint, this.counting.timeZone));
    return result;
  }

  override async update(code: string, expect: { statuses?: ComplaintStatus[]; source?: Chat }, change: ComplaintChange): Promise<Complaint | null> {
    const changed = await super.update(code, expect, change);
    if (changed) await this.counting.counters.add(complaintDeltas(changed, this.counting.timeZone, changed.history.length - 1));
    return changed;
  }
}

export class CountedApplicationStore extends MongoApplicationStore {
  constructor(connection: Connection, private readonly counting: Counting) { super(connection); }

  override async insert(application: Application): Promise<'inserted' | 'duplicate-code'> {
    const result = await super.insert(application);
    if (result === 'inserted') await this.counting.counters.add(applicationDeltas(application, this.counting.timeZone));
    return result;
  }

  override async update(code: string, expectStatus: ApplicationStatus, change: Parameters<MongoApplicationStore['update']>[2]): Promise<Application | null> {
    const changed = await super.update(code, expectStatus, change);
    if (changed) await this.counting.counters.add(applicationDeltas(changed, this.counting.timeZone, changed.history.length - 1));
    return changed;
  }
}

/** The conversation-day a handoff belongs to, claimed once so a second handoff that day does not count it again. */
export const handoffDayClaim = (day: string, conversation: string) => `hc|${day}|${conversation}`;
export const takeClaim = (id: string) => `ht|${id}`;
export const firstReplyClaim = (id: string) => `hf|${id}`;

export class CountedHandoffStore extends MongoHandoffStore {
  constructor(connection: Connection, private readonly counting: Counting) { super(connection); }

  override async open(h: NewHandoff): Promise<{ handoff: Handoff; created: boolean }> {
    const opened = await super.open(h);
    if (opened.created) {
      const { counters, timeZone } = this.counting;
      const day = dayOf(opened.handoff.queuedAt, timeZone);
      const deltas = [{ day, key: K.handoffs(opened.handoff.reason), n: 1 }];
      if (await counters.claim(handoffDayClaim(day, opened.handoff.conversation)).catch(() => false)) deltas.push({ day, key: K.handoffDays(), n: 1 });
      await counters.add(deltas);
    }
    return opened;
  }

  override async update(id: string, expect: { statuses: HandoffStatus[]; heldBy?: string }, change: HandoffChange & { updatedAt: Date }, note?: StaffNote): Promise<Handoff | null> {
    const changed = await super.update(id, expect, change, note);
    // The first take counts; a later transfer to a colleague sets takenAt again but is not a take.
    if (changed?.takenAt && change.takenAt && await this.counting.counters.claim(takeClaim(id)).catch(() => false)) {
      await this.counting.counters.add([{ day: dayOf(changed.takenAt, this.counting.timeZone), key: K.takeTime(bucketOf(changed.takenAt.getTime() - changed.queuedAt.getTime(), MINUTE_TENTHS)), n: 1 }]);
    }
    return changed;
  }

  /** A staff line in a conversation: the first one after its handoff was queued is the first staff reply. */
  async staffLine(conversation: string, at: Date): Promise<void> {
    const h = await this.findOpen(conversation);
    if (!h || h.queuedAt.getTime() > at.getTime()) return;
    if (!(await this.counting.counters.claim(firstReplyClaim(h.id)))) return;
    await this.counting.counters.add([{ day: dayOf(at, this.counting.timeZone), key: K.firstReply(bucketOf(at.getTime() - new Date(h.queuedAt).getTime(), MINUTE_TENTHS)), n: 1 }]);
  }
}

/** A comment as the day's document keeps it for the dashboard (no token: it would answer for the citizen). */
export function commentShown(c: SatisfactionComment): DayComment {
  return { at: c.at, kind: c.kind, channel: c.channel, department: c.department ?? '', staff: c.staff ?? '', score: c.score ?? null, text: c.text, confidential: c.confidential };
}

export function ratingDelta(a: Pick<SatisfactionAnswer, 'kind' | 'channel' | 'department' | 'staff' | 'score' | 'day'>) {
  return { day: a.day, key: K.rating(a.kind, a.channel, a.department ?? '', a.staff ?? '', a.score), n: 1 };
}

export class CountedSatisfactionStore extends MongoSatisfactionStore {
  constructor(connection: Connection, private readonly counting: Counting) { super(connection); }

  override async answer(a: SatisfactionAnswer): Promise<'stored' | 'already'> {
    const result = await super.answer(a);
    if (result === 'stored') await this.counting.counters.add([ratingDelta(a)]);
    return result;
  }

  override async comment(c: SatisfactionComment): Promise<'stored' | 'already'> {
    const result = await super.comment(c);
    if (result === 'stored') await this.counting.counters.addComment(c.day, commentShown(c));
    return result;
  }
}
