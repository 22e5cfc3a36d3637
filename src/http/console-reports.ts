import express, { type Router } from 'express';
import { z } from 'zod';
import type { Content } from '../content/load.js';
import type { ReportSource } from '../domain/report-figures.js';
import { dayOf, weekOf } from '../domain/report-period.js';
import { byWeek, reportScope, share, toCsv, type ReportScope, type Table } from '../domain/reports.js';
import type { Actor, Role, StaffStore } from '../domain/staff.js';
import { commentsFor } from '../domain/satisfaction.js';
import type { Lang } from '../text/language.js';
import type { AuditLog } from '../domain/audit.js';
import { Refusal, refuse, SENT, staffRoutes } from './staff-route.js';

// The supervisors' dashboard: every figure as a table (the page draws charts from them) and as a CSV file.
// Department staff get their own department's figures; the scope is decided on the server (domain/reports.ts).

export interface ReportsDeps {
  staff: StaffStore;
  reports: ReportSource;
  content: Pick<Content, 'departments' | 'services' | 'categories' | 'municipality'>;
  audit: AuditLog;
  now?: () => Date;
}

const Day = z.string().max(10);
const Query = z.object({
  from: Day.optional(), to: Day.optional(), branch: z.string().max(60).optional(), department: z.string().max(60).optional(),
  lang: z.enum(['ar', 'en']).optional(), every: z.enum(['day', 'week']).optional(),
});

export const FIGURES = ['summary', 'conversations', 'complaints-by-category', 'complaint-sla', 'complaint-backlog', 'complaint-backlog-by-day', 'questions-by-service', 'applications-by-service', 'application-sla', 'handoff-reasons', 'csat-by-channel', 'csat-by-department', 'csat-by-agent', 'csat-by-day', 'csat-comments'] as const;
export type Figure = (typeof FIGURES)[number];

const HOUR = 3_600_000, MINUTE = 60_000;
const round1 = (v: number | undefined, unit: number) => (v === undefined ? null : Math.round((v / unit) * 10) / 10);

/** The last day of each week of a level (the backlog), per department. */
function lastOfWeek(rows: { day: string; department: string; n: number }[]): { week: string; department: string; n: number }[] {
  const last = new Map<string, { week: string; department: string; n: number; day: string }>();
  for (const r of rows) {
    const week = weekOf(r.day), k = `${week}|${r.department}`;
    const seen = last.get(k);
    if (!seen || seen.day < r.day) last.set(k, { week, department: r.department, n: r.n, day: r.day });
  }
  return [...last.values()].map(({ day: _day, ...r }) => r).sort((a, b) => a.week.localeCompare(b.week) || a.department.localeCompare(b.department));
}

