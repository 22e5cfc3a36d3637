import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// Admins manage staff accounts in the console: one-time passwords shown once, role and department, disable,
// reset; all audited, and nobody else may.

let server: TestServer;
let admin: StaffClient;
let supervisor: StaffClient;
type Account = { username: string; role: string; department: string | null; disabled: boolean; mustChangePassword: boolean };

beforeAll(async () => {
  server = await startTestServer({ dbName: 'staff_admin' });
  admin = new StaffClient(server.url);
  supervisor = new StaffClient(server.url);
  await admin.signIn('boss', await server.addStaff('boss', 'admin'));
  await supervisor.signIn('salma', await server.addStaff('salma', 'supervisor'));
});
afterAll(async () => { await server?.close(); });

describe('staff administration', () => {
  it('creates an account in a department with a one-time password that signs in once and must be changed', async () => {
    const { status, body } = await admin.json<{ account: Account; password: string }>('POST', '/console/api/staff-accounts', { username: 'Rami', role: 'agent', department: 'water-sewage' });
    expect(status).toBe(200);
    expect(body.account).toMatchObject({ username: 'rami', role: 'agent', department: 'water-sewage', mustChangePassword: true });
    expect(body.password).toHaveLength(16);
    expect(JSON.stringify(body.account)).not.toContain('scrypt');
    const rami = new StaffClient(server.url);
    expect((await rami.json('POST', '/console/api/session', { username: 'rami', password: body.password })).body).toMatchObject({ department: 'water-sewage', mustChangePassword: true });
    expect((await rami.json('GET', '/console/api/complaints')).status).toBe(403);
    // The list never holds a password.
    const { body: list } = await admin.json<{ accounts: Account[] }>('GET', '/console/api/staff-accounts');
    expect(JSON.stringify(list)).not.toContain(body.password);
    expect(list.accounts.map((a) => a.username)).toEqual(expect.arrayContaining(['boss', 'rami', 'salma']));
    expect((await admin.json('POST', '/console/api/staff-accounts', { username: 'rami', role: 'agent' })).status).toBe(409);
    expect((await admin.json('POST', '/console/api/staff-accounts', { username: 'x y', role: 'agent' })).status).toBe(400);
    expect((await admin.json('POST', '/console/api/staff-accounts', { username: 'lina', role: 'agent', department: 'sewers' })).body).toMatchObject({ error: 'unknown-department' });
    expect((await admin.json('POST', '/console/api/staff-accounts', { username: 'lina', role: 'boss' })).status).toBe(400);
  });

  it('changes role and department, disables (ending the session), resets a password; every change audited', async () => {
    const { body } = await admin.json<{ password: string }>('POST', '/console/api/staff-accounts', { username: 'nuri', role: 'agent' });
    const nuri = new StaffClient(server.url);
    await nuri.signIn('nuri', body.password);
    await nuri.json('POST', '/console/api/password', { current: body.password, next: 'a-new-long-password' });
    const moved = await admin.json<{ account: Account }>('POST', '/console/api/staff-accounts/nuri', { department: 'sanitation', role: 'supervisor' });
    expect(moved.body.account).toMatchObject({ department: 'sanitation', role: 'supervisor' });
    expect((await admin.json<{ account: Account }>('POST', '/console/api/staff-accounts/nuri', { department: null, role: 'agent' })).body.account).toMatchObject({ department: null, role: 'agent' });
    expect((await nuri.json('GET', '/console/api/complaints')).status).toBe(200);
    expect((await admin.json('POST', '/console/api/staff-accounts/nuri', { department: 'sewers' })).status).toBe(400);
    expect((await admin.json('POST', '/console/api/staff-accounts/nobody', { disabled: true })).status).toBe(404);

    expect((await admin.json('POST', '/console/api/staff-accounts/nuri', { disabled: true })).status).toBe(200);
    expect((await nuri.call('GET', '/console/api/complaints')).status).toBe(401);
    expect((await admin.json('POST', '/console/api/staff-accounts/nuri', { disabled: false })).status).toBe(200);
    const reset = await admin.json<{ password: string; account: Account }>('POST', '/console/api/staff-accounts/nuri/reset-password', {});
    expect(reset.body.account.mustChangePassword).toBe(true);
    expect((await new StaffClient(server.url).signIn('nuri', reset.body.password)).status).toBe(200);
    expect((await new StaffClient(server.url).signIn('nuri', 'a-new-long-password')).status).toBe(401);

    const { body: audit } = await admin.json<{ entries: { who: string; what: string; detail?: string }[] }>('GET', '/console/api/audit?target=nuri');
    expect(audit.entries.map((e) => e.what)).toEqual(expect.arrayContaining(['staff-created', 'staff-department', 'staff-role', 'staff-disabled', 'staff-enabled', 'staff-password-reset']));
    expect(audit.entries.every((e) => e.who === 'boss' || e.what.startsWith('sign') || e.what === 'password-changed')).toBe(true);
  });

  it('an admin cannot lock themselves out, and nobody but an admin may manage accounts', async () => {
    expect((await admin.json('POST', '/console/api/staff-accounts/boss', { disabled: true })).status).toBe(409);
    expect((await admin.json('POST', '/console/api/staff-accounts/boss', { role: 'agent' })).status).toBe(409);
    expect((await admin.json('POST', '/console/api/staff-accounts/boss/reset-password', {})).status).toBe(409);
    expect((await supervisor.json('GET', '/console/api/staff-accounts')).status).toBe(403);
    expect((await supervisor.json('POST', '/console/api/staff-accounts', { username: 'evil', role: 'admin' })).status).toBe(403);
    expect((await supervisor.json('POST', '/console/api/staff-accounts/salma', { role: 'admin' })).status).toBe(403);
    expect(await server.console.staff.find('evil')).toBeNull();
    expect((await server.console.staff.find('salma'))?.role).toBe('supervisor');
  });
});
