import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
let server: TestServer;

beforeAll(async () => { server = await startTestServer({ dbName: 'staff_cli' }); });
afterAll(async () => { await server?.close(); });

async function staffCli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/staff.ts'), ...args], { cwd: root, env: { ...process.env, MONGODB_URI: server.db.uri } });
}

describe('the staff CLI', () => {
  it('creates an account with a one-time password, and a disabled account can no longer sign in', async () => {
    const { stdout } = await staffCli('create', 'noura', '--role', 'supervisor');
    const password = /one-time password: (\S+)/.exec(stdout)?.[1];
    expect(password).toHaveLength(16);
    const noura = new StaffClient(server.url);
    expect((await noura.json('POST', '/console/api/session', { username: 'noura', password })).body).toMatchObject({ role: 'supervisor', mustChangePassword: true });
    await staffCli('disable', 'noura');
    expect((await noura.call('GET', '/console/api/session')).status).toBe(401);
    expect((await new StaffClient(server.url).call('POST', '/console/api/session', { username: 'noura', password })).status).toBe(401);
    await expect(staffCli('create', 'noura', '--role', 'agent')).rejects.toMatchObject({ stderr: expect.stringContaining('already exists') });
  }, 60_000);
});

describe('departments from the CLI', () => {
  it('creates an account in a department, moves it, and refuses a department that does not exist', async () => {
    await staffCli('create', 'rami', '--role', 'agent', '--department', 'water-sewage');
    expect((await server.console.staff.find('rami'))?.department).toBe('water-sewage');
    await staffCli('department', 'rami', 'sanitation');
    expect((await server.console.staff.find('rami'))?.department).toBe('sanitation');
    await staffCli('department', 'rami', 'sanitation,water-sewage');
    expect((await server.console.staff.find('rami'))?.departments).toEqual(['sanitation', 'water-sewage']);
    await staffCli('department', 'rami', 'none');
    expect((await server.console.staff.find('rami'))?.department).toBeUndefined();
    await expect(staffCli('department', 'rami', 'sewers')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown department "sewers"') });
    await expect(staffCli('create', 'lina', '--role', 'agent', '--department', 'sewers')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown department') });
    expect(await server.console.staff.find('lina')).toBeNull();
  }, 60_000);
});
