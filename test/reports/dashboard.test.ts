import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertActivity, monthOfActivity, type Activity } from '../../scripts/seed-reports.js';
import { rebuildCounters } from '../../src/db/rebuild-counters.js';
import { dayStart, nextDay } from '../../src/domain/report-period.js';
import { toCsv } from '../../src/domain/reports.js';
import { generatePassword, newAccount } from '../../src/domain/staff.js';
import { shippedContent } from '../helpers/assistant.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';
import { expectedFigures, type Window } from './expected.js';

// The dashboard's figures over a seeded month on the real database, checked against counts made here from the
// seeded records; who may see what, over HTTP; and the CSV files.

type Table = { columns: string[]; rows: (string | number | null)[][] };
type Dashboard = { tables: Record<string, Table>; departments: string[] | null; wholeOrganisation: boolean };

const { content } = shippedContent();
const TZ = content.municipality.timezone;
const FROM = '2025-03-01', TO = '2025-03-31';
const window: Window = { from: FROM, to: TO, start: dayStart(FROM, TZ), end: dayStart(nextDay(TO), TZ) };
const Q = `from=${FROM}&to=${TO}`;

let server: TestServer;
let march: Activity;
let all: Activity;
const clients: Record<string, StaffClient> = {};

async function account(username: string, role: 'agent' | 'supervisor' | 'admin', department?: string): Promise<StaffClient> {
  const password = generatePassword();
  await server.console.staff.create(await newAccount(username, role, password, false, department));
  const client = new StaffClient(server.url);
  expect((await client.signIn(username, password)).status).toBe(200);
  return client;
}

const rowsOf = (t: Table, ...cols: string[]) => t.rows.map((r) => cols.map((c) => r[t.columns.indexOf(c)]));
const asMap = (t: Table, keys: string[], value: string) => new Map(t.rows.map((r) => [keys.map((k) => r[t.columns.indexOf(k)]).join('|'), r[t.columns.indexOf(value)]]));
const summary = (d: Dashboard) => new Map(d.tables.summary!.rows.map(([k, v]) => [k, v]));
const pct = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : null);
const hours = (ms?: number) => (ms === undefined ? null : Math.round((ms / 3_600_000) * 10) / 10);
const minutes = (ms?: number) => (ms === undefined ? null : Math.round((ms / 60_000) * 10) / 10);

beforeAll(async () => {
  server = await startTestServer({ dbName: 'reports' });
  march = monthOfActivity(content, { from: FROM, to: TO, conversations: 700, complaints: 500, applications: 160, seed: 11, tag: 'M' });
  // A month before, to show the period is respected.
  const february = monthOfActivity(content, { from: '2025-02-01', to: '2025-02-28', conversations: 150, complaints: 120, applications: 40, seed: 5, tag: 'F' });
  all = { complaints: [...march.complaints, ...february.complaints], applications: [...march.applications, ...february.applications], handoffs: [...march.handoffs, ...february.handoffs],
    messages: [...march.messages, ...february.messages], conversationDays: [...march.conversationDays, ...february.conversationDays], ratings: [...march.ratings, ...february.ratings] };
  await insertActivity(server.db.connection, all);
  // Records written straight to the database, as a migration would: the counters are rebuilt from them.
  await rebuildCounters(server.db.connection, TZ);
  clients.supervisor = await account('noura', 'supervisor');
  clients.admin = await account('root2', 'admin');
  clients.sanitation = await account('khaled', 'agent', 'sanitation');
  clients.plain = await account('amal', 'agent');
});
afterAll(async () => { await server?.close(); });

