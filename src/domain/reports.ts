import type { Department, Service } from '../content/schema.js';
import { daysBetween, isDay, period, weekOf, type Period } from './report-period.js';
import { atLeast, type Role } from './staff.js';

// Who sees which figures, and how figures become tables and CSV files. The figures themselves come from the
// database (db/reports.ts); nothing here reads a record.

/** What a report covers: a period, and the departments (services) it is limited to; undefined means all. */
export interface ReportScope {
  period: Period;
  departments?: string[];
  services?: string[];
  /** Organisation-wide figures (conversations, handoffs, the assistant): the citizen office only. */
  wholeOrganisation: boolean;
  /** The viewer is of the citizen office (supervisor, admin): figures per staff member are theirs only. */
  office: boolean;
}

export interface ReportQuery { from?: string; to?: string; branch?: string; department?: string }
export interface Viewer { role: Role; department?: string }
export interface ReportRules { departments: Department[]; services: Pick<Service, 'id' | 'department'>[]; timeZone: string }

export type ScopeResult = { ok: true; scope: ReportScope } | { ok: false; status: 400 | 403; error: string };

const MAX_DAYS = 366;

/**
 * The scope a viewer may see for what they asked. Supervisors and admins see everything and may narrow it to a
 * branch or a department; other staff see only their own department, and only if they have one.
 */
export function reportScope(viewer: Viewer, q: ReportQuery, rules: ReportRules, today: string): ScopeResult {
  const to = q.to ?? today;
  const from = q.from ?? daysBetweenBack(to, 29);
  if (!isDay(from) || !isDay(to) || from > to) return { ok: false, status: 400, error: 'period-invalid' };
  if (daysBetween(from, to).length > MAX_DAYS) return { ok: false, status: 400, error: 'period-too-long' };
  if (q.branch && !rules.departments.some((d) => d.branch === q.branch)) return { ok: false, status: 400, error: 'unknown-branch' };
  if (q.department && !rules.departments.some((d) => d.id === q.department)) return { ok: false, status: 400, error: 'unknown-department' };
  const office = atLeast(viewer.role, 'supervisor');
  let departments: string[] | undefined;
  if (office) {
    if (q.branch || q.department) {
      departments = rules.departments.filter((d) => (!q.branch || d.branch === q.branch) && (!q.department || d.id === q.department)).map((d) => d.id);
    }
  } else {
    if (!viewer.department) return { ok: false, status: 403, error: 'department-required' };
    if (q.department && q.department !== viewer.department) return { ok: false, status: 403, error: 'not-your-department' };
    const own = rules.departments.find((d) => d.id === viewer.department);
    departments = own && (!q.branch || own.branch === q.branch) ? [own.id] : [];
  }
  const services = departments && rules.services.filter((s) => departments!.includes(s.department)).map((s) => s.id);
  return { ok: true, scope: { period: period(from, to, rules.timeZone), departments, services, wholeOrganisation: office && !departments, office } };
}

function daysBetweenBack(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

/** Day rows folded into Monday-named weeks. */
export function byWeek<R extends { day: string; n: number }>(rows: R[], key: (r: R) => string): { week: string; key: string; n: number }[] {
  const sums = new Map<string, { week: string; key: string; n: number }>();
  for (const r of rows) {
    const week = weekOf(r.day), k = key(r);
    const s = sums.get(`${week}|${k}`) ?? { week, key: k, n: 0 };
    s.n += r.n;
    sums.set(`${week}|${k}`, s);
  }
  return [...sums.values()].sort((a, b) => a.week.localeCompare(b.week) || a.key.localeCompare(b.key));
}

/** A share in percent with one decimal, or null when there is nothing to divide. */
export function share(part: number, whole: number): number | null {
  return whole ? Math.round((part / whole) * 1000) / 10 : null;
}

export type Cell = string | number | null;
/** A figure as a table: column names and rows; `counts` names the columns that count records (see toCsv). */
export interface Table { columns: string[]; rows: Cell[][]; counts: string[] }

/** A text cell a spreadsheet would run as a formula (=, +, -, @, tab, return) is given a leading apostrophe. */
function csvCell(v: Cell): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The table as a CSV file: UTF-8 with a byte order mark (so Excel reads Arabic), CRLF lines, formulas defused.
 * A count between 1 and 4 is written "<5": small numbers could point at a person.
 */
export function toCsv(t: Table): string {
  const small = new Set(t.counts.map((c) => t.columns.indexOf(c)).filter((i) => i >= 0));
  const lines = [t.columns.map(csvCell).join(',')];
  for (const row of t.rows) lines.push(row.map((v, i) => (small.has(i) && typeof v === 'number' && v > 0 && v < 5 ? '<5' : csvCell(v))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