export function reportsApi(deps: ReportsDeps): Router {
  const router = express.Router();
  const staffRoute = staffRoutes(deps.staff);
  const now = deps.now ?? (() => new Date());
  const c = deps.content;
  const tz = c.municipality.timezone;
  const nameOf = (list: { id: string; name: Record<Lang, string> }[], id: string, lang: Lang) => list.find((x) => x.id === id)?.name[lang] ?? id;
  const departmentOf = (service: string) => c.services.find((s) => s.id === service)?.department ?? 'unknown';

  /** The period and departments this staff member may see for the query, or the refusal. */
  async function scopeFor(staff: Actor, q: z.infer<typeof Query>): Promise<{ scope: ReportScope; q: z.infer<typeof Query> } | Refusal> {
    const account = await deps.staff.find(staff.username);
    const result = reportScope({ role: staff.role, department: account?.department }, q,
      { departments: c.departments, services: c.services, timeZone: tz }, dayOf(now(), tz));
    if (!result.ok) return refuse(result.status, result.error);
    return { scope: result.scope, q };
  }

  async function tables(scope: ReportScope, lang: Lang, every: 'day' | 'week', role: Role): Promise<Partial<Record<Figure, Table>>> {
    const at = now();
    const [complaints, applications, conversations, assistant, csatChannel, csatDepartment, csatAgent, csatDay, questions, comments] = await Promise.all([
      deps.reports.complaints(scope, at),
      deps.reports.applications(scope, departmentOf, at),
      scope.wholeOrganisation ? deps.reports.conversationsByDay(scope.period) : undefined,
      scope.wholeOrganisation ? deps.reports.assistant(scope.period) : undefined,
      deps.reports.csat('channel', scope), deps.reports.csat('department', scope),
      scope.office ? deps.reports.csat('staff', scope) : undefined,
      deps.reports.csatByDay(scope), deps.reports.questionsByDay(scope), deps.reports.comments(scope, 200),
    ]);
    const dept = (id: string) => nameOf(c.departments, id, lang);
    const slaTable = (rows: typeof complaints.sla): Table => ({
      columns: ['department', 'department_name', 'filed', 'finished', 'on_time', 'late', 'open_overdue', 'on_time_pct'],
      counts: ['filed', 'finished', 'on_time', 'late', 'open_overdue'],
      rows: rows.map((r) => [r.department, dept(r.department), r.filed, r.finished, r.onTime, r.late, r.openOverdue, share(r.onTime, r.finished)]),
    });
    const sum = (rows: { filed: number; finished: number; onTime: number }[]) => rows.reduce((s, r) => ({ filed: s.filed + r.filed, finished: s.finished + r.finished, onTime: s.onTime + r.onTime }), { filed: 0, finished: 0, onTime: 0 });
    const cs = sum(complaints.sla), as = sum(applications.sla);
    const summary: [string, number | null][] = [
      ['complaints_filed', cs.filed], ['complaints_finished', cs.finished], ['complaints_on_time_pct', share(cs.onTime, cs.finished)],
      ['complaints_median_hours_to_resolve', round1(complaints.medianResolveMs, HOUR)],
      ['complaints_resolved', complaints.resolved], ['complaints_reopened', complaints.reopened], ['reopen_rate_pct', share(complaints.reopened, complaints.resolved)],
      ['complaints_overdue_now', complaints.backlog.reduce((s, r) => s + r.n, 0)],
      ['service_questions', questions.reduce((s, r) => s + r.n, 0)],
      ['applications_filed', as.filed], ['applications_on_time_pct', share(as.onTime, as.finished)],
    ];
    if (assistant) {
      summary.push(
        ['conversations', assistant.conversations], ['conversations_with_handoff', assistant.withHandoff],
        ['containment_pct', share(assistant.conversations - assistant.withHandoff, assistant.conversations)],
        ['handoff_rate_pct', share(assistant.withHandoff, assistant.conversations)], ['handoffs', assistant.handoffs],
        ['median_minutes_to_take', round1(assistant.medianTakeMs, MINUTE)], ['median_minutes_to_first_staff_reply', round1(assistant.medianFirstResponseMs, MINUTE)],
      );
    }
    const out: Partial<Record<Figure, Table>> = {
      summary: { columns: ['metric', 'value'], counts: [], rows: summary },
      'complaints-by-category': {
        columns: ['department', 'department_name', 'category', 'category_name', 'complaints'], counts: ['complaints'],
        rows: complaints.byCategory.map((r) => [r.department, dept(r.department), r.category, nameOf(c.categories, r.category, lang), r.n]),
      },
      'complaint-sla': slaTable(complaints.sla),
      'complaint-backlog': { columns: ['department', 'department_name', 'overdue_open'], counts: ['overdue_open'], rows: complaints.backlog.map((r) => [r.department, dept(r.department), r.n]) },
      'complaint-backlog-by-day': every === 'week'
        // A backlog is a level, not a sum: a week shows its last day's.
        ? { columns: ['week', 'department', 'department_name', 'overdue_open'], counts: ['overdue_open'],
          rows: lastOfWeek(complaints.backlogByDay).map((r) => [r.week, r.department, dept(r.department), r.n]) }
        : { columns: ['day', 'department', 'department_name', 'overdue_open'], counts: ['overdue_open'], rows: complaints.backlogByDay.map((r) => [r.day, r.department, dept(r.department), r.n]) },
      'questions-by-service': every === 'week'
        ? { columns: ['week', 'service', 'service_name', 'questions'], counts: ['questions'], rows: byWeek(questions, (r) => r.service).map((r) => [r.week, r.key, nameOf(c.services, r.key, lang), r.n]) }
        : { columns: ['day', 'service', 'service_name', 'questions'], counts: ['questions'], rows: questions.map((r) => [r.day, r.service, nameOf(c.services, r.service, lang), r.n]) },
      'applications-by-service': {
        columns: ['service', 'service_name', 'department', 'applications'], counts: ['applications'],
        rows: applications.byService.map((r) => [r.service, nameOf(c.services, r.service, lang), departmentOf(r.service), r.n]),
      },
      'application-sla': slaTable(applications.sla),
    };
    if (conversations) {
      out.conversations = every === 'week'
        ? { columns: ['week', 'channel', 'conversations'], counts: ['conversations'], rows: byWeek(conversations, (r) => r.channel).map((r) => [r.week, r.key, r.n]) }
        : { columns: ['day', 'channel', 'conversations'], counts: ['conversations'], rows: conversations.map((r) => [r.day, r.channel, r.n]) };
    }
    const csat = (key: string, rows: { key: string; answers: number; average: number; satisfied: number }[], name: (k: string) => string): Table => ({
      columns: [key, `${key}_name`, 'answers', 'average', 'satisfied_pct'], counts: ['answers'],
      rows: rows.map((r) => [r.key, name(r.key), r.answers, r.average, share(r.satisfied, r.answers)]),
    });
    out['csat-by-channel'] = csat('channel', csatChannel, (k) => k);
    out['csat-by-department'] = csat('department', csatDepartment, (k) => (k ? dept(k) : ''));
    out['csat-by-day'] = { columns: ['day', 'answers', 'average', 'satisfied_pct'], counts: ['answers'], rows: csatDay.map((r) => [r.key, r.answers, r.average, share(r.satisfied, r.answers)]) };
    // A comment on a confidential complaint is read by the citizen office only (domain/confidentiality.ts).
    out['csat-comments'] = { columns: ['at', 'kind', 'channel', 'department', 'department_name', 'staff', 'score', 'comment', 'hidden'], counts: [],
      rows: commentsFor(role, comments).map((m) => [new Date(m.at).toISOString(), m.kind, m.channel, m.department, m.department ? dept(m.department) : '', scope.office ? m.staff : '', m.score, m.text, m.hidden ? 1 : 0]) };
    if (csatAgent) out['csat-by-agent'] = csat('staff', csatAgent, (k) => k);
    if (assistant) out['handoff-reasons'] = { columns: ['reason', 'handoffs'], counts: ['handoffs'], rows: assistant.byReason.map((r) => [r.reason, r.n]) };
    return out;
  }

  const Name = z.object({ ar: z.string(), en: z.string() });
  const TableView = z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))) });
  const Dashboard = z.object({
    from: z.string(), to: z.string(), departments: z.array(z.string()).nullable(), wholeOrganisation: z.boolean(), every: z.enum(['day', 'week']),
    choices: z.object({ branches: z.array(z.object({ id: z.string(), name: Name })), departments: z.array(z.object({ id: z.string(), name: Name, branch: z.string().optional() })) }),
    tables: z.record(z.string(), TableView),
  });
  router.get('/reports/dashboard', ...staffRoute('agent', { query: Query, invalid: 'query-invalid', output: Dashboard }, async ({ staff, query }) => {
    const s = await scopeFor(staff, query);
    if (s instanceof Refusal) return s;
    const { period, departments, wholeOrganisation } = s.scope;
    const choices = { branches: c.municipality.branches.map((b) => ({ id: b.id, name: b.name })), departments: c.departments.map((d) => ({ id: d.id, name: d.name, branch: d.branch })) };
    return { from: period.from, to: period.to, departments: departments ?? null, wholeOrganisation, choices,
      every: s.q.every ?? 'day', tables: await tables(s.scope, s.q.lang ?? 'ar', s.q.every ?? 'day', staff.role) };
  }));

  router.get('/reports/:figure.csv', ...staffRoute('agent', { params: z.strictObject({ figure: z.string() }), query: Query, invalid: 'query-invalid' }, async ({ staff, params, query, req, res }) => {
    const figure = params.figure as Figure;
    if (!FIGURES.includes(figure)) return refuse(404, 'no-such-figure', { figures: FIGURES });
    const s = await scopeFor(staff, query);
    if (s instanceof Refusal) return s;
    const table = (await tables(s.scope, s.q.lang ?? 'ar', s.q.every ?? 'day', staff.role))[figure];
    if (!table) return refuse(403, 'figure-for-the-citizen-office', { requestId: req.requestId });
    await deps.audit.record({ who: staff.username, what: 'report-exported', target: figure, detail: `${s.scope.period.from}..${s.scope.period.to}` });
    res.type('text/csv; charset=utf-8').attachment(`nafidha-${figure}-${s.scope.period.from}-${s.scope.period.to}.csv`).send(toCsv(table));
    return SENT;
  }));

  return router;
}