describe('the dashboard figures', () => {
  it('match counts made from the seeded records, for the whole municipality', async () => {
    const { status, body } = await clients.supervisor!.json<Dashboard>('GET', `/console/api/reports/dashboard?${Q}&lang=en`);
    expect(status).toBe(200);
    const e = expectedFigures(all, window, new Date(), content);
    expect(e.filed).toBe(500);
    const t = body.tables;

    expect(asMap(t['complaints-by-category']!, ['department', 'category'], 'complaints')).toEqual(e.byCategory);
    const sla = new Map(rowsOf(t['complaint-sla']!, 'department', 'filed', 'finished', 'on_time', 'late', 'open_overdue').map(([d, ...n]) => [d, n]));
    expect(sla).toEqual(new Map([...e.sla].map(([d, s]) => [d, [s.filed, s.finished, s.onTime, s.late, s.openOverdue]])));
    expect(asMap(t['complaint-backlog']!, ['department'], 'overdue_open')).toEqual(e.backlog);
    expect(asMap(t['applications-by-service']!, ['service'], 'applications')).toEqual(e.byService);
    expect(asMap(t.conversations!, ['day', 'channel'], 'conversations')).toEqual(e.conversationsByDay);
    expect(asMap(t['handoff-reasons']!, ['reason'], 'handoffs')).toEqual(e.reasons);
    expect(asMap(t['questions-by-service']!, ['day', 'service'], 'questions')).toEqual(e.questions);
    expect(e.questions.size).toBeGreaterThan(20);
    const backlogByDay = new Map([...asMap(t['complaint-backlog-by-day']!, ['day', 'department'], 'overdue_open')].filter(([, n]) => n));
    expect(backlogByDay).toEqual(e.backlogByDay);
    expect(Math.max(...e.backlogByDay.values())).toBeGreaterThan(5);
    const csatDay = new Map(rowsOf(t['csat-by-day']!, 'day', 'answers', 'average', 'satisfied_pct').map(([k, ...v]) => [k, v]));
    expect(csatDay).toEqual(new Map([...e.csat.day].map(([k, r]) => [k, [r.n, Math.round((r.sum / r.n) * 100) / 100, pct(r.good, r.n)]])));

    for (const [figure, key] of [['csat-by-channel', 'channel'], ['csat-by-department', 'department'], ['csat-by-agent', 'staff']] as const) {
      const shown = new Map(rowsOf(t[figure]!, key, 'answers', 'average', 'satisfied_pct').map(([k, ...v]) => [k, v]));
      expect(shown, figure).toEqual(new Map([...e.csat[key]].map(([k, r]) => [k, [r.n, Math.round((r.sum / r.n) * 100) / 100, pct(r.good, r.n)]])));
      expect(shown.size, figure).toBeGreaterThan(0);
    }
    const s = summary(body);
    expect(s.get('complaints_filed')).toBe(500);
    expect(s.get('complaints_resolved')).toBe(e.resolved);
    expect(s.get('complaints_reopened')).toBe(e.reopened);
    expect(e.reopened).toBeGreaterThan(0);
    expect(s.get('reopen_rate_pct')).toBe(pct(e.reopened, e.resolved));
    expect(s.get('complaints_median_hours_to_resolve')).toBe(hours(e.medianResolveMs));
    expect(s.get('applications_filed')).toBe(160);
    expect(s.get('conversations')).toBe(e.conversations);
    expect(s.get('conversations_with_handoff')).toBe(e.withHandoff);
    expect(s.get('containment_pct')).toBe(pct(e.conversations - e.withHandoff, e.conversations));
    expect(s.get('handoffs')).toBe(e.handoffs);
    expect(s.get('median_minutes_to_take')).toBe(minutes(e.medianTakeMs));
    expect(s.get('median_minutes_to_first_staff_reply')).toBe(minutes(e.medianFirstMs));
    expect(e.medianFirstMs).toBeDefined();
  });

  it('folds days into weeks, and a branch narrows every figure to its departments', async () => {
    const week = await clients.admin!.json<Dashboard>('GET', `/console/api/reports/dashboard?${Q}&every=week`);
    const total = (t: Table, col: string) => t.rows.reduce((n, r) => n + Number(r[t.columns.indexOf(col)]), 0);
    expect(total(week.body.tables.conversations!, 'conversations')).toBe([...expectedFigures(all, window, new Date(), content).conversationsByDay.values()].reduce((a, b) => a + b, 0));
    expect(new Set(week.body.tables.conversations!.rows.map((r) => r[0]))).toEqual(new Set(['2025-02-24', '2025-03-03', '2025-03-10', '2025-03-17', '2025-03-24', '2025-03-31']));

    const west = content.departments.filter((d) => d.branch === 'west-centre').map((d) => d.id);
    const { body } = await clients.supervisor!.json<Dashboard>('GET', `/console/api/reports/dashboard?${Q}&branch=west-centre`);
    expect(body.departments?.sort()).toEqual(west.sort());
    expect(body.wholeOrganisation).toBe(false);
    const e = expectedFigures(all, window, new Date(), content, west);
    expect(asMap(body.tables['complaints-by-category']!, ['department', 'category'], 'complaints')).toEqual(e.byCategory);
    expect(asMap(body.tables['applications-by-service']!, ['service'], 'applications')).toEqual(e.byService);
    expect(body.tables.conversations).toBeUndefined();
  });
});

