import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedComplaint } from '../helpers/complaints.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// Deadlines that escalate: a complaint open past its deadline is flagged and alerted once, even with two
// instances running the job at the same moment; a department sees its own alerts, the citizen office all.

let first: TestServer;
let second: TestServer;
const DAY = 24 * 60 * 60_000;

beforeAll(async () => {
  first = await startTestServer({ dbName: 'escalation', escalateMs: 100 });
  second = await startTestServer({ join: first, escalateMs: 100 });
});
afterAll(async () => { await second?.close(); await first?.close(); });

type Alerts = { total: number; alerts: { code: string; department: string }[] };

describe('overdue complaints escalate', () => {
  it('two instances alert an overdue complaint once, flag it, and leave open-on-time and closed ones alone', async () => {
    const now = Date.now();
    const late = Array.from({ length: 5 }, (_, i) => storedComplaint({ createdAt: new Date(now - 10 * DAY), deadline: new Date(now - DAY + i * 1000), department: i % 2 ? 'public-works' : 'water-sewage', category: i % 2 ? 'roads' : 'sewage' }));
    const onTime = storedComplaint({ createdAt: new Date(now - DAY), deadline: new Date(now + DAY) });
    const closed = storedComplaint({ createdAt: new Date(now - 10 * DAY), deadline: new Date(now - DAY), status: 'closed' });
    await first.db.connection.collection('complaints').insertMany([...late, onTime, closed]);
    await first.nafidha.stores.complaints.queues.rebuild();
    await first.nafidha.stores.complaints.days.rebuild();
    // Both instances' periodic jobs run, and both are also made to run at the very same moment.
    await Promise.all([first.console.escalate(), second.console.escalate(), first.console.escalate(), second.console.escalate()]);
    const alerts = first.db.connection.collection('console_alerts');
    await until(async () => (await first.nafidha.complaints.find(late[4]!.code))?.flaggedForSupervisor);
    for (const c of late) {
      expect(await alerts.countDocuments({ code: c.code })).toBe(1);
      const stored = await until(async () => { const s = await first.nafidha.complaints.find(c.code); return s?.escalatedAt ? s : undefined; });
      expect(stored.flaggedForSupervisor).toBe(true);
      expect(stored.history.filter((h) => h.by === 'system')).toHaveLength(1);
    }
    expect(await alerts.countDocuments({ code: { $in: [onTime.code, closed.code] } })).toBe(0);
    expect((await first.nafidha.complaints.find(onTime.code))?.flaggedForSupervisor).toBe(false);
    expect(await alerts.countDocuments({})).toBe(5);

    const sewage = new StaffClient(first.url);
    await sewage.signIn('rami', await first.addStaff('rami', 'agent', 'water-sewage'));
    const office = new StaffClient(second.url);
    await office.signIn('salma', await first.addStaff('salma', 'supervisor'));
    const mine = await sewage.json<Alerts>('GET', '/console/api/alerts');
    expect(mine.body.total).toBe(3);
    expect(mine.body.alerts.every((a) => a.department === 'water-sewage')).toBe(true);
    const all = await office.json<Alerts>('GET', '/console/api/alerts');
    expect(all.body.total).toBe(5);
    expect(new Set(all.body.alerts.map((a) => a.code))).toEqual(new Set(late.map((c) => c.code)));
  });

  it('the periodic job picks up a complaint whose deadline passes later', async () => {
    const c = storedComplaint({ createdAt: new Date(Date.now() - DAY), deadline: new Date(Date.now() + 300) });
    await first.nafidha.stores.complaints.insert(c);
    const alert = await until(async () => first.db.connection.collection('console_alerts').findOne({ code: c.code }), 10_000);
    expect(alert).toMatchObject({ code: c.code, department: 'water-sewage' });
    await until(async () => (await first.nafidha.complaints.find(c.code))?.flaggedForSupervisor);
    expect(await first.db.connection.collection('console_alerts').countDocuments({ code: c.code })).toBe(1);
  });
});
