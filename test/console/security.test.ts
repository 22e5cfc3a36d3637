import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../src/domain/staff.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;

beforeAll(async () => { server = await startTestServer({ dbName: 'security' }); });
afterAll(async () => { await server?.close(); });

describe('console access', () => {
  it('the console API refuses anonymous calls', async () => {
    const anonymous = new StaffClient(server.url);
    for (const [method, url] of [['GET', '/console/api/queue'], ['GET', '/console/api/complaints'], ['GET', '/console/api/events'], ['POST', '/console/api/applications'], ['GET', '/console/api/audit']]) {
      expect((await anonymous.call(method, url, method === 'POST' ? {} : undefined)).status, `${method} ${url}`).toBe(401);
    }
  });

  it('a change without the session CSRF token is refused', async () => {
    const agent = new StaffClient(server.url);
    await agent.signIn('csrf-agent', await server.addStaff('csrf-agent', 'agent'));
    const token = agent.csrf;
    agent.csrf = '';
    expect((await agent.json('POST', '/console/api/applications', { service: 'building-permit', name: 'x', phone: '0911111111' })).body).toEqual({ error: 'csrf-token-invalid' });
    agent.csrf = 'forged-token-forged-token-forged-';
    expect((await agent.call('POST', '/console/api/applications', {})).status).toBe(403);
    agent.csrf = token;
    expect((await agent.json('POST', '/console/api/applications', { service: 'building-permit', name: 'x', phone: '0911111111' })).status).toBe(200);
  });

  it('the session cookie is httpOnly and SameSite=Strict', async () => {
    await server.addStaff('cookie-agent', 'agent');
    const res = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: 'x' }) });
    expect(res.status).toBe(401);
    const ok = new StaffClient(server.url);
    const signIn = await ok.call('POST', '/console/api/session', { username: 'cookie-agent', password: 'wrong' });
    expect(signIn.headers.get('set-cookie')).toBeNull();
  });

  it('agents cannot edit canned replies or read the audit log; admins can edit', async () => {
    const agent = new StaffClient(server.url);
    await agent.signIn('role-agent', await server.addStaff('role-agent', 'agent'));
    const reply = { title: { ar: 'تجربة', en: 'Test' }, text: { ar: 'نص', en: 'text' } };
    expect((await agent.json('PUT', '/console/api/canned/test', reply)).status).toBe(403);
    expect((await agent.json('GET', '/console/api/audit')).status).toBe(403);
    const admin = new StaffClient(server.url);
    const res = await admin.signIn('role-admin', await server.addStaff('role-admin', 'admin'));
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
    expect((await admin.json('PUT', '/console/api/canned/test', reply)).status).toBe(200);
    const { body } = await agent.json<{ replies: { id: string }[] }>('GET', '/console/api/canned');
    expect(body.replies.map((r) => r.id)).toEqual(expect.arrayContaining(['greeting', 'test']));
  });

  it('sign-in attempts are limited per address and username', async () => {
    const guesser = new StaffClient(server.url);
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await guesser.call('POST', '/console/api/session', { username: 'limit-victim', password: `guess-${i}` })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('the first admin must change the one-time password before using the console', async () => {
    const lines: string[] = [];
    await server.db.connection.collection('staff').deleteMany({});
    await ensureFirstAdmin(server.console.staff, (l) => lines.push(l));
    const password = /one-time password (\S+)/.exec(lines.join('\n'))?.[1];
    expect(password).toBeTruthy();
    const admin = new StaffClient(server.url);
    expect((await admin.json('POST', '/console/api/session', { username: 'admin', password })).body).toMatchObject({ mustChangePassword: true });
    admin.csrf = ((await admin.json<{ csrf: string }>('GET', '/console/api/session')).body).csrf;
    expect((await admin.json('GET', '/console/api/queue')).body).toEqual({ error: 'password-change-required' });
    expect((await admin.json('POST', '/console/api/password', { current: password, next: 'a-much-better-passphrase' })).status).toBe(200);
    expect((await admin.json('GET', '/console/api/queue')).status).toBe(200);
  });
});