describe('who sees what', () => {
  it('gives department staff their own department only, checked on the server', async () => {
    const { status, body } = await clients.sanitation!.json<Dashboard>('GET', `/console/api/reports/dashboard?${Q}`);
    expect(status).toBe(200);
    expect(body.departments).toEqual(['sanitation']);
    expect(new Set(body.tables['complaints-by-category']!.rows.map((r) => r[0]))).toEqual(new Set(['sanitation']));
    expect(body.tables.conversations).toBeUndefined();
    expect(body.tables['handoff-reasons']).toBeUndefined();
    expect(body.tables['csat-by-agent']).toBeUndefined();
    expect(new Set(body.tables['csat-by-department']!.rows.map((r) => r[0]))).toEqual(new Set(['sanitation']));
    expect(summary(body).has('conversations')).toBe(false);
    const e = expectedFigures(all, window, new Date(), content, ['sanitation']);
    expect(asMap(body.tables['complaints-by-category']!, ['department', 'category'], 'complaints')).toEqual(e.byCategory);

    expect((await clients.sanitation!.call('GET', `/console/api/reports/dashboard?${Q}&department=water-sewage`)).status).toBe(403);
    expect((await clients.sanitation!.call('GET', `/console/api/reports/conversations.csv?${Q}`)).status).toBe(403);
    expect((await clients.plain!.call('GET', `/console/api/reports/dashboard?${Q}`)).status).toBe(403);
    expect((await new StaffClient(server.url).call('GET', `/console/api/reports/dashboard?${Q}`)).status).toBe(401);
  });

  it('answers bad periods and names with 400, unknown figures with 404', async () => {
    const c = clients.supervisor!;
    for (const q of ['from=2025-02-30&to=2025-03-03', 'from=2025-03-05&to=2025-03-01', 'from=2020-01-01&to=2025-03-01', 'branch=nowhere', 'department=%3Cscript%3E', 'every=month', 'from[$gt]=x'])
      expect((await c.call('GET', `/console/api/reports/dashboard?${q}`)).status, q).toBe(400);
    expect((await c.call('GET', `/console/api/reports/secrets.csv?${Q}`)).status).toBe(404);
  });
});

describe('CSV exports', () => {
  it('are UTF-8 with a byte order mark, Arabic intact, small counts shown as <5', async () => {
    const res = await clients.supervisor!.call('GET', `/console/api/reports/complaints-by-category.csv?${Q}&lang=ar`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="nafidha-complaints-by-category-2025-03-01-2025-03-31.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('department,department_name,category,category_name,complaints');
    const e = expectedFigures(all, window, new Date(), content);
    expect(lines.length - 1).toBe(e.byCategory.size);
    const sanitation = content.departments.find((d) => d.id === 'sanitation')!.name.ar;
    for (const line of lines.slice(1)) {
      const [dept, name, cat, , n] = line.split(',');
      expect(name).toBe(content.departments.find((d) => d.id === dept)!.name.ar);
      const real = e.byCategory.get(`${dept}|${cat}`)!;
      expect(n).toBe(real < 5 ? '<5' : String(real));
    }
    expect(text).toContain(sanitation);
  });

  it('defuses formulas and quotes what needs quoting', () => {
    const csv = toCsv({ columns: ['name', 'n'], counts: ['n'], rows: [['=HYPERLINK("http://x","y")', 3], ['+1', 0], ['@SUM(A1)', 12], ['a,b', null], ['-2', 5]] });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual(['name,n', `"'=HYPERLINK(""http://x"",""y"")",<5`, "'+1,0", "'@SUM(A1),12", '"a,b",', "'-2,5", '']);
  });
});

describe('conversations are counted as the assistant talks', () => {
  it('counts a conversation once per day, from the kernel', async () => {
    const conversationDays = () => server.db.connection.collection('conversation_days').countDocuments({ conversation: 'telegram:count-me' });
    await server.nafidha.kernel.handle({ channel: 'telegram', user: 'count-me', text: 'مرحبا', messageId: 'c1' });
    await server.nafidha.kernel.handle({ channel: 'telegram', user: 'count-me', text: 'شكرا', messageId: 'c2' });
    await until(async () => (await conversationDays()) === 1);
    expect(await conversationDays()).toBe(1);
  });
});
