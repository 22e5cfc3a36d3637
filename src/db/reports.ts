import type { Connection } from 'mongoose';
import { HOUR_TENTHS, medianOfBuckets, MINUTE_TENTHS, monthOf } from '../domain/report-counters.js';
import { dayOf, daysBetween, type Period } from '../domain/report-period.js';
import type { ReportScope } from '../domain/reports.js';
import { MongoReportCounters, type Counts } from './report-counters.js';

// The dashboard's figures, read from the maintained counters (db/report-counters.ts): the day documents of the
// period, and for the overdue backlog (a running sum) the month documents since counting began. A 90-day period
// is a few hundred lookups by _id whatever the number of records.

import type { ApplicationFigures, AssistantFigures, ComplaintFigures, CsatRow, DepartmentSla, RatingComment, ReportSource } from '../domain/report-figures.js';

export type { ApplicationFigures, AssistantFigures, ComplaintFigures, DepartmentSla } from '../domain/report-figures.js';

interface Loaded {
  /** The period's days in order, each day's counts. */
  days: [string, Counts][];
  /** Running sums (backlog keys) at the end of the day before the period, and at the end of today. */
  before: Counts;
  today: Counts;
}

const add = (into: Counts, key: string, n: number) => into.set(key, (into.get(key) ?? 0) + n);
const parts = (key: string) => key.split('|');

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) out.push(m);
  return out;
}
function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

export class MongoReports implements ReportSource {
  private readonly counters: MongoReportCounters;
  // The dashboard asks for every figure at once: concurrent calls for the same period share one read.
  private readonly loading = new Map<string, Promise<Loaded>>();

  private readonly settle: () => Promise<void>;

  /** `writer`: this process's counters, so the dashboard first waits for the counts it still has queued. */
  constructor(connection: Connection, private readonly now: () => Date = () => new Date(), writer?: { counters: MongoReportCounters; settled(): Promise<void> }) {
    this.counters = writer?.counters ?? new MongoReportCounters(connection);
    this.settle = writer ? () => writer.settled() : () => this.counters.settled();
  }

