import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Complaint } from '../../src/domain/complaints.js';
import { storedComplaint } from '../helpers/complaints.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// Departments as staff scopes: a department's agent lists and changes only its complaints; the citizen office all.
// The list is answered by the database: filters, sorting and paging hold beyond any in-memory window.

let server: TestServer;
let sewage: StaffClient;
let counter: StaffClient;
let office: StaffClient;
const DAY = 24 * 60 * 60_000;

type Row = { code: string; department: string; overdue: boolean; status: string; createdAt: string };
type Page = { complaints: Row[]; total: number; page: number; size: number };

beforeAll(async () => {
  server = await startTestServer({ dbName: 'departments' });
  sewage = new StaffClient(server.url);
  counter = new StaffClient(server.url);
  office = new StaffClient(server.url);
  await sewage.signIn('rami', await server.addStaff('rami', 'agent', 'water-sewage'));
  await counter.signIn('amal', await server.addStaff('amal', 'agent'));
  await office.signIn('salma', await server.addStaff('salma', 'supervisor'));
});
afterAll(async () => { await server?.close(); });

async function file(category: string, user: string): Promise<string> {
  const filed = await server.nafidha.complaints.fileComplaint({
    category, description: `مشكلة ${user}`, privacy: 'named', name: 'سالم', from: { channel: 'telegram', user }, consentToContact: false, lang: 'ar', messageId: `d-${user}`,
  });
  if (!filed.ok) throw new Error('not filed');
  return filed.receipt.code;
}

describe('department scopes', () => {
  it("a department's agent sees its department's complaints by default and is refused another's", async () => {
    const sewer = await file('sewage', '9101');
    const road = await file('roads', '9102');
    const { body: me } = await sewage.json<{ department: string }>('GET', '/console/api/session');
    expect(me.department).toBe('water-sewage');

    const mine = await sewage.json<Page>('GET', '/console/api/complaints');
    expect(mine.status).toBe(200);
    expect(mine.body.complaints.map((c) => c.code)).toContain(sewer);
    expect(mine.body.complaints.every((c) => c.department === 'water-sewage')).toBe(true);
    expect((await sewage.json('GET', '/console/api/complaints?department=public-works')).status).toBe(403);
    expect((await sewage.json('GET', `/console/api/complaints/${road}`)).status).toBe(403);
    expect((await sewage.json('POST', `/console/api/complaints/${road}/status`, { status: 'in-progress' })).status).toBe(403);
    expect((await sewage.json('POST', `/console/api/complaints/${road}/department`, { department: 'water-sewage' })).status).toBe(403);
    expect((await server.nafidha.complaints.find(road))?.status).toBe('received');

    expect((await sewage.json('GET', `/console/api/complaints/${sewer}`)).status).toBe(200);
    expect((await sewage.json('POST', `/console/api/complaints/${sewer}/status`, { status: 'in-progress' })).status).toBe(200);
  });

  it('the citizen office and the counter see every department', async () => {
    const road = await file('roads', '9103');
    for (const who of [office, counter]) {
      const all = await who.json<Page>('GET', '/console/api/complaints');
      expect(new Set(all.body.complaints.map((c) => c.department)).size).toBeGreaterThan(1);
      expect(all.body.complaints.map((c) => c.code)).toContain(road);
      expect((await who.json('GET', `/console/api/complaints/${road}`)).status).toBe(200);
    }
  });

  it('bad filters are a polite 400, never a 500', async () => {
    for (const q of ['status=lost', 'from=yesterday', 'page=0', 'size=5000', 'sort=random', 'status=received&status=closed']) {
      const res = await office.json<{ error: string }>('GET', `/console/api/complaints?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error).toBe('invalid-filter');
    }
  });
});

describe('the list answered by the database', () => {
  it('an overdue complaint older than the newest 600 appears in "overdue only", with paging and a total', async () => {
    const now = Date.now();
    const base = (_i: number, createdAt: Date, deadline: Date, status: Complaint['status'] = 'received') => storedComplaint({ createdAt, deadline, status });
    const old = base(0, new Date(now - 90 * DAY), new Date(now - 80 * DAY));
    const oldClosed = base(1, new Date(now - 91 * DAY), new Date(now - 81 * DAY), 'closed');
    // 620 newer complaints, none overdue.
    const recent = Array.from({ length: 620 }, (_, i) => base(i + 2, new Date(now - i * 60_000), new Date(now + 7 * DAY)));
    await server.db.connection.collection('complaints').insertMany([old, oldClosed, ...recent]);
    // Put straight into the collection: the queues are built from it as at a first start.
    await server.nafidha.stores.complaints.queues.rebuild();
    await server.nafidha.stores.complaints.days.rebuild();

    const overdue = await sewage.json<Page>('GET', '/console/api/complaints?overdue=1');
    expect(overdue.status).toBe(200);
    expect(overdue.body.complaints.map((c) => c.code)).toEqual([old.code]);
    expect(overdue.body.total).toBe(1);
    expect(overdue.body.complaints[0]!.overdue).toBe(true);

    const first = await sewage.json<Page>('GET', '/console/api/complaints?size=200');
    expect(first.body.total).toBeGreaterThanOrEqual(622);
    const last = Math.ceil(first.body.total / 200);
    const seen = new Set<string>();
    for (let page = 1; page <= last; page++) {
      const { body } = await sewage.json<Page>('GET', `/console/api/complaints?size=200&page=${page}`);
      for (const c of body.complaints) seen.add(c.code);
    }
    // Every complaint once across the pages: no repeats, none skipped.
    expect(seen.size).toBe(first.body.total);
    expect(seen.has(oldClosed.code)).toBe(true);

    const oldest = await sewage.json<Page>('GET', '/console/api/complaints?sort=oldest&size=2');
    expect(oldest.body.complaints.map((c) => c.code)).toEqual([oldClosed.code, old.code]);
    const byDeadline = await sewage.json<Page>('GET', '/console/api/complaints?sort=deadline&size=1&status=received');
    expect(byDeadline.body.complaints[0]!.code).toBe(old.code);

    const day = new Date(now - 90 * DAY).toISOString().slice(0, 10);
    const ranged = await sewage.json<Page>('GET', `/console/api/complaints?from=${day}&to=${day}`);
    expect(ranged.body.complaints.map((c) => c.code)).toEqual([old.code]);
    // The same overdue complaint is refused to another department's list, and shown in the office's.
    const officeOverdue = await office.json<Page>('GET', '/console/api/complaints?overdue=1&department=water-sewage');
    expect(officeOverdue.body.complaints.map((c) => c.code)).toEqual([old.code]);
  });

  it('the indexes the list relies on are declared', async () => {
    const indexes = await server.db.connection.collection('complaints').indexes();
    const keys = indexes.map((i) => JSON.stringify(i.key));
    expect(keys).toContain(JSON.stringify({ department: 1, status: 1, deadline: 1 }));
    expect(keys).toContain(JSON.stringify({ status: 1, deadline: 1 }));
  });
});
