import type { Content } from '../../src/content/load.js';
import type { Activity } from '../../scripts/seed-reports.js';

// The dashboard's figures computed from the seeded records in plain code, to check the database's answers against.

const OPEN = new Set(['received', 'in-progress', 'reopened']);

export function middle(xs: number[]): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function count<T>(xs: T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

export interface Window { from: string; to: string; start: Date; end: Date }

export function expectedFigures(a: Activity, w: Window, now: Date, content: Pick<Content, 'services'>, departments?: string[]) {
  const inDept = (d: string) => !departments || departments.includes(d);
  const within = (at: Date) => at >= w.start && at < w.end;
  const complaints = a.complaints.filter((c) => within(c.createdAt) && inDept(c.department));
  const byCategory = count(complaints, (c) => `${c.department}|${c.category}`);
  const sla = new Map<string, { filed: number; finished: number; onTime: number; late: number; openOverdue: number }>();
  const resolveMs: number[] = [];
  let resolved = 0, reopened = 0;
  for (const c of complaints) {
    const s = sla.get(c.department) ?? { filed: 0, finished: 0, onTime: 0, late: 0, openOverdue: 0 };
    sla.set(c.department, s);
    s.filed++;
    const done = c.history.find((h) => h.status === 'resolved' || h.status === 'closed');
    if (done) { s.finished++; if (done.at <= c.deadline) s.onTime++; else s.late++; resolveMs.push(done.at.getTime() - c.createdAt.getTime()); }
    else if (OPEN.has(c.status) && c.deadline < now) s.openOverdue++;
    if (c.history.some((h) => h.status === 'resolved')) { resolved++; if (c.history.some((h) => h.status === 'reopened' && h.by === 'citizen')) reopened++; }
  }
  const backlog = count(a.complaints.filter((c) => inDept(c.department) && OPEN.has(c.status) && c.deadline < now), (c) => c.department);
  const services = departments && content.services.filter((s) => departments.includes(s.department)).map((s) => s.id);
  const applications = a.applications.filter((x) => within(x.createdAt) && (!services || services.includes(x.service)));
  const byService = count(applications, (x) => x.service);

  const days = a.conversationDays.filter((d) => d.day >= w.from && d.day <= w.to);
  const conversationsByDay = count(days, (d) => `${d.day}|${d.channel}`);
  const conversations = new Set(days.map((d) => d.conversation)).size;
  const handoffs = a.handoffs.filter((h) => within(h.queuedAt));
  const withHandoff = new Set(handoffs.map((h) => h.conversation)).size;
  const takeMs = handoffs.filter((h) => h.takenAt).map((h) => h.takenAt!.getTime() - h.queuedAt.getTime());
  // Each seeded conversation has at most one handoff, so its first staff line is the handoff's first reply.
  const firstMs = handoffs.flatMap((h) => {
    const lines = a.messages.filter((m) => m.from === 'staff' && m.conversation === h.conversation && m.at >= h.queuedAt).map((m) => m.at.getTime());
    return lines.length ? [Math.min(...lines) - h.queuedAt.getTime()] : [];
  });
  const csat = { channel: new Map<string, { n: number; sum: number; good: number }>(), department: new Map<string, { n: number; sum: number; good: number }>(), staff: new Map<string, { n: number; sum: number; good: number }>() };
  for (const r of a.ratings.filter((x) => x.day >= w.from && x.day <= w.to && (!departments || (x.department && departments.includes(x.department))))) {
    for (const by of ['channel', 'department', 'staff'] as const) {
      const key = r[by] ?? '';
      const c = csat[by].get(key) ?? { n: 0, sum: 0, good: 0 };
      c.n++; c.sum += r.score; if (r.score >= 4) c.good++;
      csat[by].set(key, c);
    }
  }
  return {
    csat,
    byCategory, sla, backlog, resolved, reopened, medianResolveMs: middle(resolveMs), byService, filed: complaints.length, applications: applications.length,
    conversationsByDay, conversations, withHandoff, handoffs: handoffs.length, reasons: count(handoffs, (h) => h.reason),
    medianTakeMs: middle(takeMs), medianFirstMs: middle(firstMs),
  };
}