  private load(p: Period): Promise<Loaded> {
    const today = dayOf(this.now(), p.timeZone);
    const key = `${p.from}|${p.to}|${today}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.read(p, today).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async read(p: Period, today: string): Promise<Loaded> {
    await this.settle();
    const first = await this.counters.firstDay() ?? p.from;
    const days = daysBetween(p.from, p.to);
    // A running sum at the end of `day`: whole months before its month, then its month's days up to it.
    const levelParts = (day: string) => ({
      months: first.slice(0, 7) < monthOf(day) ? monthsBetween(monthOf(first), monthOf(day)).slice(0, -1) : [],
      days: daysBetween(`${monthOf(day)}-01`, day),
    });
    const dayBefore = new Date(Date.parse(`${p.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const lb = levelParts(dayBefore), lt = levelParts(today < p.to ? p.to : today);
    // Nothing was counted before the first day: those documents are not looked up.
    const counted = (id: string) => id.slice(2) >= (id.startsWith('m|') ? monthOf(first) : first);
    const ids = [...new Set([...days.map((d) => `d|${d}`), ...lb.months.map((m) => `m|${m}`), ...lb.days.map((d) => `d|${d}`),
      ...lt.months.map((m) => `m|${m}`), ...lt.days.map((d) => `d|${d}`)])].filter(counted);
    const docs = await this.counters.read(ids);
    const level = (l: { months: string[]; days: string[] }, upTo: string) => {
      const sum: Counts = new Map();
      for (const id of [...l.months.map((m) => `m|${m}`), ...l.days.filter((d) => d <= upTo).map((d) => `d|${d}`)]) {
        for (const [k, n] of docs.get(id) ?? []) if (k.startsWith('cb|') || k.startsWith('ab|')) add(sum, k, n);
      }
      return sum;
    };
    return { days: days.map((d) => [d, docs.get(`d|${d}`) ?? new Map()]), before: level(lb, dayBefore), today: level(lt, today) };
  }

  /** Conversations per day and channel (a conversation counts once a day, on the days the citizen wrote). */
  async conversationsByDay(p: Period): Promise<{ day: string; channel: string; n: number }[]> {
    const { days } = await this.load(p);
    const rows: { day: string; channel: string; n: number }[] = [];
    for (const [day, c] of days) for (const [k, n] of c) if (k.startsWith('v|') && n) rows.push({ day, channel: parts(k)[1]!, n });
    return rows.sort((a, b) => a.day.localeCompare(b.day) || a.channel.localeCompare(b.channel));
  }

  /** Service questions per day and service. */
  async questionsByDay(scope: ReportScope): Promise<{ day: string; service: string; n: number }[]> {
    const { days } = await this.load(scope.period);
    const rows: { day: string; service: string; n: number }[] = [];
    for (const [day, c] of days) {
      const perService: Counts = new Map();
      for (const [k, n] of c) if (k.startsWith('q|') && (!scope.services || scope.services.includes(parts(k)[1]!))) add(perService, parts(k)[1]!, n);
      for (const [service, n] of perService) if (n) rows.push({ day, service, n });
    }
    return rows.sort((a, b) => a.day.localeCompare(b.day) || a.service.localeCompare(b.service));
  }

  async complaints(scope: ReportScope, _now: Date): Promise<ComplaintFigures> {
    const { days, before, today } = await this.load(scope.period);
    const mine = (dept: string) => !scope.departments || scope.departments.includes(dept);
    const byCategory = new Map<string, { department: string; category: string; n: number }>();
    const sla = new Map<string, DepartmentSla>();
    const slaOf = (department: string) => {
      const d = sla.get(department) ?? { department, filed: 0, finished: 0, onTime: 0, late: 0, openOverdue: 0 };
      sla.set(department, d);
      return d;
    };
    const buckets = new Map<number, number>();
    let resolved = 0, reopened = 0;
    const running: Counts = new Map([...before].filter(([k]) => k.startsWith('cb|')));
    const backlogByDay: { day: string; department: string; n: number }[] = [];
    for (const [day, c] of days) {
      for (const [k, n] of c) {
        const [fig, dept = '', x] = parts(k);
        if (!mine(dept)) continue;
        if (fig === 'cf') {
          const row = byCategory.get(`${dept}|${x}`) ?? { department: dept, category: x!, n: 0 };
          row.n += n;
          byCategory.set(`${dept}|${x}`, row);
          slaOf(dept).filed += n;
        } else if (fig === 'cd') {
          const s = slaOf(dept);
          s.finished += n;
          if (x === 'on') s.onTime += n; else s.late += n;
        } else if (fig === 'ct') buckets.set(Number(x), (buckets.get(Number(x)) ?? 0) + n);
        else if (fig === 'cs') resolved += n;
        else if (fig === 'co') reopened += n;
        else if (fig === 'cb') add(running, k, n);
      }
      for (const [k, n] of running) if (mine(parts(k)[1]!)) backlogByDay.push({ day, department: parts(k)[1]!, n });
    }
    for (const [k, n] of running) if (mine(parts(k)[1]!) && (n || sla.has(parts(k)[1]!))) slaOf(parts(k)[1]!).openOverdue = n;
    const median = medianOfBuckets(buckets);
    return {
      byCategory: [...byCategory.values()].filter((r) => r.n).sort((a, b) => b.n - a.n || a.category.localeCompare(b.category)),
      sla: [...sla.values()].filter((s) => s.filed || s.finished || s.openOverdue).sort((a, b) => a.department.localeCompare(b.department)),
      backlog: [...today].filter(([k, n]) => k.startsWith('cb|') && n && mine(parts(k)[1]!)).map(([k, n]) => ({ department: parts(k)[1]!, n })).sort((a, b) => a.department.localeCompare(b.department)),
      backlogByDay,
      medianResolveMs: median === undefined ? undefined : median * HOUR_TENTHS,
      resolved, reopened,
    };
  }

  /** `departmentOf` maps a service to its department (content). */
  async applications(scope: ReportScope, departmentOf: (service: string) => string, _now: Date): Promise<ApplicationFigures> {
    const { days, before } = await this.load(scope.period);
    const mine = (svc: string) => !scope.services || scope.services.includes(svc);
    const byService = new Map<string, number>();
    const sla = new Map<string, ApplicationFigures['sla'][number]>();
    const slaOf = (service: string) => {
      const department = departmentOf(service);
      const d = sla.get(department) ?? { department, filed: 0, finished: 0, onTime: 0, late: 0, openOverdue: 0 };
      sla.set(department, d);
      return d;
    };
    const running: Counts = new Map([...before].filter(([k]) => k.startsWith('ab|')));
    for (const [, c] of days) {
      for (const [k, n] of c) {
        const [fig, svc = '', x] = parts(k);
        if (!mine(svc)) continue;
        if (fig === 'af') { byService.set(svc, (byService.get(svc) ?? 0) + n); slaOf(svc).filed += n; }
        else if (fig === 'ad') { const s = slaOf(svc); s.finished += n; if (x === 'on') s.onTime += n; else s.late += n; }
        else if (fig === 'ab') add(running, k, n);
      }
    }
    for (const [k, n] of running) if (mine(parts(k)[1]!) && n) slaOf(parts(k)[1]!).openOverdue += n;
    return {
      byService: [...byService].filter(([, n]) => n).map(([service, n]) => ({ service, n })).sort((a, b) => b.n - a.n || a.service.localeCompare(b.service)),
      sla: [...sla.values()].sort((a, b) => a.department.localeCompare(b.department)),
    };
  }

  private async ratings(scope: ReportScope): Promise<{ day: string; kind: string; channel: string; department: string; staff: string; score: number; n: number }[]> {
    const { days } = await this.load(scope.period);
    const out = [];
    for (const [day, c] of days) {
      for (const [k, n] of c) {
        if (!k.startsWith('s|') || !n) continue;
        const [, kind = '', channel = '', department = '', staff = '', score = '0'] = parts(k);
        if (scope.departments && !scope.departments.includes(department)) continue;
        out.push({ day, kind, channel, department, staff, score: Number(score), n });
      }
    }
    return out;
  }

  /** Citizens' ratings of the period (by the day they answered), per channel, department or staff member. */
  async csat(by: 'channel' | 'department' | 'staff', scope: ReportScope): Promise<CsatRow[]> {
    return csatRows(await this.ratings(scope), (r) => r[by]);
  }

  async comments(scope: ReportScope, limit: number): Promise<RatingComment[]> {
    const all = await this.counters.comments(daysBetween(scope.period.from, scope.period.to));
    return all.filter((c) => !scope.departments || scope.departments.includes(c.department))
      .sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime()).slice(0, limit);
  }

