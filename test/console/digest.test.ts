import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay, zonedInstant } from '../../src/domain/working-days.js';
import { shippedContent } from '../helpers/assistant.js';
import { storedComplaint } from '../helpers/complaints.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// The daily digest of each department (overdue, due within a working day, new and unassigned), made once a day
// per department however many instances run the job; and overdue alerts reaching the department's supervisor as
// a badge of what is new since they last looked.

let first: TestServer;
let second: TestServer;
const DAY = 24 * 60 * 60_000;
const HOUR = 60 * 60_000;
const TZ = 'Africa/Tripoli';
const today = localDay(new Date(), TZ);
// The console's clock: 06:00 in the municipality at start, before the 07:00 digest; the test moves it on.
let clock = zonedInstant(today, '06:00', TZ);

beforeAll(async () => {
  first = await startTestServer({ dbName: 'digest', digestAt: '07:00', escalateMs: 60 * 60_000, now: () => clock });
  second = await startTestServer({ join: first, digestAt: '07:00', escalateMs: 60 * 60_000, now: () => clock });
});
afterAll(async () => { await second?.close(); await first?.close(); });

type Digests = { day: string; digests: { department: string; overdue: number; dueSoon: number; waiting: number; overdueCodes: string[] }[] };
type Alerts = { total: number; unseen: number; alerts: { code: string; unseen: boolean }[] };

describe('the daily digest', () => {
  it('is made once per department and day across instances, and a department reads its own', async () => {
    const store = first.nafidha.stores.complaints;
    expect(await first.console.digest()).toBe(0);
    const now = zonedInstant(today, '07:30', TZ).getTime();
    const put = async (o: Parameters<typeof storedComplaint>[0]) => { const c = storedComplaint({ department: 'sanitation', category: 'waste', ...o }); await store.insert(c); return c; };
    const late1 = await put({ createdAt: new Date(now - 9 * DAY), deadline: new Date(now - 2 * DAY) });
    const late2 = await put({ createdAt: new Date(now - 9 * DAY), deadline: new Date(now - HOUR), status: 'in-progress' });
    await put({ createdAt: new Date(now - DAY), deadline: new Date(now + 2 * HOUR) });
    const held = await put({ createdAt: new Date(now), deadline: new Date(now + 10 * DAY) });
    await first.nafidha.complaints.assign(held.code, 'someone', 'test');
    await put({ createdAt: new Date(now - 9 * DAY), deadline: new Date(now - DAY), status: 'closed' });

    // 07:30: the periodic jobs of both instances may run now, and both are made to run at the very same moment.
    clock = new Date(now);
    const made = await Promise.all([first.console.digest(), second.console.digest(), first.console.digest(), second.console.digest()]);
    const departments = await first.db.connection.collection('department_digests').find({}).toArray();
    const count = new Map<string, number>();
    for (const d of departments) count.set(String(d.department), (count.get(String(d.department)) ?? 0) + 1);
    expect([...count.values()].every((n) => n === 1)).toBe(true);
    // (A start-up pass of either instance may have made some first.)
    expect(made.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(departments.length);
    expect(departments.map((d) => d.department).sort()).toEqual(shippedContent().content.departments.map((d) => d.id).sort());
    expect(count.get('sanitation')).toBe(1);
    // Another pass the same day makes nothing.
    expect(await first.console.digest()).toBe(0);

    const clerk = new StaffClient(first.url);
    await clerk.signIn('mona', await first.addStaff('mona', 'agent', 'sanitation'));
    const mine = await clerk.json<Digests>('GET', '/console/api/digests');
    expect(mine.status).toBe(200);
    expect(mine.body.digests).toHaveLength(1);
    expect(mine.body.digests[0]).toMatchObject({ department: 'sanitation', overdue: 2, dueSoon: 1, waiting: 3 - 1 });
    expect(mine.body.digests[0]!.overdueCodes).toEqual([late1.code, late2.code]);
    const office = new StaffClient(second.url);
    await office.signIn('salma', await first.addStaff('salma', 'supervisor'));
    expect((await office.json<Digests>('GET', '/console/api/digests')).body.digests.length).toBe(departments.length);
  });
});

describe('overdue alerts for the supervisor', () => {
  it("reach the department's supervisor as new until opened, and again when another deadline passes", async () => {
    const boss = new StaffClient(first.url);
    await boss.signIn('walid', await first.addStaff('walid', 'supervisor', 'agriculture'));
    const now = clock.getTime();
    const a = storedComplaint({ createdAt: new Date(now - 9 * DAY), deadline: new Date(now - DAY), department: 'agriculture', category: 'irrigation' });
    const elsewhere = storedComplaint({ createdAt: new Date(now - 9 * DAY), deadline: new Date(now - DAY), department: 'urban-planning', category: 'building-violation' });
    await first.nafidha.stores.complaints.insert(a);
    await first.nafidha.stores.complaints.insert(elsewhere);
    await Promise.all([first.console.escalate(), second.console.escalate()]);
    const seen = await until(async () => { const r = await boss.json<Alerts>('GET', '/console/api/alerts'); return r.body.total >= 1 ? r.body : undefined; });
    // Only his department's, marked new.
    expect(seen.alerts.map((x) => x.code)).toEqual([a.code]);
    expect(seen.unseen).toBe(1);
    expect((await boss.json('POST', '/console/api/alerts/seen', {})).status).toBe(200);
    expect((await boss.json<Alerts>('GET', '/console/api/alerts')).body.unseen).toBe(0);

    const b = storedComplaint({ createdAt: new Date(now - 9 * DAY), deadline: new Date(now - HOUR), department: 'agriculture', category: 'irrigation' });
    await first.nafidha.stores.complaints.insert(b);
    clock = new Date(clock.getTime() + 60_000);
    await second.console.escalate();
    const again = (await boss.json<Alerts>('GET', '/console/api/alerts')).body;
    expect(again.unseen).toBe(1);
    expect(again.alerts.find((x) => x.code === b.code)?.unseen).toBe(true);
    expect(again.alerts.find((x) => x.code === a.code)?.unseen).toBe(false);
    expect((await boss.json('POST', '/console/api/alerts/seen', { x: 1 })).status).toBe(400);
  });
});
