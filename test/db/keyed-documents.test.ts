import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { MongoAlertStore } from '../../src/db/alerts.js';
import { MongoBookingStore } from '../../src/db/bookings.js';
import { MongoComplaintStore } from '../../src/db/complaints.js';
import { MongoOutboxStore } from '../../src/db/notifications.js';
import { BookingService, type BookingRules } from '../../src/domain/bookings.js';
import type { Complaint, ComplaintListQuery } from '../../src/domain/complaints.js';
import { newTrackingCode } from '../../src/domain/tracking-code.js';
import { COMPLAINT_STATUSES } from '../../src/shared/statuses.js';
import { shippedContent } from '../helpers/assistant.js';
import { testDatabase } from '../helpers/db.js';
import { texts, wire } from '../domain/setup.js';

// The small documents read by _id that stand in for searches FerretDB answers by reading whole collections:
// complaints by filing day (complaint-days.ts), retry keys (complaint-keys.ts, booking-index.ts) and a chat's open
// bookings. Each must follow every change, also when two servers change records at once.

const DAY = 24 * 60 * 60_000;
let db: Awaited<ReturnType<typeof testDatabase>>;
let other: Database;
beforeAll(async () => {
  db = await testDatabase('keyed');
  other = await connectDatabase(db.uri);
});
afterAll(async () => {
  await other?.close();
  await db?.close();
});

function complaint(o: Partial<Complaint> & { createdAt: Date }): Complaint {
  const code = newTrackingCode('complaint');
  return {
    code, category: 'roads', department: 'public-works', description: 'حفرة', photos: [], privacy: 'named', consentToContact: false, lang: 'ar',
    status: 'received', updatedAt: o.createdAt, deadline: new Date(o.createdAt.getTime() + 7 * DAY), history: [{ at: o.createdAt, by: 'citizen', status: 'received' }],
    flaggedForSupervisor: false, via: 'web', idempotencyKey: `keyed:${code}`, ...o,
  };
}

const change = (status: Complaint['status']) => ({ set: { status, updatedAt: new Date() }, push: { at: new Date(), by: 'test', status } });

