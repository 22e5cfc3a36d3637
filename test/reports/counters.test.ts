import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTERS, keyOf } from '../../src/db/report-counters.js';
import { rebuildCounters } from '../../src/db/rebuild-counters.js';
import type { Complaint } from '../../src/domain/complaints.js';
import { dayOf } from '../../src/domain/report-period.js';
import { shippedContent } from '../helpers/assistant.js';
import { storedComplaint } from '../helpers/complaints.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { complaintOn } from './expected.js';

// The dashboard's counters after two server instances change the same records at once: equal to a recount
// from the records (npm run counters:rebuild), and to counts made here from the records.

const { content } = shippedContent();
const TZ = content.municipality.timezone;
const DAY = 86_400_000;
let a: TestServer, b: TestServer;

beforeAll(async () => {
  a = await startTestServer({ dbName: 'counters' });
  b = await startTestServer({ join: a });
});
afterAll(async () => { await b?.close(); await a?.close(); });

/** Every counter document, zeros left out (an increment and its decrement leave a zero behind). */
async function counters(): Promise<Map<string, Record<string, number>>> {
  const docs = await a.db.connection.collection<{ _id: string; c?: Record<string, number>; day?: string }>(COUNTERS).find({}).toArray();
  const out = new Map<string, Record<string, number>>();
  for (const d of docs) {
    if (d.day) { out.set(d._id, { [d.day]: 1 }); continue; }
    const c = Object.fromEntries(Object.entries(d.c ?? {}).filter(([, n]) => n !== 0).map(([f, n]) => [keyOf(f), n]));
    if (Object.keys(c).length) out.set(d._id, c);
  }
  return out;
}

