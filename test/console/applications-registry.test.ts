import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/domain/applications.js';
import { newTrackingCode } from '../../src/domain/tracking-code.js';
import { RecordingSender, StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// The applications registry: listed by status, service and overdue against the expected day by the database;
// a decision (approval, or refusal with reasons) reaches the citizen and prints as an escaped letter.

let server: TestServer;
const telegram = new RecordingSender('telegram');
let agent: StaffClient;
type Row = { code: string; status: string; service: string; overdue: boolean; expectedBy: string };
type Page = { applications: Row[]; total: number };

beforeAll(async () => {
  server = await startTestServer({ dbName: 'app_registry', senders: [telegram] });
  agent = new StaffClient(server.url);
  await agent.signIn('amal', await server.addStaff('amal', 'agent'));
});
afterAll(async () => { await server?.close(); });

function stored(status: Application['status'], expectedBy: string, service = 'building-permit'): Application {
  const at = new Date('2025-01-05T09:00:00Z');
  return { code: newTrackingCode('application'), service, applicant: { name: 'قديم', phone: '0910000000' }, lang: 'ar', status, missingDocuments: [], createdAt: at, updatedAt: at, expectedBy, history: [{ at, by: 'amal', status }] };
}

async function register(body: Record<string, unknown>): Promise<string> {
  const { status, body: res } = await agent.json<{ application: { code: string } }>('POST', '/console/api/applications', body);
  expect(status).toBe(200);
  return res.application.code;
}

describe('the applications registry', () => {
  it('lists by status and service, and "overdue" finds unfinished ones past their expected day, however old', async () => {
    const fresh = await register({ service: 'residence-certificate', name: 'Huda', phone: '0911111111', lang: 'en' });
    const late = stored('in-review', '2025-01-20');
    const lateButDone = stored('approved', '2025-01-20');
    const bulk = Array.from({ length: 520 }, () => stored('received', '2099-01-01', 'residence-certificate'));
    await server.db.connection.collection('applications').insertMany([late, lateButDone, ...bulk]);

    const overdue = await agent.json<Page>('GET', '/console/api/applications?overdue=1');
    expect(overdue.status).toBe(200);
    expect(overdue.body.applications.map((a) => a.code)).toEqual([late.code]);
    expect(overdue.body.applications[0]!.overdue).toBe(true);

    const permits = await agent.json<Page>('GET', '/console/api/applications?service=building-permit');
    expect(new Set(permits.body.applications.map((a) => a.code))).toEqual(new Set([late.code, lateButDone.code]));
    const approved = await agent.json<Page>('GET', '/console/api/applications?status=approved');
    expect(approved.body.applications.map((a) => a.code)).toEqual([lateButDone.code]);
    const all = await agent.json<Page>('GET', '/console/api/applications?size=10');
    expect(all.body.total).toBe(523);
    expect(all.body.applications).toHaveLength(10);
    expect(all.body.applications[0]!.code).toBe(fresh);
    const byExpected = await agent.json<Page>('GET', '/console/api/applications?sort=expected&size=2');
    expect(byExpected.body.applications.map((a) => a.expectedBy)).toEqual(['2025-01-20', '2025-01-20']);
    expect((await agent.json('GET', '/console/api/applications?status=lost')).status).toBe(400);
  });

  it('a refusal needs reasons; the citizen is told them on their chat, and the letter prints them escaped, right to left', async () => {
    const code = await register({ service: 'building-permit', name: 'خالد <b>الورفلي</b>', phone: '0912223333', channel: 'telegram', user: '6601', lang: 'ar' });
    expect((await agent.call('GET', `/console/decision/${code}`)).status).toBe(409);
    expect((await agent.json('POST', `/console/api/applications/${code}/status`, { status: 'rejected' })).body).toMatchObject({ error: 'reason-required' });
    const reason = 'المخطط لا يطابق <script>alert(1)</script> الارتدادات المطلوبة';
    expect((await agent.json('POST', `/console/api/applications/${code}/status`, { status: 'rejected', reason })).status).toBe(200);
    const sent = await until(() => telegram.sent.find((m) => m.user === '6601'));
    expect(sent.reply.text).toContain('الارتدادات المطلوبة');

    const page = await agent.call('GET', `/console/decision/${code}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('dir="rtl"');
    expect(html).toContain('أسباب الرفض');
    expect(html).toContain('المخطط لا يطابق &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('خالد &lt;b&gt;الورفلي&lt;/b&gt;');
    expect(html).not.toMatch(/<script>alert|<b>الورفلي/);
    expect(html).toContain(code);
    expect((await new StaffClient(server.url).call('GET', `/console/decision/${code}`)).status).toBe(401);
  });

  it('an approval prints in the applicant\'s language (English, left to right) with no reasons section', async () => {
    const code = await register({ service: 'residence-certificate', name: 'Huda', phone: '+218 91 111 2222', channel: 'telegram', user: '6602', lang: 'en' });
    expect((await agent.json('POST', `/console/api/applications/${code}/status`, { status: 'approved' })).status).toBe(200);
    const sent = await until(() => telegram.sent.find((m) => m.user === '6602'));
    expect(sent.reply.text).toContain(code);
    const html = await (await agent.call('GET', `/console/decision/${code}`)).text();
    expect(html).toContain('dir="ltr"');
    expect(html).toContain('has been approved');
    expect(html).not.toContain('Reasons for the refusal');
  });
});
