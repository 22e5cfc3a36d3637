import type { Connection } from 'mongoose';
import { dayOf, median, type Period } from '../domain/report-period.js';
import type { ReportScope } from '../domain/reports.js';
import { CONVERSATION_DAYS } from './conversation-days.js';
import { csatBy } from './satisfaction.js';

// The dashboard's figures, computed by the database. Counts are $match + $group pipelines (what MongoDB 7 and
// FerretDB 1.24 both run). FerretDB 1.24 has no date arithmetic, $cond or $min in pipelines, so figures made of
// durations (time to resolve, to take, to first reply) read a cursor of the few fields they need and keep only the
// numbers: never whole records, never all records at once.

const OPEN_COMPLAINT = ['received', 'in-progress', 'reopened'];
const OPEN_APPLICATION = ['received', 'in-review', 'needs-documents'];
const FINISHED_APPLICATION = ['approved', 'delivered', 'rejected'];
const BATCH = 1000;

interface Group<K> { _id: K; n: number }
interface HistoryLine { at: Date; by?: string; status?: string }

import type { ApplicationFigures, AssistantFigures, ComplaintFigures, CsatRow, DepartmentSla, ReportSource } from '../domain/report-figures.js';

export type { ApplicationFigures, AssistantFigures, ComplaintFigures, DepartmentSla } from '../domain/report-figures.js';

export class MongoReports implements ReportSource {
  constructor(private readonly connection: Connection) {}

  private col(name: string) {
    return this.connection.collection(name);
  }

  private async group<K>(collection: string, match: Record<string, unknown>, key: unknown): Promise<Group<K>[]> {
    return this.col(collection).aggregate<Group<K>>([{ $match: match }, { $group: { _id: key, n: { $sum: 1 } } }], { allowDiskUse: true }).toArray();
  }

  /** Distinct values of a field among the matching records, counted by the database. */
  private async distinct(collection: string, match: Record<string, unknown>, field: string): Promise<number> {
    const [row] = await this.col(collection).aggregate<{ n: number }>([{ $match: match }, { $group: { _id: `$${field}` } }, { $count: 'n' }], { allowDiskUse: true }).toArray();
    return row?.n ?? 0;
  }

  /** Conversations per day and channel (a conversation counts once a day, on the days the citizen wrote). */
  async conversationsByDay(p: Period): Promise<{ day: string; channel: string; n: number }[]> {
    const rows = await this.group<{ day: string; channel: string }>(CONVERSATION_DAYS, { day: { $gte: p.from, $lte: p.to } }, { day: '$day', channel: '$channel' });
    return rows.map((r) => ({ day: r._id.day, channel: r._id.channel, n: r.n })).sort((a, b) => a.day.localeCompare(b.day) || a.channel.localeCompare(b.channel));
  }

  async complaints(scope: ReportScope, now: Date): Promise<ComplaintFigures> {
    const p = scope.period;
    const match: Record<string, unknown> = { createdAt: { $gte: p.start, $lt: p.end } };
    const inScope = scope.departments ? { department: { $in: scope.departments } } : {};
    Object.assign(match, inScope);
    const [byCategory, backlog] = await Promise.all([
      this.group<{ department: string; category: string }>('complaints', match, { department: '$department', category: '$category' }),
      this.group<string>('complaints', { ...inScope, status: { $in: OPEN_COMPLAINT }, deadline: { $lt: now } }, '$department'),
    ]);

    const sla = new Map<string, DepartmentSla>();
    const resolveMs: number[] = [];
    let resolved = 0, reopened = 0;
    const cursor = this.col('complaints').find(match, { projection: { _id: 0, department: 1, deadline: 1, createdAt: 1, status: 1, history: 1 }, batchSize: BATCH });
    for await (const c of cursor) {
      const d = sla.get(c.department) ?? { department: c.department, filed: 0, finished: 0, onTime: 0, late: 0, openOverdue: 0 };
      sla.set(c.department, d);
      d.filed++;
      const history = (c.history ?? []) as HistoryLine[];
      const done = history.find((h) => h.status === 'resolved' || h.status === 'closed');
      if (done) {
        d.finished++;
        if (new Date(done.at).getTime() <= new Date(c.deadline).getTime()) d.onTime++; else d.late++;
        resolveMs.push(new Date(done.at).getTime() - new Date(c.createdAt).getTime());
      } else if (OPEN_COMPLAINT.includes(c.status) && new Date(c.deadline).getTime() < now.getTime()) {
        d.openOverdue++;
      }
      if (history.some((h) => h.status === 'resolved')) {
        resolved++;
        if (history.some((h) => h.status === 'reopened' && h.by === 'citizen')) reopened++;
      }
    }
    return {
      byCategory: byCategory.map((r) => ({ department: r._id.department, category: r._id.category, n: r.n })).sort((a, b) => b.n - a.n || a.category.localeCompare(b.category)),
      sla: [...sla.values()].sort((a, b) => a.department.localeCompare(b.department)),
      backlog: backlog.map((r) => ({ department: r._id, n: r.n })).sort((a, b) => a.department.localeCompare(b.department)),
      medianResolveMs: median(resolveMs),
      resolved, reopened,
    };
  }

