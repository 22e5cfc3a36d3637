import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTrackingCode } from '../../src/domain/tracking-code.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// Broken, hostile and mislabelled bodies sent to every route that reads one. Each is the client's mistake: the answer
// is 400, 413 or 415 with a short JSON error, never a 5xx, and nothing the client sent shows up in the server's log.

let server: TestServer;
let admin: StaffClient;
const logged: string[] = [];
const restore: Array<() => void> = [];

/** Everything the process writes while the attacks run: the server's log function, console and both streams. */
function captureOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => { logged.push(String(chunk)); return (write as (...a: unknown[]) => boolean)(chunk, ...rest); }) as typeof stream.write;
    restore.push(() => { stream.write = write; });
  }
  for (const method of ['log', 'error', 'warn', 'info', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => { logged.push(args.map((a) => (a instanceof Error ? `${a.stack} ${JSON.stringify(a)}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')); };
    restore.push(() => { console[method] = original; });
  }
}

const PASSWORD = `Known-Password-${randomBytes(6).toString('hex')}`;
const MARK = `client-body-${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  captureOutput();
  server = await startTestServer({ dbName: 'security_malformed', log: (line) => logged.push(line) });
  admin = new StaffClient(server.url);
  await admin.signIn('malformed-admin', await server.addStaff('malformed-admin', 'admin'));
});
afterAll(async () => {
  for (const undo of restore) undo();
  await server?.close();
});

interface Route { method: string; path: string; staff: boolean; body: Record<string, unknown> }

const webUser = `web-${randomBytes(10).toString('hex')}`;
const complaint = newTrackingCode('complaint'), application = newTrackingCode('application');
/** Each route with a body it accepts; the attacks below break that body one way at a time. */
const ROUTES: Route[] = [
  { method: 'POST', path: '/api/messages', staff: false, body: { type: 'message', user: webUser, text: 'مرحبا' } },
  { method: 'POST', path: '/console/api/session', staff: false, body: { username: 'malformed-admin', password: PASSWORD } },
  { method: 'POST', path: '/console/api/password', staff: true, body: { current: PASSWORD, next: `${PASSWORD}-new` } },
  { method: 'POST', path: '/console/api/conversations/no-such-handoff/reply', staff: true, body: { text: 'hello' } },
  { method: 'POST', path: '/console/api/conversations/no-such-handoff/notes', staff: true, body: { text: 'a note' } },
  { method: 'POST', path: '/console/api/conversations/no-such-handoff/transfer', staff: true, body: { staff: 'malformed-admin' } },
  { method: 'POST', path: '/console/api/conversations/no-such-handoff/close', staff: true, body: { outcome: 'answered' } },
  { method: 'POST', path: '/console/api/conversations/no-such-handoff/take', staff: true, body: {} },
  { method: 'PUT', path: '/console/api/canned/malformed', staff: true, body: { title: { ar: 'عنوان', en: 'Title' }, text: { ar: 'نص', en: 'Text' } } },
  { method: 'POST', path: '/console/api/staff/someone', staff: true, body: { disabled: true } },
  { method: 'POST', path: '/console/api/staff-accounts', staff: true, body: { username: 'malformed-new', role: 'agent', department: 'sanitation' } },
  { method: 'POST', path: '/console/api/staff-accounts/someone', staff: true, body: { department: 'sanitation' } },
  { method: 'POST', path: '/console/api/complaints', staff: true, body: { privacy: 'named', category: 'roads', description: 'a hole in the road', name: 'Caller', phone: '0911111111', location: 'Main street' } },
  { method: 'POST', path: `/console/api/complaints/${complaint}/status`, staff: true, body: { status: 'in-progress', note: 'on it' } },
  { method: 'POST', path: `/console/api/complaints/${complaint}/department`, staff: true, body: { department: 'public-works', note: 'moved' } },
  { method: 'POST', path: '/console/api/applications', staff: true, body: { service: 'building-permit', name: 'Applicant', phone: '0911111111', note: 'at the counter' } },
  { method: 'POST', path: `/console/api/applications/${application}/status`, staff: true, body: { status: 'needs-documents', missingDocuments: ['deed'] } },
];

interface Attack { name: string; body?: Uint8Array | string; type?: string; headers?: Record<string, string> }

const utf16 = (text: string, bom = true) => new Uint8Array([...(bom ? [0xff, 0xfe] : []), ...Buffer.from(text, 'utf16le')]);

/** The same 21+ malformed requests for every route (field attacks replace each string field of the good body). */
function attacks(route: Route): Attack[] {
  const good = JSON.stringify({ ...route.body, marker: MARK });
  const json = 'application/json';
  const list: Attack[] = [
    { name: 'truncated JSON', body: good.slice(0, good.length - 7), type: json },
    { name: 'null', body: 'null', type: json },
    { name: 'a JSON string', body: JSON.stringify(MARK), type: json },
    { name: 'a JSON number', body: '4242', type: json },
    { name: 'a JSON array', body: JSON.stringify([route.body, MARK]), type: json },
    { name: 'true', body: 'true', type: json },
    { name: 'a 1 MB body', body: JSON.stringify({ ...route.body, text: `${MARK}${'x'.repeat(1024 * 1024)}` }), type: json },
    { name: 'UTF-16 with its charset', body: utf16(good), type: `${json}; charset=utf-16le` },
    { name: 'UTF-16 labelled UTF-8', body: utf16(good), type: `${json}; charset=utf-8` },
    { name: 'UTF-16 without a charset', body: utf16(good, false), type: json },
    { name: 'an unknown charset', body: good, type: `${json}; charset=foo` },
    { name: 'latin1 charset', body: good, type: `${json}; charset=iso-8859-1` },
    { name: 'no content type', body: new TextEncoder().encode(good) },
    { name: 'text/plain', body: good, type: 'text/plain' },
    { name: 'a form', body: `marker=${MARK}&username=admin`, type: 'application/x-www-form-urlencoded' },
    { name: 'a form labelled JSON', body: `marker=${MARK}&username=admin`, type: json },
    { name: 'multipart', body: `--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n${MARK}\r\n--b--`, type: 'multipart/form-data; boundary=b' },
    { name: 'invalid UTF-8 bytes', body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), type: json },
    { name: 'gzip that is not gzip', body: good, type: json, headers: { 'content-encoding': 'gzip' } },
    { name: 'an unknown content encoding', body: good, type: json, headers: { 'content-encoding': 'zstd-foo' } },
    { name: 'top-level __proto__', body: `{"__proto__":{"isAdmin":true,"marker":"${MARK}"}}`, type: json },
    { name: 'top-level toString', body: `{"toString":"${MARK}","valueOf":1,"constructor":{"prototype":{}}}`, type: json },
    { name: 'deep nesting', body: `${'['.repeat(5000)}${']'.repeat(5000)}`, type: json },
  ];
  const strings = Object.entries(route.body).filter(([, v]) => typeof v === 'string');
  for (const [field] of strings) {
    for (const [what, value] of [['{"toString":…}', `{"toString":"${MARK}"}`], ['{"__proto__":…}', `{"__proto__":{"toString":1}}`], ['a number', '12345'], ['an object', `{"a":"${MARK}"}`], ['an array', `["${MARK}"]`], ['null', 'null'], ['true', 'true']]) {
      const body = good.replace(JSON.stringify(field) + ':' + JSON.stringify(route.body[field]), `${JSON.stringify(field)}:${value}`);
      list.push({ name: `${what} as ${field}`, body, type: json });
    }
  }
  return list;
}

async function send(route: Route, attack: Attack, n: number): Promise<{ status: number; type: string; text: string }> {
  const headers: Record<string, string> = { ...(attack.type ? { 'content-type': attack.type } : {}), ...attack.headers };
  if (route.staff) Object.assign(headers, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
  // Each attack from its own address, so rate limits (which would answer 429) stay out of the way.
  headers['x-forwarded-for'] = `198.51.100.${n % 250}`;
  const res = await fetch(server.url + route.path, { method: route.method, headers, body: attack.body as BodyInit });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('malformed requests', () => {
  it('are answered 400, 413 or 415 with a short JSON error on every route, never 5xx', async () => {
    const wrong: string[] = [];
    let sent = 0;
    for (const route of ROUTES) {
      const list = attacks(route);
      expect(list.length).toBeGreaterThanOrEqual(21);
      for (const attack of list) {
        const res = await send(route, attack, sent++);
        const short = res.type.startsWith('application/json') && res.text.length < 600 && typeof JSON.parse(res.text).error === 'string';
        if (![400, 413, 415].includes(res.status) || !short) wrong.push(`${route.method} ${route.path} · ${attack.name} → ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(wrong, `${wrong.length} of ${sent} malformed requests answered wrongly`).toEqual([]);
    expect(sent).toBeGreaterThan(ROUTES.length * 21);
  });

  it('the good bodies themselves are not refused as malformed (the attacks start from accepted requests)', async () => {
    for (const route of ROUTES.filter((r) => !r.path.endsWith('/password') && !r.path.endsWith('/session'))) {
      const res = await send(route, { name: 'good', body: JSON.stringify(route.body), type: 'application/json' }, 1);
      expect([200, 201, 404, 409], `${route.method} ${route.path}: ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
    }
  });

  it('the photo upload answers the same attacks with 400, 413 or 415, never 5xx', async () => {
    const wrong: string[] = [];
    for (const [i, attack] of attacks(ROUTES[0]).entries()) {
      // A fresh chat per attack: the per-chat upload limit (429) is another test's subject.
      const route: Route = { method: 'POST', path: `/chat/upload?user=web-${randomBytes(10).toString('hex')}`, staff: false, body: {} };
      const res = await send(route, attack, i);
      if (![400, 413, 415].includes(res.status) || !res.type.startsWith('application/json')) wrong.push(`${attack.name} → ${res.status} ${res.text.slice(0, 100)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('Open311 answers unreadable bodies with 4xx too', async () => {
    const route: Route = { method: 'POST', path: '/open311/v2/requests.json', staff: false, body: { service_code: 'roads', description: 'hole', api_key: 'nope' } };
    const bodyAttacks = attacks(route).filter((a) => !a.name.includes(' as '));
    const statuses = [];
    for (const [i, attack] of bodyAttacks.entries()) statuses.push(`${attack.name} → ${(await send(route, attack, i)).status}`);
    expect(statuses.filter((s) => !/→ 4\d\d$/.test(s))).toEqual([]);
  });

  it('objects posted to console forms are refused, and nothing is stored as "[object Object]"', async () => {
    for (const body of [
      { privacy: 'named', category: { id: 'roads' }, description: 'desc', name: 'n', phone: '0911111111' },
      { privacy: 'named', category: 'roads', description: { text: 'desc' }, name: 'n', phone: '0911111111' },
      { privacy: 'named', category: 'roads', description: 'a hole in the road', name: ['n'], phone: 1 },
    ]) expect((await admin.json('POST', '/console/api/complaints', body)).status).toBe(400);
    expect((await admin.json('POST', '/console/api/applications', { service: { id: 'building-permit' }, name: 'x', phone: '0911111111' })).status).toBe(400);
    expect((await admin.json('POST', '/console/api/applications', { service: 'building-permit', name: { first: 'x' }, phone: '0911111111' })).status).toBe(400);
    const stored: string[] = [];
    for (const name of ['complaints', 'applications', 'handoffs', 'canned_replies', 'audit', 'staff', 'transcripts']) {
      stored.push(...(await server.db.connection.collection(name).find({}).toArray()).map((d) => JSON.stringify(d)));
    }
    expect(stored.filter((d) => d.includes('[object Object]'))).toEqual([]);
  });

  it('logs route, status and request id only: the known password and the bodies appear 0 times', async () => {
    const wrongPassword = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'malformed-admin', password: `${PASSWORD}-wrong` }) });
    expect(wrongPassword.status).toBe(401);
    const truncated = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"username":"malformed-admin","password":"${PASSWORD}"` });
    expect(truncated.status).toBe(400);
    const id = truncated.headers.get('x-request-id');
    const text = logged.join('\n');
    // The log did record the refusals (so this test sees the log), by route and request id.
    expect(text).toContain(`request ${id}`);
    expect(text).toMatch(/http: POST \/console\/api 400 malformed-json request/);
    expect(text.split(PASSWORD).length - 1, 'times the password appears in the log').toBe(0);
    expect(text.split(MARK).length - 1, 'times a client body appears in the log').toBe(0);
  });
});