  /** Ratings per day of the period. */
  async csatByDay(scope: ReportScope): Promise<CsatRow[]> {
    return csatRows(await this.ratings(scope), (r) => r.day);
  }

  async assistant(p: Period): Promise<AssistantFigures> {
    const { days } = await this.load(p);
    let conversations = 0, withHandoff = 0;
    const reasons = new Map<string, number>(), take = new Map<number, number>(), first = new Map<number, number>();
    for (const [, c] of days) {
      for (const [k, n] of c) {
        const [fig, x] = parts(k);
        if (fig === 'v') conversations += n;
        else if (fig === 'hc') withHandoff += n;
        else if (fig === 'hq') reasons.set(x!, (reasons.get(x!) ?? 0) + n);
        else if (fig === 'ht') take.set(Number(x), (take.get(Number(x)) ?? 0) + n);
        else if (fig === 'hf') first.set(Number(x), (first.get(Number(x)) ?? 0) + n);
      }
    }
    const ms = (b?: number) => (b === undefined ? undefined : b * MINUTE_TENTHS);
    const byReason = [...reasons].filter(([, n]) => n).map(([reason, n]) => ({ reason, n })).sort((a, b) => b.n - a.n || a.reason.localeCompare(b.reason));
    return { conversations, withHandoff, handoffs: byReason.reduce((s, r) => s + r.n, 0), byReason, medianTakeMs: ms(medianOfBuckets(take)), medianFirstResponseMs: ms(medianOfBuckets(first)) };
  }
}

function csatRows<R extends { score: number; n: number }>(rows: R[], key: (r: R) => string): CsatRow[] {
  const out = new Map<string, CsatRow & { sum: number }>();
  for (const r of rows) {
    const k = key(r);
    const row = out.get(k) ?? { key: k, answers: 0, average: 0, satisfied: 0, sum: 0 };
    row.answers += r.n;
    row.sum += r.n * r.score;
    if (r.score >= 4) row.satisfied += r.n;
    out.set(k, row);
  }
  return [...out.values()].map(({ sum, ...r }) => ({ ...r, average: Math.round((sum / r.answers) * 100) / 100 })).sort((a, b) => a.key.localeCompare(b.key));
}
