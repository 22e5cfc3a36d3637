import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComplaintList } from '../../src/http/console-record-schemas.js';
import { shaped } from '../../src/http/input.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// Every console and web chat route that reads a body checks it with its schema before anything happens: a wrong
// type, a missing field or a field the route does not know is a 400 that names the mistake, and nothing is stored.
// Answers are checked against their schemas too, so a field a view must hide cannot reach a browser unnoticed.

let server: TestServer;
let agent: StaffClient;
let admin: StaffClient;
let complaint: string;
let application: string;

const STORED = ['complaints', 'applications', 'audit', 'canned_replies', 'handoffs', 'staff', 'webchat_keys'];
/** What the database holds that these routes could change (the sessions, which every request touches, aside). */
async function stored(): Promise<string> {
  const all: Record<string, unknown[]> = {};
  for (const name of STORED) all[name] = await server.db.connection.collection(name).find({}).sort({ _id: 1 }).toArray();
  return JSON.stringify(all);
}

beforeAll(async () => {
  server = await startTestServer({ dbName: 'route_schemas' });
  agent = new StaffClient(server.url);
  admin = new StaffClient(server.url);
  await agent.signIn('schema-agent', await server.addStaff('schema-agent', 'agent'));
  await admin.signIn('schema-admin', await server.addStaff('schema-admin', 'admin'));
  const filed = await server.nafidha.complaints.fileComplaint({
    category: 'roads', description: 'حفرة عميقة أمام المخبز', privacy: 'named', name: 'Hamza', phone: '0911112222',
    from: { channel: 'telegram', user: '6100' }, consentToContact: true, lang: 'ar', messageId: 'schema-1',
  });
  if (!filed.ok) throw new Error('not filed');
  complaint = filed.receipt.code;
  const made = await server.nafidha.applications.createApplication({ service: 'building-permit', name: 'Rania', phone: '0913334444', lang: 'ar', by: 'schema-agent' });
  if (!made.ok) throw new Error('not registered');
  application = made.application.code;
});
afterAll(async () => { await server?.close(); });

interface Case {
  route: string;
  /** The error the route names for a body it cannot read. */
  error: string;
  good: Record<string, unknown>;
  /** A field whose value is replaced by a number, and a field left out. */
  typed: string;
  required: string;
  as?: () => StaffClient;
}

const CASES: Case[] = [
  { route: 'POST /console/api/complaints/:complaint/status', error: 'code-and-status-required', good: { status: 'in-progress', note: 'on it' }, typed: 'note', required: 'status' },
  { route: 'POST /console/api/complaints/:complaint/assignee', error: 'assignee-required', good: { assignee: 'me' }, typed: 'assignee', required: 'assignee' },
  { route: 'POST /console/api/complaints/:complaint/department', error: 'code-and-department-required', good: { department: 'sanitation', note: 'theirs' }, typed: 'department', required: 'department' },
  {
    route: 'POST /console/api/complaints', error: 'invalid', typed: 'description', required: 'privacy',
    good: { privacy: 'named', category: 'roads', description: 'عمود إنارة مكسور', name: 'Caller', phone: '0915556666', lang: 'ar', requestId: 'schema-r1' },
  },
  { route: 'POST /console/api/applications', error: 'invalid', good: { service: 'building-permit', name: 'Walk-in', phone: '0917778888', lang: 'en' }, typed: 'name', required: 'service' },
  { route: 'POST /console/api/applications/:application/status', error: 'code-and-status-required', good: { status: 'in-review', note: 'checked' }, typed: 'status', required: 'status' },
  { route: 'PUT /console/api/canned/schema-reply', error: 'expected {title:{ar,en}, text:{ar,en}} and an id of a-z, 0-9 and -', good: { title: { ar: 'تجربة', en: 'Test' }, text: { ar: 'نص', en: 'Text' } }, typed: 'text', required: 'title', as: () => admin },
  { route: 'POST /console/api/conversations/no-such-handoff/close', error: 'outcome-required', good: { outcome: 'answered' }, typed: 'outcome', required: 'outcome' },
];

const pathOf = (route: string) => route.split(' ')[1].replace(':complaint', complaint).replace(':application', application);
const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

describe('console routes refuse bodies outside their schema', () => {
  for (const c of CASES) {
    it(`${c.route}: a wrong type, a missing field and an unknown field are 400 "${c.error}", and nothing is stored`, async () => {
      const [method] = c.route.split(' ');
      const who = c.as?.() ?? agent;
      const before = await stored();
      const bad = {
        'a wrong type': { ...c.good, [c.typed]: 12345 },
        'a missing field': without(c.good, c.required),
        'an unknown field': { ...c.good, idempotencyKey: 'chosen-by-the-client' },
      };
      for (const [what, body] of Object.entries(bad)) {
        const res = await who.json<{ error: string; fields?: string[] }>(method, pathOf(c.route), body);
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.error, what).toBe(c.error);
        if (what === 'an unknown field') expect(res.body.fields).toEqual(['idempotencyKey']);
      }
      expect(await stored()).toBe(before);
      // The same body without the mistakes is taken (a missing handoff is looked for only then).
      const good = await who.json(method, pathOf(c.route), c.good);
      expect(good.status, JSON.stringify(good.body)).toBe(c.route.includes('no-such-handoff') ? 404 : 200);
    });
  }

  it('closing lists the outcomes staff may choose when the outcome is missing', async () => {
    const res = await agent.json<{ outcomes: string[] }>('POST', '/console/api/conversations/no-such-handoff/close', { outcome: 'citizen-left' });
    expect(res.status).toBe(400);
    expect(res.body.outcomes).toEqual(['answered', 'referred', 'follow-up', 'no-response']);
  });
});

