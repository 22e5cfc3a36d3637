import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/domain/applications.js';
import { OPEN_STATUSES, type Complaint, type ComplaintListQuery } from '../../src/domain/complaints.js';
import { newTrackingCode } from '../../src/domain/tracking-code.js';
import { COMPLAINT_STATUSES } from '../../src/shared/statuses.js';
import { storedComplaint } from '../helpers/complaints.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// "My work": a complaint assigned to a person of its department, what is assigned to me and what waits for someone,
// due soon besides overdue, staff of several departments, applications by department — and the queue documents
// that answer these views (db/complaint-queues.ts) agreeing with the collection after concurrent changes.

let server: TestServer;
let rami: StaffClient;
let nour: StaffClient;
let both: StaffClient;
let office: StaffClient;
const DAY = 24 * 60 * 60_000;
const HOUR = 60 * 60_000;

type Row = { code: string; department: string; assignee?: string; status: string; deadline: string; overdue: boolean };
type Page = { complaints: Row[]; total: number };

beforeAll(async () => {
  server = await startTestServer({ dbName: 'my_work' });
  rami = new StaffClient(server.url);
  nour = new StaffClient(server.url);
  both = new StaffClient(server.url);
  office = new StaffClient(server.url);
  await rami.signIn('rami', await server.addStaff('rami', 'agent', 'water-sewage'));
  await nour.signIn('nour', await server.addStaff('nour', 'agent', 'water-sewage'));
  await server.addStaff('karim', 'agent', 'public-works');
  await both.signIn('huda', await server.addStaff('huda', 'agent', 'water-sewage'));
  await server.console.staff.setDepartments('huda', ['water-sewage', 'public-works']);
  await office.signIn('salma', await server.addStaff('salma', 'supervisor'));
});
afterAll(async () => { await server?.close(); });

async function stored(o: Parameters<typeof storedComplaint>[0]): Promise<Complaint> {
  const c = storedComplaint(o);
  expect(await server.nafidha.stores.complaints.insert(c)).toBe('inserted');
  return c;
}

const codes = (p: { body: Page }) => p.body.complaints.map((c) => c.code);