describe('complaints by filing day', () => {
  it('a status change moves the complaint from one status count to the other, and the lists follow', async () => {
    const store = new MongoComplaintStore(db.connection);
    const c = complaint({ createdAt: new Date('2026-03-04T10:00:00Z'), category: 'street-lighting', department: 'electrical-maintenance' });
    expect(await store.insert(c)).toBe('inserted');
    const month = async () => (await db.connection.collection('complaint_days').findOne({ _id: 'month|2026-03' as never }))?.days['2026-03-04'];
    expect(await month()).toEqual({ 'electrical-maintenance|received|street-lighting': 1 });
    const q = (statuses: Complaint['status'][]): ComplaintListQuery => ({ statuses, categories: ['street-lighting'], sort: 'newest', skip: 0, limit: 10 });
    expect((await store.list(q(['received']))).items.map((x) => x.code)).toEqual([c.code]);

    await store.update(c.code, {}, change('in-progress'));
    expect(await month()).toEqual({ 'electrical-maintenance|in-progress|street-lighting': 1 });
    expect((await store.list(q(['received']))).total).toBe(0);
    const moved = await store.list(q(['in-progress']));
    expect(moved.items.map((x) => [x.code, x.status])).toEqual([[c.code, 'in-progress']]);
    expect(moved.total).toBe(1);
    const day = await db.connection.collection('complaint_days').findOne({ _id: 'day|2026-03-04' as never });
    expect(day!.items).toEqual([expect.objectContaining({ c: c.code, s: 'in-progress', k: 'street-lighting', d: 'electrical-maintenance' })]);
  });

  it('two servers changing complaints at once leave documents equal to a recount, and every search answers as the collection does', async () => {
    const one = new MongoComplaintStore(db.connection);
    const two = new MongoComplaintStore(other.connection);
    const base = Date.parse('2026-05-20T12:00:00Z');
    let seed = 11;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const departments = ['public-works', 'sanitation', 'agriculture'];
    const made = Array.from({ length: 48 }, (_, i) => complaint({
      createdAt: new Date(base - Math.floor(rand() * 40) * DAY - i * 60_000), department: departments[i % 3]!, category: i % 2 ? 'roads' : 'waste',
    }));
    await Promise.all(made.map((c, i) => (i % 2 ? one : two).insert(c)));
    // Each complaint is changed from both servers at the same moment: a status, a person, another department.
    await Promise.all(made.flatMap((c, i) => [
      one.update(c.code, {}, change(COMPLAINT_STATUSES[i % COMPLAINT_STATUSES.length]!)),
      two.update(c.code, {}, { set: { assignee: i % 3 ? `clerk-${i % 4}` : null, updatedAt: new Date() }, push: { at: new Date(), by: 'test' } }),
      ...(i % 5 === 0 ? [two.update(c.code, {}, { set: { department: 'urban-planning', updatedAt: new Date() }, push: { at: new Date(), by: 'test' } })] : []),
    ]));
    const recount = await one.days.recount();
    const stored = await one.days.stored();
    const sorted = (m: Map<string, { c: string }[]>) => [...m].map(([k, v]) => [k, [...v].sort((a, b) => a.c.localeCompare(b.c))]).sort();
    expect([...stored.months].sort()).toEqual([...recount.months].sort());
    expect(sorted(stored.days)).toEqual(sorted(recount.days));

    const from = new Date(base - 25 * DAY), to = new Date(base - 5 * DAY);
    const searches: ComplaintListQuery[] = [
      { sort: 'newest', skip: 0, limit: 10 },
      { sort: 'newest', skip: 13, limit: 7 },
      { sort: 'oldest', skip: 0, limit: 15 },
      { sort: 'newest', categories: ['waste'], skip: 2, limit: 5 },
      { sort: 'newest', departments: ['sanitation', 'urban-planning'], statuses: ['received', 'reopened', 'closed'], skip: 0, limit: 50 },
      { sort: 'newest', from, to, skip: 0, limit: 50 },
      { sort: 'oldest', from, categories: ['roads'], skip: 1, limit: 50 },
      { sort: 'deadline', categories: ['roads'], openOnly: true, skip: 0, limit: 50 },
      // Earliest deadline in some departments: the queue documents, filtered by category.
      { sort: 'deadline', departments: ['public-works', 'urban-planning'], categories: ['roads'], openOnly: true, skip: 0, limit: 50 },
      { sort: 'deadline', departments: departments, categories: ['waste'], overdueAt: new Date(base), skip: 1, limit: 50 },
    ];
    for (const q of searches) {
      const fromDays = await one.list(q);
      const fromCollection = await one.searchCollection(q);
      expect(fromDays.items.map((c) => c.code), JSON.stringify(q)).toEqual(fromCollection.items.map((c) => c.code));
      expect(fromDays.total, JSON.stringify(q)).toBe(fromCollection.total);
      expect(fromDays.estimated).toBeUndefined();
    }
    // A filter the counts cannot answer (a person, newest first): the same page; the total only estimated once
    // the page is filled before the last day.
    const mine: ComplaintListQuery = { sort: 'newest', assignee: 'clerk-1', skip: 0, limit: 3 };
    const page = await one.list(mine);
    const exact = await one.searchCollection(mine);
    expect(page.items.map((c) => c.code)).toEqual(exact.items.map((c) => c.code));
    expect(page.total).toBeGreaterThan(0);
    if (!page.estimated) expect(page.total).toBe(exact.total);

    // A rebuild from the collection writes the same documents.
    await one.days.rebuild();
    expect(sorted((await one.days.stored()).days)).toEqual(sorted(recount.days));
  });
});