  /** `departmentOf` maps a service to its department (content). */
  async applications(scope: ReportScope, departmentOf: (service: string) => string, now: Date): Promise<ApplicationFigures> {
    const p = scope.period;
    const match: Record<string, unknown> = { createdAt: { $gte: p.start, $lt: p.end } };
    if (scope.services) match.service = { $in: scope.services };
    const byService = await this.group<string>('applications', match, '$service');
    const today = dayOf(now, p.timeZone);
    const sla = new Map<string, ApplicationFigures['sla'][number]>();
    const cursor = this.col('applications').find(match, { projection: { _id: 0, service: 1, expectedBy: 1, status: 1, history: 1 }, batchSize: BATCH });
    for await (const a of cursor) {
      const department = departmentOf(a.service);
      const d = sla.get(department) ?? { department, filed: 0, finished: 0, onTime: 0, late: 0, openOverdue: 0 };
      sla.set(department, d);
      d.filed++;
      const done = ((a.history ?? []) as HistoryLine[]).find((h) => !!h.status && FINISHED_APPLICATION.includes(h.status));
      // The promise is a calendar day ("ready by 2026-11-20"): finished on or before it is on time.
      if (done) {
        d.finished++;
        if (dayOf(new Date(done.at), p.timeZone) <= a.expectedBy) d.onTime++; else d.late++;
      } else if (OPEN_APPLICATION.includes(a.status) && a.expectedBy < today) {
        d.openOverdue++;
      }
    }
    return {
      byService: byService.map((r) => ({ service: r._id, n: r.n })).sort((a, b) => b.n - a.n || a.service.localeCompare(b.service)),
      sla: [...sla.values()].sort((a, b) => a.department.localeCompare(b.department)),
    };
  }

  /** Citizens' ratings of the period (by the day they answered), per channel, department or staff member. */
  csat(by: 'channel' | 'department' | 'staff', scope: ReportScope): Promise<CsatRow[]> {
    return csatBy(this.connection, by, scope.period.from, scope.period.to, scope.departments);
  }

  async assistant(p: Period): Promise<AssistantFigures> {
    const queued = { queuedAt: { $gte: p.start, $lt: p.end } };
    const [conversations, withHandoff, byReason] = await Promise.all([
      this.distinct(CONVERSATION_DAYS, { day: { $gte: p.from, $lte: p.to } }, 'conversation'),
      this.distinct('handoffs', queued, 'conversation'),
      this.group<string>('handoffs', queued, '$reason'),
    ]);
    // Handoffs of the period by conversation, to match each staff line to the handoff it answered.
    const takeMs: number[] = [];
    const open = new Map<string, { queuedAt: number; first?: number }[]>();
    for await (const h of this.col('handoffs').find(queued, { projection: { _id: 0, conversation: 1, queuedAt: 1, takenAt: 1 }, batchSize: BATCH })) {
      const q = new Date(h.queuedAt).getTime();
      if (h.takenAt) takeMs.push(new Date(h.takenAt).getTime() - q);
      const list = open.get(h.conversation) ?? [];
      list.push({ queuedAt: q });
      open.set(h.conversation, list);
    }
    for (const list of open.values()) list.sort((a, b) => a.queuedAt - b.queuedAt);
    const staffLines = this.col('messages').find({ from: 'staff', at: { $gte: p.start, $lt: new Date(p.end.getTime() + 7 * 86_400_000) } },
      { projection: { _id: 0, conversation: 1, at: 1 }, batchSize: BATCH });
    for await (const line of staffLines) {
      const list = open.get(line.conversation);
      if (!list) continue;
      const at = new Date(line.at).getTime();
      // The latest handoff queued before this line is the one it answers.
      let handoff: { queuedAt: number; first?: number } | undefined;
      for (const h of list) if (h.queuedAt <= at) handoff = h;
      if (handoff && (handoff.first === undefined || at < handoff.first)) handoff.first = at;
    }
    const firstMs = [...open.values()].flat().filter((h) => h.first !== undefined).map((h) => h.first! - h.queuedAt);
    return {
      conversations, withHandoff, handoffs: byReason.reduce((s, r) => s + r.n, 0),
      byReason: byReason.map((r) => ({ reason: r._id, n: r.n })).sort((a, b) => b.n - a.n || a.reason.localeCompare(b.reason)),
      medianTakeMs: median(takeMs), medianFirstResponseMs: median(firstMs),
    };
  }
}