describe('my work', () => {
  it('assigns to me and to a colleague of the department, lists mine and the unassigned, refuses other departments, audits', async () => {
    const now = Date.now();
    const a = await stored({ createdAt: new Date(now - DAY), deadline: new Date(now + 2 * DAY) });
    const b = await stored({ createdAt: new Date(now - DAY), deadline: new Date(now + DAY) });
    const road = await stored({ createdAt: new Date(now - DAY), deadline: new Date(now + DAY), department: 'public-works', category: 'roads' });

    expect((await rami.json('POST', `/console/api/complaints/${a.code}/assignee`, { assignee: 'me' })).status).toBe(200);
    const given = await rami.json<{ complaint: Row }>('POST', `/console/api/complaints/${b.code}/assignee`, { assignee: 'nour', note: 'you know the street' });
    expect(given.status).toBe(200);
    expect(given.body.complaint.assignee).toBe('nour');
    // Someone of another department, an unknown name, another department's complaint: refused.
    expect((await rami.json('POST', `/console/api/complaints/${a.code}/assignee`, { assignee: 'karim' })).body).toEqual({ error: 'other-department' });
    expect((await rami.json('POST', `/console/api/complaints/${a.code}/assignee`, { assignee: 'nobody-here' })).status).toBe(400);
    expect((await rami.json('POST', `/console/api/complaints/${road.code}/assignee`, { assignee: 'me' })).status).toBe(403);
    expect((await rami.json('POST', `/console/api/complaints/${a.code}/assignee`, { assignee: { $ne: 1 } })).status).toBe(400);

    const mine = await rami.json<Page>('GET', '/console/api/complaints?assignee=me');
    expect(codes(mine)).toEqual([a.code]);
    const nours = await nour.json<Page>('GET', '/console/api/complaints?assignee=me');
    expect(codes(nours)).toEqual([b.code]);
    const waiting = await rami.json<Page>('GET', '/console/api/complaints?assignee=none');
    expect(codes(waiting)).not.toContain(a.code);
    expect(codes(waiting)).not.toContain(b.code);

    // Reassigned from nour to rami: it leaves her list and joins his, earliest deadline first.
    expect((await nour.json('POST', `/console/api/complaints/${b.code}/assignee`, { assignee: 'rami' })).status).toBe(200);
    expect(codes(await rami.json<Page>('GET', '/console/api/complaints?assignee=me'))).toEqual([b.code, a.code]);
    expect(codes(await nour.json<Page>('GET', '/console/api/complaints?assignee=me'))).toEqual([]);
    // Back to the queue.
    expect((await rami.json('POST', `/console/api/complaints/${a.code}/assignee`, { assignee: '' })).status).toBe(200);
    expect(codes(await rami.json<Page>('GET', '/console/api/complaints?assignee=none'))).toContain(a.code);

    const history = (await server.nafidha.complaints.find(b.code))!.history.map((h) => h.note);
    expect(history).toEqual(expect.arrayContaining(['assigned to nour: you know the street', 'assigned to rami (was nour)']));
    const audit = await server.console.audit.list({ target: b.code });
    expect(audit.map((e) => (e as { what: string }).what)).toEqual(expect.arrayContaining(['complaint-assigned']));
    expect(audit).toHaveLength(2);

    // Resolved: no longer in anyone's work.
    expect((await rami.json('POST', `/console/api/complaints/${b.code}/status`, { status: 'resolved' })).status).toBe(200);
    expect(codes(await rami.json<Page>('GET', '/console/api/complaints?assignee=me'))).toEqual([]);
  });

  it('two people taking the same complaint at once: one gets it, the other is told', async () => {
    const c = await stored({ createdAt: new Date(), deadline: new Date(Date.now() + DAY) });
    const [x, y] = await Promise.all([
      rami.json('POST', `/console/api/complaints/${c.code}/assignee`, { assignee: 'me' }),
      nour.json('POST', `/console/api/complaints/${c.code}/assignee`, { assignee: 'me' }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const holder = (await server.nafidha.complaints.find(c.code))!.assignee!;
    const lists = await Promise.all([rami, nour].map((s) => s.json<Page>('GET', '/console/api/complaints?assignee=me')));
    expect(lists.filter((l) => codes(l).includes(c.code))).toHaveLength(1);
    expect(['rami', 'nour']).toContain(holder);
    // However late a request is read: taking one somebody holds, or moving it from whom the clerk no longer sees, is refused.
    const other = holder === 'rami' ? nour : rami;
    expect((await other.json('POST', `/console/api/complaints/${c.code}/assignee`, { assignee: 'me' })).status).toBe(409);
    expect((await other.json('POST', `/console/api/complaints/${c.code}/assignee`, { assignee: holder, from: null })).status).toBe(409);
    expect((await server.nafidha.complaints.find(c.code))!.assignee).toBe(holder);
  });

  it('"due soon" lists open complaints due within the window, apart from overdue ones', async () => {
    const now = Date.now();
    const soon = await stored({ createdAt: new Date(now - DAY), deadline: new Date(now + 2 * HOUR), department: 'urban-planning', category: 'building-violation' });
    const later = await stored({ createdAt: new Date(now - DAY), deadline: new Date(now + 30 * HOUR), department: 'urban-planning', category: 'building-violation' });
    const late = await stored({ createdAt: new Date(now - 9 * DAY), deadline: new Date(now - HOUR), department: 'urban-planning', category: 'building-violation' });
    await stored({ createdAt: new Date(now - DAY), deadline: new Date(now + HOUR), department: 'urban-planning', category: 'building-violation', status: 'resolved' });
    const dept = 'department=urban-planning';
    expect(codes(await office.json<Page>('GET', `/console/api/complaints?${dept}&dueSoon=1`))).toEqual([soon.code]);
    expect(codes(await office.json<Page>('GET', `/console/api/complaints?${dept}&dueSoon=1&within=48`))).toEqual([soon.code, later.code]);
    expect(codes(await office.json<Page>('GET', `/console/api/complaints?${dept}&overdue=1`))).toEqual([late.code]);
    expect((await office.json('GET', `/console/api/complaints?${dept}&dueSoon=1&within=0`)).status).toBe(400);
  });

  it('staff of several departments see all of theirs and no other', async () => {
    const now = Date.now();
    const sewer = await stored({ createdAt: new Date(now), deadline: new Date(now + 5 * DAY) });
    const road = await stored({ createdAt: new Date(now), deadline: new Date(now + 5 * DAY), department: 'public-works', category: 'roads' });
    const light = await stored({ createdAt: new Date(now), deadline: new Date(now + 5 * DAY), department: 'electrical-maintenance', category: 'streetlight' });
    const open = await both.json<Page>('GET', '/console/api/complaints?open=1&size=200');
    expect(codes(open)).toEqual(expect.arrayContaining([sewer.code, road.code]));
    expect(codes(open)).not.toContain(light.code);
    expect(open.body.complaints.every((c) => ['water-sewage', 'public-works'].includes(c.department))).toBe(true);
    expect((await both.json('GET', `/console/api/complaints/${road.code}`)).status).toBe(200);
    expect((await both.json('GET', `/console/api/complaints/${light.code}`)).status).toBe(403);
    expect((await both.json('GET', '/console/api/complaints?department=electrical-maintenance')).status).toBe(403);
    // Assignable to a colleague who works for public works among others.
    expect((await office.json('POST', `/console/api/complaints/${road.code}/assignee`, { assignee: 'huda' })).status).toBe(200);
    const me = await both.json<{ departments: string[] }>('GET', '/console/api/session');
    expect(me.body.departments).toEqual(['water-sewage', 'public-works']);
  });

  it('applications are listed by department: a department sees its services only, and is refused another\'s', async () => {
    const at = new Date('2026-01-05T09:00:00Z');
    const app = (service: string): Application => ({ code: newTrackingCode('application'), service, applicant: { name: 'س', phone: '0910000000' }, lang: 'ar', status: 'received', missingDocuments: [], createdAt: at, updatedAt: at, expectedBy: '2099-01-01', history: [{ at, by: 'amal', status: 'received' }] });
    const water = app('water-subscription'), power = app('electricity-subscription');
    await server.db.connection.collection('applications').insertMany([{ ...water }, { ...power }]);
    const list = await rami.json<{ applications: { code: string; service: string }[] }>('GET', '/console/api/applications?size=200');
    expect(list.body.applications.map((a) => a.code)).toContain(water.code);
    expect(list.body.applications.every((a) => a.service === 'water-subscription')).toBe(true);
    expect((await rami.json('GET', `/console/api/applications/${power.code}`)).status).toBe(403);
    expect((await rami.json('POST', `/console/api/applications/${power.code}/status`, { status: 'in-review' })).status).toBe(403);
    expect((await rami.json('GET', '/console/api/applications?department=electrical-maintenance')).status).toBe(403);
    const byDept = await office.json<{ applications: { code: string }[] }>('GET', '/console/api/applications?department=electrical-maintenance&size=200');
    expect(byDept.body.applications.map((a) => a.code)).toEqual([power.code]);
  });
});

describe('the queue documents', () => {
  it('answer every work view as the collection does, after concurrent status, assignment and department changes', async () => {
    const store = server.nafidha.stores.complaints;
    const now = Date.now();
    const departments = ['agriculture', 'sanitation'];
    let seed = 7;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const made = await Promise.all(Array.from({ length: 60 }, (_, i) => stored({
      createdAt: new Date(now - 20 * DAY), deadline: new Date(now + (rand() - 0.5) * 10 * DAY + i), department: departments[i % 2], category: i % 2 ? 'waste' : 'irrigation',
    })));
    const people = ['rami', 'nour', 'huda'];
    // Every complaint is changed several times at once from "different desks", two complaints at a time.
    const changes = (c: Complaint) => [
      server.nafidha.complaints.changeStatus(c.code, COMPLAINT_STATUSES[Math.floor(rand() * COMPLAINT_STATUSES.length)]!, 'test'),
      server.nafidha.complaints.assign(c.code, rand() < 0.3 ? null : people[Math.floor(rand() * 3)]!, 'test'),
      rand() < 0.3 ? server.nafidha.complaints.reassign(c.code, departments[Math.floor(rand() * 2)]!, 'test') : Promise.resolve(),
      server.nafidha.complaints.assign(c.code, people[Math.floor(rand() * 3)]!, 'test'),
    ];
    for (let i = 0; i < made.length; i += 2) await Promise.all(made.slice(i, i + 2).flatMap(changes));
    const at = new Date();
    const views: ComplaintListQuery[] = [
      { departments, openOnly: true, sort: 'deadline', skip: 0, limit: 100 },
      { departments, openOnly: true, sort: 'deadline', skip: 7, limit: 5 },
      { departments: ['sanitation'], overdueAt: at, sort: 'deadline', skip: 0, limit: 100 },
      { departments, dueFrom: at, dueBefore: new Date(at.getTime() + 3 * DAY), sort: 'deadline', skip: 0, limit: 100 },
      { departments, assignee: null, openOnly: true, sort: 'deadline', skip: 0, limit: 100 },
      { departments, assignee: 'nour', openOnly: true, sort: 'deadline', skip: 0, limit: 100 },
      { departments, statuses: ['in-progress'], sort: 'deadline', skip: 0, limit: 100 },
      { departments, overdueAt: at, notEscalated: true, sort: 'deadline', skip: 0, limit: 100 },
      // A category's open work, earliest deadline first: whole days are skipped by their category counts.
      { departments, categories: ['waste'], openOnly: true, sort: 'deadline', skip: 0, limit: 100 },
      { departments, categories: ['irrigation'], openOnly: true, sort: 'deadline', skip: 3, limit: 4 },
      { departments, categories: ['waste'], assignee: null, openOnly: true, sort: 'deadline', skip: 0, limit: 100 },
      { departments: ['agriculture'], categories: ['irrigation', 'waste'], statuses: ['received'], sort: 'deadline', skip: 0, limit: 100 },
    ];
    for (const view of views) {
      const fromQueues = await store.list(view);
      const fromCollection = await store.searchCollection(view);
      expect(fromQueues.items.map((c) => c.code), JSON.stringify(view)).toEqual(fromCollection.items.map((c) => c.code));
      expect(fromQueues.total, JSON.stringify(view)).toBe(fromCollection.total);
      expect(fromQueues.items.every((c) => OPEN_STATUSES.includes(c.status))).toBe(true);
    }
    // And rebuilding them from the collection gives the same answers.
    await store.queues.rebuild();
    expect((await store.list(views[0]!)).items.map((c) => c.code)).toEqual((await store.searchCollection(views[0]!)).items.map((c) => c.code));
  });
});
