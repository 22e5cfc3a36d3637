import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen } from '../helpers/assistant.js';
import { RecordingSender, StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

let server: TestServer;
const telegram = new RecordingSender('telegram');
let agent: StaffClient;
let supervisor: StaffClient;

beforeAll(async () => {
  server = await startTestServer({ dbName: 'records', senders: [telegram] });
  agent = new StaffClient(server.url);
  supervisor = new StaffClient(server.url);
  await agent.signIn('amal', await server.addStaff('amal', 'agent'));
  await supervisor.signIn('salma', await server.addStaff('salma', 'supervisor'));
});
afterAll(async () => { await server?.close(); });

async function fileConfidential(user: string) {
  const filed = await server.nafidha.complaints.fileComplaint({
    category: 'staff-conduct', description: 'الموظف طلب مني رشوة حتى يمشي المعاملة', privacy: 'confidential', name: 'سالم المبروك',
    phone: '0912345678', from: { channel: 'telegram', user }, consentToContact: true, lang: 'ar', messageId: `m-${user}`,
  });
  if (!filed.ok) throw new Error('not filed');
  return filed.receipt.code;
}

describe('confidential complaints', () => {
  it('a confidential complaint hides the reporter from agents', async () => {
    const code = await fileConfidential('5001');
    const { body } = await agent.json<{ complaint: Record<string, unknown> }>('GET', `/console/api/complaints/${code}`);
    expect(body.complaint).toMatchObject({ code, identityHidden: true });
    expect(JSON.stringify(body)).not.toMatch(/سالم|0912345678|5001/);
    expect((await agent.json('GET', `/console/api/complaints/${code}/reporter`)).status).toBe(403);
    const { body: list } = await agent.json<{ complaints: unknown[] }>('GET', '/console/api/complaints?department=citizen-office');
    expect(JSON.stringify(list)).not.toMatch(/سالم|0912345678/);
  });

  it('a supervisor can see who filed it, and that look is written to the audit log', async () => {
    const code = await fileConfidential('5002');
    const { status, body } = await supervisor.json<{ reporter: { name: string; phone: string } }>('GET', `/console/api/complaints/${code}/reporter`);
    expect(status).toBe(200);
    expect(body.reporter).toMatchObject({ name: 'سالم المبروك', phone: '0912345678' });
    const { body: audit } = await supervisor.json<{ entries: { who: string; what: string; target: string }[] }>('GET', `/console/api/audit?target=${code}`);
    expect(audit.entries).toEqual([expect.objectContaining({ who: 'salma', what: 'view-confidential-identity', target: code })]);
  });
});

describe("a conversation shows the citizen's earlier records", () => {
  it('to agents without confidential complaints, to the citizen office with them (audited)', async () => {
    const code = await fileConfidential('5005');
    const named = await server.nafidha.complaints.fileComplaint({
      category: 'roads', description: 'حفرة', privacy: 'named', name: 'سالم', from: { channel: 'telegram', user: '5005' }, consentToContact: true, lang: 'ar', messageId: 'n-5005',
    });
    if (!named.ok) throw new Error('not filed');
    await citizen(server.nafidha.kernel, '5005').say('ابغى اتكلم مع موظف');
    const { body: queue } = await agent.json<{ waiting: { id: string; conversation: string }[] }>('GET', '/console/api/queue');
    const id = queue.waiting.find((w) => w.conversation === 'telegram:5005')!.id;
    const seenByAgent = await agent.json<{ complaints: { code: string }[] }>('GET', `/console/api/conversations/${id}`);
    expect(seenByAgent.body.complaints.map((c) => c.code)).toEqual([named.receipt.code]);
    const seenByOffice = await supervisor.json<{ complaints: { code: string }[] }>('GET', `/console/api/conversations/${id}`);
    expect(seenByOffice.body.complaints.map((c) => c.code).sort()).toEqual([code, named.receipt.code].sort());
    const { body: audit } = await supervisor.json<{ entries: { who: string; what: string }[] }>('GET', `/console/api/audit?target=${code}`);
    expect(audit.entries).toEqual([expect.objectContaining({ who: 'salma', what: 'view-confidential-identity' })]);
  });
});

describe('complaints in the console', () => {
  it('changing a complaint status with a note tells the citizen on their chat', async () => {
    const code = await fileConfidential('5003');
    const { status, body } = await agent.json<{ notified: boolean; complaint: { status: string } }>('POST', `/console/api/complaints/${code}/status`, { status: 'in-progress', note: 'أُحيلت للتحقيق' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ notified: true, complaint: { status: 'in-progress' } });
    const sent = await until(() => telegram.sent.find((m) => m.user === '5003'));
    expect(sent.reply.text).toContain(code);
    expect(sent.reply.text).toContain('أُحيلت للتحقيق');
    const { body: audit } = await supervisor.json<{ entries: { who: string; what: string }[] }>('GET', `/console/api/audit?target=${code}`);
    expect(audit.entries.map((e) => `${e.who}:${e.what}`)).toContain('amal:complaint-status');
  });

  it('the list filters by department, and reassigning moves a complaint to another department', async () => {
    const code = await fileConfidential('5004');
    const before = await agent.json<{ complaints: { code: string }[] }>('GET', '/console/api/complaints?department=sanitation');
    expect(before.body.complaints.map((c) => c.code)).not.toContain(code);
    expect((await agent.json('POST', `/console/api/complaints/${code}/department`, { department: 'sanitation' })).status).toBe(200);
    const after = await agent.json<{ complaints: { code: string }[] }>('GET', '/console/api/complaints?department=sanitation&status=received');
    expect(after.body.complaints.map((c) => c.code)).toContain(code);
    expect((await agent.json('GET', '/console/api/complaints?overdue=1')).body).toMatchObject({ complaints: [], total: 0 });
  });

  it('staff file a complaint for a caller and get the tracking code to read back', async () => {
    const { status, body } = await agent.json<{ code: string; department: string }>('POST', '/console/api/complaints', {
      category: 'roads', description: 'حفرة كبيرة أمام المدرسة', location: 'شارع الجمهورية', privacy: 'confidential', name: 'فاطمة', phone: '0923456789', lang: 'ar', requestId: 'r-1',
    });
    expect(status).toBe(200);
    expect(body.code).toMatch(/^C-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(body.department).toBe('public-works');
    const seen = await agent.json<{ complaint: Record<string, unknown> }>('GET', `/console/api/complaints/${body.code}`);
    expect(seen.body.complaint).toMatchObject({ privacy: 'confidential', identityHidden: true });
    const again = await agent.json<{ code: string }>('POST', '/console/api/complaints', {
      category: 'roads', description: 'حفرة كبيرة أمام المدرسة', privacy: 'confidential', name: 'فاطمة', lang: 'ar', requestId: 'r-1',
    });
    expect(again.body.code).toBe(body.code);
    expect((await agent.json('POST', '/console/api/complaints', { category: 'roads', description: 'x', privacy: 'named', lang: 'ar' })).body)
      .toMatchObject({ error: 'invalid', problems: ['complaint.reporter-missing'] });
  });
});

describe('applications at the counter', () => {
  it('registering an application gives a printable receipt with the tracking code and expected date', async () => {
    const { status, body } = await agent.json<{ application: { code: string; expectedBy: string }; receipt: string }>('POST', '/console/api/applications', {
      service: 'building-permit', name: 'خالد <b>الورفلي</b>', phone: '091 234 5678', lang: 'ar',
    });
    expect(status).toBe(200);
    const { code, expectedBy } = body.application;
    expect(code).toMatch(/^A-/);
    expect(body.receipt).toBe(`/console/receipt/${code}`);
    const page = await agent.call('GET', body.receipt);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(code);
    expect(html).toContain('رخصة بناء');
    expect(html).toContain('خالد &lt;b&gt;الورفلي&lt;/b&gt;');
    expect(html).not.toContain('<b>الورفلي');
    const expected = new Intl.DateTimeFormat('ar-LY', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${expectedBy}T12:00:00Z`));
    expect(html).toContain(expected);
    expect(html).toContain('/console/receipt.css');
    expect(html).not.toMatch(/<script>|onclick=|style=/);
    expect((await new StaffClient(server.url).call('GET', body.receipt)).status).toBe(401);
  });

  it('an application waiting for documents lists what is missing, and the applicant is told on their chat', async () => {
    const { body } = await agent.json<{ application: { code: string } }>('POST', '/console/api/applications', {
      service: 'residence-certificate', name: 'Huda', phone: '+218 91 111 2222', channel: 'telegram', user: '7007', lang: 'en',
    });
    const code = body.application.code;
    const changed = await agent.json<{ application: { status: string; missingDocuments: string[] } }>('POST', `/console/api/applications/${code}/status`, {
      status: 'needs-documents', missingDocuments: ['copy of ID card', 'lease contract'],
    });
    expect(changed.body.application).toMatchObject({ status: 'needs-documents', missingDocuments: ['copy of ID card', 'lease contract'] });
    const sent = await until(() => telegram.sent.find((m) => m.user === '7007'));
    expect(sent.reply.text).toContain('lease contract');
    expect((await agent.json('POST', `/console/api/applications/${code}/status`, { status: 'needs-documents' })).body).toEqual({ error: 'missing-documents-required' });
  });
});