describe('retry keys and anonymous keys', () => {
  it('a filing retried after its key document was lost (a crash between the two writes) files once', async () => {
    const app = wire(db.connection);
    const input = { category: 'roads', description: 'حفرة كبيرة أمام المدرسة', location: { text: 'شارع المدرسة' }, privacy: 'named' as const, name: 'سالم',
      consentToContact: true, lang: 'ar' as const, from: { channel: 'web' as const, user: 'keyed-1' }, messageId: 'keyed-msg-1' };
    const first = await app.complaints.fileComplaint(input);
    if (!first.ok) throw new Error('not filed');
    await db.connection.collection('complaint_keys').deleteOne({ _id: first.complaint.idempotencyKey as never });
    const again = await app.complaints.fileComplaint(input);
    expect(again.ok && again.duplicate && again.receipt.code).toBe(first.receipt.code);
    expect(await db.connection.collection('complaints').countDocuments({ 'source.user': 'keyed-1' })).toBe(1);
    // The key was noted again, so the next retry finds it by _id.
    expect((await db.connection.collection('complaint_keys').findOne({ _id: first.complaint.idempotencyKey as never }))?.code).toBe(first.receipt.code);
  });

  it("an anonymous filing's key documents are gone once its key is forgotten", async () => {
    const past = wire(db.connection, { now: () => new Date(Date.now() - 2 * 60 * 60_000) });
    const anonymous = { category: 'roads', description: 'حفرة في الطريق الدائري', location: { text: 'الدائري' }, privacy: 'anonymous' as const,
      consentToContact: false, lang: 'ar' as const, from: { channel: 'web' as const, user: 'keyed-anon' }, messageId: 'keyed-anon-1' };
    const old = await past.complaints.fileComplaint(anonymous);
    if (!old.ok) throw new Error('not filed');
    const hash = old.complaint.idempotencyKey;
    expect(await db.connection.collection('complaint_keys').findOne({ _id: hash as never })).not.toBeNull();
    expect(await db.connection.collection('complaint_keys_pending').findOne({ _id: old.receipt.code as never })).not.toBeNull();
    await wire(db.connection).complaints.fileComplaint({ ...anonymous, privacy: 'named', name: 'x', from: { channel: 'web', user: 'keyed-trigger' }, messageId: 'keyed-trigger' });
    expect((await db.connection.collection('complaints').findOne({ _id: old.receipt.code as never }))?.idempotencyKey).toBe(`forgotten:${old.receipt.code}`);
    expect(await db.connection.collection('complaint_keys').findOne({ _id: hash as never })).toBeNull();
    expect(await db.connection.collection('complaint_keys_pending').findOne({ _id: old.receipt.code as never })).toBeNull();
  });
});

