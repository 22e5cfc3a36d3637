import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';
import { openEventStream, webCitizen, type EventStream } from './attacker.js';

// A console left open on a shared counter PC keeps streaming what citizens write. When its session ends, its
// account is disabled or its role is lowered, the stream must close within seconds and carry nothing more.

let server: TestServer;
let admin: StaffClient;
let observer: EventStream;

beforeAll(async () => {
  server = await startTestServer({ dbName: 'security_live_feed' });
  admin = new StaffClient(server.url);
  await admin.signIn('feed-admin', await server.addStaff('feed-admin', 'admin'));
  // A stream nobody revokes, to prove the citizen's later messages were streamed at all.
  observer = await openEventStream(server.url, admin.cookie);
});
afterAll(async () => { await observer?.cancel(); await server?.close(); });

/** A citizen who asked a legal question: their conversation is queued for staff, so the feed streams its lines. */
async function queuedCitizen(marker: string) {
  const c = webCitizen(server.url);
  await c.say('بدي اعترض على قرار المحكمة');
  await c.say(marker);
  await until(() => observer.events.some((e) => e.data.includes(marker)), 10_000);
  return c;
}

async function signedIn(username: string, role: 'agent' | 'supervisor') {
  const client = new StaffClient(server.url);
  expect((await client.signIn(username, await server.addStaff(username, role))).status).toBe(200);
  return client;
}

/** Revokes, then has the citizen write; the stream must end and have received no event after the revocation. */
async function expectRevoked(stream: EventStream, revoke: () => Promise<void>, citizen: ReturnType<typeof webCitizen>, tag: string) {
  const before = stream.events.length;
  await revoke();
  const revokedAt = Date.now();
  const after = [`${tag} after one`, `${tag} after two`, `${tag} after three`];
  for (const text of after) await citizen.say(text);
  await until(() => after.every((text) => observer.events.some((e) => e.data.includes(text))), 10_000);
  const endedAt = await Promise.race([stream.ended, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
  const delivered = stream.events.slice(before);
  expect(delivered.map((e) => e.data), `events delivered after ${tag}`).toEqual([]);
  expect(endedAt, 'the stream was closed').toBeGreaterThan(0);
  expect(stream.events.filter((e) => e.at >= revokedAt)).toHaveLength(0);
}

describe('the console live feed after access ends', () => {
  it('streams to a signed-in agent (the stream works before anything is revoked)', async () => {
    const agent = await signedIn('feed-working', 'agent');
    const stream = await openEventStream(server.url, agent.cookie);
    expect(stream.status).toBe(200);
    await queuedCitizen('working stream marker');
    await until(() => stream.events.some((e) => e.data.includes('working stream marker')), 10_000);
    await stream.cancel();
  });

  it('closes when the agent signs out, and delivers 0 further events', async () => {
    const agent = await signedIn('feed-signs-out', 'agent');
    const stream = await openEventStream(server.url, agent.cookie);
    const citizen = await queuedCitizen('sign-out marker');
    await until(() => stream.events.some((e) => e.data.includes('sign-out marker')), 10_000);
    await expectRevoked(stream, async () => { expect((await agent.call('DELETE', '/console/api/session')).status).toBe(200); }, citizen, 'signed-out');
    expect((await openEventStream(server.url, agent.cookie)).status).toBe(401);
  });

  it('closes when an admin disables the account from another session, and delivers 0 further events', async () => {
    const agent = await signedIn('feed-disabled', 'agent');
    const streams = [await openEventStream(server.url, agent.cookie), await openEventStream(server.url, agent.cookie)];
    const citizen = await queuedCitizen('disable marker');
    await until(() => streams.every((s) => s.events.some((e) => e.data.includes('disable marker'))), 10_000);
    let first = true;
    for (const stream of streams) {
      await expectRevoked(stream, async () => {
        if (first) expect((await admin.json('POST', '/console/api/staff/feed-disabled', { disabled: true })).status).toBe(200);
        first = false;
      }, citizen, `disabled-${streams.indexOf(stream)}`);
    }
    expect((await openEventStream(server.url, agent.cookie)).status).toBe(401);
  });

  it('closes when the account is disabled directly in the database (as the staff CLI does)', async () => {
    const agent = await signedIn('feed-cli-disabled', 'agent');
    const stream = await openEventStream(server.url, agent.cookie);
    const citizen = await queuedCitizen('cli marker');
    await until(() => stream.events.some((e) => e.data.includes('cli marker')), 10_000);
    await expectRevoked(stream, async () => { await server.console.staff.update('feed-cli-disabled', { disabled: true }); }, citizen, 'cli-disabled');
  });

  it('closes a supervisor\'s stream when their role is lowered to agent, and delivers 0 further events', async () => {
    const supervisor = await signedIn('feed-demoted', 'supervisor');
    const stream = await openEventStream(server.url, supervisor.cookie);
    const citizen = await queuedCitizen('demotion marker');
    await until(() => stream.events.some((e) => e.data.includes('demotion marker')), 10_000);
    await expectRevoked(stream, async () => { expect((await admin.json('POST', '/console/api/staff/feed-demoted', { role: 'agent' })).status).toBe(200); }, citizen, 'demoted');
    // The session itself goes on at the lower role: a new stream opens, as an agent's.
    const again = await openEventStream(server.url, supervisor.cookie);
    expect(again.status).toBe(200);
    await again.cancel();
  });

  it('an admin cannot disable their own account from the console', async () => {
    expect((await admin.json('POST', '/console/api/staff/feed-admin', { disabled: true })).status).toBe(409);
    expect((await admin.json('POST', '/console/api/staff/feed-working', { disabled: 'yes' })).status).toBe(400);
  });
});
