import type { Content } from '../../src/content/load.js';
import type { Activity, SeededHistory } from '../../scripts/seed-reports.js';
import { dayOf, daysBetween } from '../../src/domain/report-period.js';

// The dashboard's figures computed from the seeded records in plain code, to check the database's answers against.
// Durations are compared as the dashboard keeps them: in tenths of an hour (a minute for handoffs), two
// significant digits from 10 up.

const OPEN = new Set(['received', 'in-progress', 'reopened']);
const DONE = new Set(['resolved', 'closed']);
const FINISHED_APP = new Set(['approved', 'delivered', 'rejected']);

export function middle(xs: number[]): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** A duration rounded down as the counters bucket it (written out again here, not imported). */
export function rounded(ms: number, tenth: number): number {
  const b = Math.floor(ms / tenth);
  const digits = String(b).length;
  const step = digits > 2 ? 10 ** (digits - 2) : 1;
  return Math.floor(b / step) * step * tenth;
}

function count<T>(xs: T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

export interface Window { from: string; to: string; start: Date; end: Date }

type Complaint = Activity['complaints'][number];
const REASSIGNED = /^reassigned from (\S+) to (\S+?)(?::|$)/;

/** Status and department of a complaint at the end of `day` (undefined before it was filed). */
export function complaintOn(c: Complaint, day: string, tz: string): { open: boolean; department: string } | undefined {
  if (dayOf(c.createdAt, tz) > day) return undefined;
  let status = 'received';
  let department = c.department;
  const reassigns = c.history.map((h) => REASSIGNED.exec(h.note ?? '')).filter(Boolean) as RegExpExecArray[];
  if (reassigns.length) department = reassigns[0]![1]!;
  for (const h of c.history.slice(1)) {
    if (dayOf(h.at, tz) > day) break;
    if (h.status) status = h.status;
    const m = REASSIGNED.exec(h.note ?? '');
    if (m && !h.status) department = m[2]!;
  }
  return { open: OPEN.has(status), department };
}

export function expectedFigures(a: Activity, w: Window, now: Date, content: Pick<Content, 'services'>, departments?: string[], tz = 'Africa/Tripoli') {
  const inDept = (d: string) => !departments || departments.includes(d);
  const inPeriod = (at: Date) => { const d = dayOf(at, tz); return d >= w.from && d <= w.to; };
  const today = dayOf(now, tz);
  const complaints = a.complaints.filter((c) => inPeriod(c.createdAt) && inDept(c.department));
  const byCategory = count(complaints, (c) => `${c.department}|${c.category}`);
  const sla = new Map<string, { filed: number; finished: number; onTime: number; late: number; openOverdue: number }>();
  const slaOf = (d: string) => { const s = sla.get(d) ?? { filed: 0, finished: 0, onTime: 0, late: 0, openOverdue: 0 }; sla.set(d, s); return s; };
  for (const c of complaints) slaOf(c.department).filed++;
  const resolveMs: number[] = [];
  let resolved = 0, reopened = 0;
  for (const c of a.complaints.filter((x) => inDept(x.department))) {
    const done = c.history.find((h) => h.status && DONE.has(h.status));
    if (done && inPeriod(done.at)) {
      const s = slaOf(c.department);
      s.finished++;
      if (done.at <= c.deadline) s.onTime++; else s.late++;
      resolveMs.push(rounded(done.at.getTime() - c.createdAt.getTime(), 360_000));
    }
    resolved += c.history.filter((h: SeededHistory) => h.status === 'resolved' && inPeriod(h.at)).length;
    reopened += c.history.filter((h: SeededHistory) => h.status === 'reopened' && h.by === 'citizen' && inPeriod(h.at)).length;
  }
  const overdueOn = (day: string) => {
    const m = new Map<string, number>();
    for (const c of a.complaints) {
      const s = complaintOn(c, day, tz);
      if (s?.open && dayOf(c.deadline, tz) < day && inDept(s.department)) m.set(s.department, (m.get(s.department) ?? 0) + 1);
    }
    return m;
  };
  for (const [d, n] of overdueOn(w.to)) slaOf(d).openOverdue = n;
  const backlog = overdueOn(today);
  const backlogByDay = new Map<string, number>();
  for (const day of daysBetween(w.from, w.to)) for (const [d, n] of overdueOn(day)) backlogByDay.set(`${day}|${d}`, n);

  const services = departments && content.services.filter((s) => departments.includes(s.department)).map((s) => s.id);
  const applications = a.applications.filter((x) => inPeriod(x.createdAt) && (!services || services.includes(x.service)));
  const byService = count(applications, (x) => x.service);
  const appFinished = a.applications.filter((x) => (!services || services.includes(x.service))).map((x) => x.history.find((h) => h.status && FINISHED_APP.has(h.status))).filter((h) => h && inPeriod(h.at)).length;

  const days = a.conversationDays.filter((d) => d.day >= w.from && d.day <= w.to);
  const conversationsByDay = count(days, (d) => `${d.day}|${d.channel}`);
  const handoffs = a.handoffs.filter((h) => inPeriod(h.queuedAt));
  const withHandoff = new Set(handoffs.map((h) => `${dayOf(h.queuedAt, tz)}|${h.conversation}`)).size;
  const takeMs = a.handoffs.filter((h) => h.takenAt && inPeriod(h.takenAt)).map((h) => rounded(h.takenAt!.getTime() - h.queuedAt.getTime(), 6_000));
  // Each seeded conversation has at most one handoff, so its first staff line is the handoff's first reply.
  const firstMs = a.handoffs.flatMap((h) => {
    const lines = a.messages.filter((m) => m.from === 'staff' && m.conversation === h.conversation && m.at >= h.queuedAt).map((m) => m.at.getTime());
    if (!lines.length) return [];
    const first = Math.min(...lines);
    return inPeriod(new Date(first)) ? [rounded(first - h.queuedAt.getTime(), 6_000)] : [];
  });
  const questions = count(a.messages.filter((m) => m.from === 'citizen' && m.intent === 'service-info' && m.service && inPeriod(m.at) && (!services || services.includes(m.service))),
    (m) => `${dayOf(m.at, tz)}|${m.service}`);
  const csat = { channel: new Map<string, { n: number; sum: number; good: number }>(), department: new Map<string, { n: number; sum: number; good: number }>(), staff: new Map<string, { n: number; sum: number; good: number }>(), day: new Map<string, { n: number; sum: number; good: number }>() };
  for (const r of a.ratings.filter((x) => x.day >= w.from && x.day <= w.to && (!departments || (x.department && departments.includes(x.department))))) {
    for (const by of ['channel', 'department', 'staff', 'day'] as const) {
      const key = r[by] ?? '';
      const c = csat[by].get(key) ?? { n: 0, sum: 0, good: 0 };
      c.n++; c.sum += r.score; if (r.score >= 4) c.good++;
      csat[by].set(key, c);
    }
  }
  return {
    csat, questions, backlogByDay, appFinished,
    byCategory, sla, backlog, resolved, reopened, medianResolveMs: middle(resolveMs), byService, filed: complaints.length, applications: applications.length,
    conversationsByDay, conversations: days.length, withHandoff, handoffs: handoffs.length, reasons: count(handoffs, (h) => h.reason),
    medianTakeMs: middle(takeMs), medianFirstMs: middle(firstMs),
  };
}