describe("a chat's open bookings", () => {
  const SUNDAY = new Date('2026-12-27T06:00:00Z');
  function bookings(connection = db.connection) {
    const { content } = shippedContent();
    const rules: BookingRules = { booking: structuredClone(content.booking), municipality: content.municipality, services: content.services, holidays: content.holidays.map((h) => h.date) };
    return new BookingService({ store: new MongoBookingStore(connection), rules, outbox: new MongoOutboxStore(connection), texts, now: () => SUNDAY });
  }
  const chat = { channel: 'telegram' as const, user: 'keyed-booker' };
  const input = (day: string, key: string) => ({ service: 'health-certificate', branch: 'east-centre', day, time: '09:30', name: 'Amal', phone: '+218 91 000 7777', chat, lang: 'en' as const, by: 'citizen', via: 'telegram', idempotencyKey: key });

  it('follow booking, cancelling and rescheduling, from two servers', async () => {
    const one = bookings(), two = bookings(other.connection);
    const [a, b] = await Promise.all([one.book(input('2026-12-28', 'kb:1')), two.book(input('2026-12-29', 'kb:2'))]);
    if (!a.ok || !b.ok) throw new Error('not booked');
    const listed = async () => ((await db.connection.collection('booking_chats').findOne({ _id: 'chat|telegram|keyed-booker' as never }))?.items ?? [])
      .map((e: { code: string; day: string }) => `${e.code} ${e.day}`).sort();
    expect(await listed()).toEqual([`${a.booking.code} 2026-12-28`, `${b.booking.code} 2026-12-29`].sort());
    expect((await two.mine(chat)).map((x) => x.code)).toEqual([a.booking.code, b.booking.code]);
    const moved = await two.reschedule(a.booking.code, '2026-12-30', '10:00', 'citizen', chat);
    expect(moved.ok).toBe(true);
    await one.cancel(b.booking.code, 'citizen', chat);
    expect(await listed()).toEqual([`${a.booking.code} 2026-12-30`]);
    expect((await one.mine(chat)).map((x) => x.code)).toEqual([a.booking.code]);
  });

  it('a confirm retried after its key document was lost returns the booking it made', async () => {
    const one = bookings();
    const made = await one.book(input('2026-12-28', 'kb:lost'));
    if (!made.ok) throw new Error(made.ok ? '' : made.problem);
    await db.connection.collection('booking_keys').deleteOne({ _id: 'kb:lost' as never });
    const again = await one.book(input('2026-12-28', 'kb:lost'));
    expect(again.ok && again.repeated && again.booking.code).toBe(made.booking.code);
  });

  it('bookings stored before (an ObjectId _id, no chat list) are moved to their code at the first start', async () => {
    const legacy = await testDatabase('keyedlegacy');
    try {
      const at = new Date('2026-12-20T08:00:00Z');
      const old = { code: 'B-LEGCY-00001', service: 'health-certificate', branch: 'east-centre', day: '2026-12-28', time: '09:30', start: at, seat: 0, status: 'booked',
        citizen: { name: 'Old', phone: '+218910000001', chat: { channel: 'telegram', user: 'legacy-chat' } }, lang: 'en', via: 'telegram', createdAt: at, updatedAt: at,
        history: [{ at, by: 'citizen', status: 'booked' }], idempotencyKey: 'legacy:1' };
      await legacy.connection.collection('bookings').insertOne({ ...old });
      const store = new MongoBookingStore(legacy.connection);
      expect((await store.findByCode(old.code))?.citizen.name).toBe('Old');
      expect((await store.listByChat({ channel: 'telegram', user: 'legacy-chat' }, ['booked'])).map((b) => b.code)).toEqual([old.code]);
      expect(await legacy.connection.collection('bookings').countDocuments()).toBe(1);
      expect(await legacy.connection.collection('bookings').findOne({ _id: old.code as never })).not.toBeNull();
    } finally {
      await legacy.close();
    }
  });

  it('past places are deleted; the places ahead stay', async () => {
    const store = new MongoBookingStore(db.connection);
    const places = db.connection.collection('booking_places');
    await places.insertMany([
      { _id: 'place:east-centre|health-certificate|2026-01-05|09:30|0', code: 'B-OLD', at: new Date(), day: '2026-01-05' },
      { _id: 'claim:day:telegram:x:health-certificate:2026-01-05', code: 'B-OLD', at: new Date(), day: '2026-01-05' },
    ] as never[]);
    const ahead = await places.countDocuments({ day: { $gte: '2026-12-27' } });
    expect(ahead).toBeGreaterThan(0);
    expect(await store.forgetPast('2026-12-27')).toBeGreaterThanOrEqual(2);
    expect(await places.countDocuments({ day: { $lt: '2026-12-27' } })).toBe(0);
    expect(await places.countDocuments({ day: { $gte: '2026-12-27' } })).toBe(ahead);
  });
});

describe('the alerts list', () => {
  it('counts and lists, newest first, the alerts two servers raise at once, each once', async () => {
    const one = new MongoAlertStore(db.connection), two = new MongoAlertStore(other.connection);
    const t0 = Date.parse('2026-06-01T08:00:00Z');
    const alert = (i: number) => ({ key: `overdue:AL-${i}`, code: `AL-${i}`, department: i % 2 ? 'sanitation' : 'public-works', deadline: new Date(t0), at: new Date(t0 + i * 60_000) });
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => [one.insertOnce(alert(i)), two.insertOnce(alert(i))]).flat());
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(12);
    const all = await two.list({ limit: 5 });
    expect(all.total).toBe(12);
    expect(all.alerts.map((a) => a.code)).toEqual(['AL-11', 'AL-10', 'AL-9', 'AL-8', 'AL-7']);
    const sanitation = await one.list({ departments: ['sanitation'], limit: 100 });
    expect(sanitation.total).toBe(6);
    expect(sanitation.alerts.every((a) => a.department === 'sanitation')).toBe(true);
    expect((await one.list({ since: new Date(t0 + 8.5 * 60_000), limit: 1 })).total).toBe(3);
  });
});