describe('sign-in, password and web chat history refuse bodies outside their schema', () => {
  it('sign-in: a wrong type, a missing password and an unknown field are 400, not counted as guesses, and sign no one in', async () => {
    const password = await server.addStaff('schema-signin', 'agent');
    const before = await stored();
    const anonymous = new StaffClient(server.url);
    for (const body of [{ username: 'schema-signin', password: 12345 }, { username: 'schema-signin' }, { username: 'schema-signin', password, role: 'admin' }]) {
      const res = await anonymous.call('POST', '/console/api/session', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('username-and-password-required');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(await stored()).toBe(before);
    // Not counted: the limit (5 a minute) still lets the right password in after more than 5 refusals.
    for (let i = 0; i < 3; i++) expect((await anonymous.call('POST', '/console/api/session', { username: 'schema-signin', password: 1 })).status).toBe(400);
    const signed = await anonymous.json<Record<string, unknown>>('POST', '/console/api/session', { username: 'schema-signin', password });
    expect(signed.status).toBe(200);
    expect(Object.keys(signed.body).sort()).toEqual(['csrf', 'department', 'departments', 'mustChangePassword', 'role', 'username']);
  });

  it('password change: a wrong type, a missing field and an unknown field are 400 and the password stays', async () => {
    const password = await server.addStaff('schema-password', 'agent');
    const me = new StaffClient(server.url);
    await me.signIn('schema-password', password);
    const before = await stored();
    for (const body of [{ current: password, next: 99999999999 }, { current: password }, { current: password, next: 'a-long-new-passphrase', mustChangePassword: false }]) {
      const res = await me.json<{ error: string }>('POST', '/console/api/password', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('current-and-next-required');
    }
    expect(await stored()).toBe(before);
    expect((await me.json('POST', '/console/api/password', { current: password, next: 'a-long-new-passphrase' })).body).toEqual({ ok: true });
  });

  it('web chat history: a wrong type, a missing key and an unknown field are 400 and read nothing', async () => {
    const chat = (await (await fetch(`${server.url}/chat/session`, { method: 'POST' })).json()) as { user: string; key: string };
    const history = (body: unknown) => fetch(`${server.url}/chat/history`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const before = await stored();
    for (const body of [{ user: chat.user, key: 42 }, { user: chat.user }, { ...chat, since: 0 }]) {
      const res = await history(body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: string; lines?: unknown };
      expect(answer.error).toMatch(/^expected \{"user"/);
      expect(answer.lines).toBeUndefined();
    }
    expect(await stored()).toBe(before);
    const res = await history(chat);
    expect(res.status).toBe(200);
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['choices', 'lines']);
  });
});

describe('answers carry only what their view shows', () => {
  it("a confidential complaint moved to another department reaches that department's agent without its reporter", async () => {
    const filed = await server.nafidha.complaints.fileComplaint({
      category: 'roads', description: 'المقاول يطلب رشوة لإصلاح الطريق', privacy: 'confidential', name: 'Salem Reporter', phone: '0921239876',
      from: { channel: 'telegram', user: '6200' }, consentToContact: true, lang: 'ar', messageId: 'schema-2',
    });
    if (!filed.ok) throw new Error('not filed');
    const code = filed.receipt.code;
    await server.nafidha.complaints.reassign(code, 'sanitation', 'schema-admin');
    const sanitation = new StaffClient(server.url);
    await sanitation.signIn('schema-sanitation', await server.addStaff('schema-sanitation', 'agent', 'sanitation'));

    const list = await sanitation.json<{ complaints: Record<string, unknown>[] }>('GET', '/console/api/complaints');
    expect(list.status).toBe(200);
    const seen = list.body.complaints.find((c) => c.code === code);
    expect(seen).toMatchObject({ code, department: 'sanitation', identityHidden: true });
    for (const hidden of ['reporter', 'source', 'idempotencyKey', '_id']) expect(seen, hidden).not.toHaveProperty(hidden);
    expect(JSON.stringify(list.body)).not.toMatch(/Salem Reporter|0921239876|6200/);

    // The list's schema takes the real answer and refuses it with the reporter put back: in the tests a leak is a
    // 500 that names the field, not a name in a browser.
    expect(shaped(ComplaintList, list.body as never, 'list')).toBe(list.body);
    const leaked = { ...list.body, complaints: list.body.complaints.map((c) => (c.code === code ? { ...c, reporter: { name: 'Salem Reporter' } } : c)) };
    expect(() => shaped(ComplaintList, leaked as never, 'list')).toThrow(/outside its output schema/);
    const keyed = { ...list.body, complaints: list.body.complaints.map((c) => ({ ...c, idempotencyKey: 'k' })) };
    expect(() => shaped(ComplaintList, keyed as never, 'list')).toThrow(/idempotencyKey/);
  });
});