describe('maintained counters', () => {
  it('equal a recount from the records after concurrent changes from two servers', async () => {
    const now = Date.now();
    const servers = [a, b];
    // Complaints filed on both servers, some already past their deadline (they are in the overdue backlog).
    const filed: Complaint[] = Array.from({ length: 24 }, (_, i) => storedComplaint({
      createdAt: new Date(now - (i % 6) * DAY - 3_600_000), deadline: new Date(now + (i % 3 === 0 ? -3 : 4) * DAY),
      category: content.categories[i % content.categories.length]!.id, department: content.categories[i % content.categories.length]!.department,
    }));
    await Promise.all(filed.map((c, i) => servers[i % 2]!.nafidha.stores.complaints.insert(c)));

    // Both servers change the same complaints at once: each change is applied (and counted) once.
    const other = content.departments.find((d) => d.id !== filed[1]!.department)!.id;
    await Promise.all(filed.flatMap((c, i) => [
      a.nafidha.complaints.changeStatus(c.code, 'resolved', 'amal'),
      b.nafidha.complaints.changeStatus(c.code, 'resolved', 'omar'),
      ...(i % 4 === 1 ? [b.nafidha.complaints.reassign(c.code, other, 'noura')] : []),
    ]));
    await Promise.all(filed.filter((_, i) => i % 3 === 0).map((c, i) => servers[i % 2]!.nafidha.complaints.changeStatus(c.code, 'reopened', 'citizen')));

    // Applications registered on both, finished by both at once.
    const apps = await Promise.all(Array.from({ length: 10 }, (_, i) => servers[i % 2]!.nafidha.applications.createApplication({ service: content.services[i % content.services.length]!.id, name: 'مواطن', phone: '0910000000', by: 'salma' })));
    await Promise.all(apps.flatMap((r) => (r.ok ? [a, b].map((s) => s.nafidha.applications.changeStatus(r.application.code, { status: 'approved', by: 'salma' })) : [])));

    // Handoffs: both servers queue the same conversations and take them at once.
    const chats = Array.from({ length: 6 }, (_, i) => ({ channel: 'telegram' as const, user: `count-${i}` }));
    await Promise.all(chats.flatMap((chat) => [a, b].map((s) => s.console.handoffs.request({ conversation: `telegram:${chat.user}`, chat, reason: 'requested', lang: 'ar' }))));
    const { waiting } = await a.console.handoffs.queue();
    expect(waiting.length).toBe(6);
    await Promise.all(waiting.flatMap((h) => [a.console.handoffs.take(h.id, { username: 'amal', role: 'agent' }), b.console.handoffs.take(h.id, { username: 'omar', role: 'agent' })]));
    const held = (await a.console.handoffs.queue()).held;
    await Promise.all(held.map((h, i) => servers[i % 2]!.console.handoffs.reply(h.id, { username: h.heldBy!, role: 'agent' }, 'مرحبا')));

    // Citizens talking to both servers (a conversation counts once a day) and asking about services.
    await Promise.all(Array.from({ length: 8 }, (_, i) => servers[i % 2]!.nafidha.kernel.handle({ channel: 'web', user: `talk-${i % 4}`, text: i < 4 ? 'شو الأوراق المطلوبة لرخصة البناء' : 'مرحبا', messageId: `m${i}` })));
    // The same conversations on both servers at the same moment: each noted by both, counted once.
    await Promise.all(['both-0', 'both-1'].flatMap((user) => servers.map((s, i) => s.nafidha.kernel.handle({ channel: 'telegram', user, text: 'مرحبا', messageId: `${user}-${i}` }))));

    // Each server writes its counts behind; both have written what they queued.
    await Promise.all([a, b].map((s) => s.nafidha.stores.settled()));
    const live = await counters();
    await rebuildCounters(a.db.connection, TZ);
    const recount = await counters();
    expect(live).toEqual(recount);

    // And the counts themselves, made here from the records.
    const today = dayOf(new Date(), TZ);
    const d = live.get(`d|${today}`)!;
    const stored = await a.db.connection.collection<Complaint>('complaints').find({}).toArray();
    const resolutions = stored.flatMap((c) => c.history).filter((h) => h.status === 'resolved').length;
    expect(resolutions).toBe(24);
    expect(Object.entries(d).filter(([k]) => k.startsWith('cs|')).reduce((s, [, n]) => s + n, 0)).toBe(24);
    expect(Object.entries(d).filter(([k]) => k.startsWith('co|')).reduce((s, [, n]) => s + n, 0)).toBe(8);
    expect(Object.entries(d).filter(([k]) => k.startsWith('ad|')).reduce((s, [, n]) => s + n, 0)).toBe(10);
    expect(Object.entries(d).filter(([k]) => k.startsWith('hq|')).reduce((s, [, n]) => s + n, 0)).toBe(6);
    expect(Object.entries(d).filter(([k]) => k.startsWith('ht|')).reduce((s, [, n]) => s + n, 0)).toBe(6);
    expect(Object.entries(d).filter(([k]) => k.startsWith('hf|')).reduce((s, [, n]) => s + n, 0)).toBe(6);
    expect(Object.entries(d).filter(([k]) => k.startsWith('q|')).reduce((s, [, n]) => s + n, 0)).toBeGreaterThan(0);
    // The overdue backlog today: reopened complaints past their deadline's day, in the department they are in now.
    const overdue = new Map<string, number>();
    for (const c of stored) {
      const s = complaintOn(c as never, today, TZ);
      if (s?.open && dayOf(c.deadline, TZ) < today) overdue.set(s.department, (overdue.get(s.department) ?? 0) + 1);
    }
    expect([...overdue.values()].reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    const { body } = await (await import('../helpers/server.js')).StaffClient.prototype.json.call(await signedIn(), 'GET', `/console/api/reports/dashboard?from=${today}&to=${today}`) as { body: { tables: Record<string, { columns: string[]; rows: (string | number)[][] }> } };
    const shown = new Map(body.tables['complaint-backlog']!.rows.map((r) => [r[0], r[2]]));
    expect(shown).toEqual(overdue);
  });
});

async function signedIn() {
  const { StaffClient } = await import('../helpers/server.js');
  const password = await a.addStaff('noura', 'supervisor');
  const client = new StaffClient(a.url);
  expect((await client.signIn('noura', password)).status).toBe(200);
  return client;
}
