import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { MongoBookingStore } from '../../src/db/bookings.js';
import { MongoOutboxStore } from '../../src/db/notifications.js';
import { BookingService, type BookingRules } from '../../src/domain/bookings.js';
import { shippedContent } from '../helpers/assistant.js';
import { openDatabase, texts } from './setup.js';

// Sunday 27 December 2026, 08:00 in Al-Waha (UTC+2).
const SUNDAY = new Date('2026-12-27T06:00:00Z');

let db: Awaited<ReturnType<typeof openDatabase>>;
let other: Database;

beforeAll(async () => {
  db = await openDatabase('bookings');
  other = await connectDatabase(db.uri);
});
afterAll(async () => {
  await other?.close();
  await db?.drop();
});

function rules(counters?: number): BookingRules {
  const { content } = shippedContent();
  const booking = structuredClone(content.booking);
  if (counters) booking.branches.find((b) => b.branch === 'main-hall')!.services.find((s) => s.service === 'building-permit')!.counters = counters;
  return { booking, municipality: content.municipality, services: content.services, holidays: content.holidays.map((h) => h.date) };
}

function service(connection = db.connection, opts: { counters?: number; now?: () => Date } = {}) {
  const outbox = new MongoOutboxStore(connection);
  return { outbox, bookings: new BookingService({ store: new MongoBookingStore(connection), rules: rules(opts.counters), outbox, texts, now: opts.now ?? (() => SUNDAY) }) };
}

const citizen = (i: number) => ({ name: `Citizen ${i}`, phone: `+218 91 000 ${String(1000 + i)}`, chat: { channel: 'telegram' as const, user: `race-${i}-${Math.random()}` } });

describe('booking a slot', () => {
  it('the free times follow the branch hours, skip slots too soon, and the holiday is never offered', () => {
    const { bookings } = service();
    const times = bookings.slotTimes('main-hall', 'building-permit', '2026-12-27');
    // 08:00–15:00 in 20-minute slots, and nothing within the hour from 08:00.
    expect(times[0]).toBe('09:00');
    expect(times.at(-1)).toBe('14:40');
    expect(bookings.slotTimes('main-hall', 'building-permit', '2027-01-01')).toEqual([]); // a Friday
    expect(bookings.openOn('main-hall', '2026-12-31')).toBe(false); // the training day
    const later = service(db.connection, { now: () => new Date('2026-12-22T06:00:00Z') }).bookings;
    expect(later.slotTimes('main-hall', 'building-permit', '2026-12-24')).toEqual([]); // Independence Day
    expect(later.slotTimes('main-hall', 'building-permit', '2026-12-23').length).toBeGreaterThan(0);
    expect(bookings.slotTimes('main-hall', 'building-permit', '2027-02-01')).toEqual([]); // beyond two weeks
  });

  it('40 citizens racing for a slot with 3 places on two servers: exactly 3 get it', async () => {
    const one = service(db.connection, { counters: 3 }).bookings;
    const two = service(other.connection, { counters: 3 }).bookings;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).book({
      service: 'building-permit', branch: 'main-hall', day: '2026-12-28', time: '10:00', ...citizen(i), lang: 'en', by: 'citizen', via: 'telegram', idempotencyKey: `race:${i}`,
    })));
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(3);
    expect(results.filter((r) => !r.ok && r.problem === 'slot-taken')).toHaveLength(37);
    const seats = won.map((r) => (r.ok ? r.booking.seat : -1)).sort();
    expect(seats).toEqual([0, 1, 2]);
    expect((await one.day('main-hall', '2026-12-28')).filter((b) => b.time === '10:00')).toHaveLength(3);
    expect((await one.freeSlots('main-hall', 'building-permit', '2026-12-28')).some((s) => s.time === '10:00')).toBe(false);
  });

  it('a retried confirm books once, and the same citizen cannot hold the service twice on one day', async () => {
    const { bookings } = service();
    const who = citizen(100);
    const input = { service: 'health-certificate', branch: 'east-centre', day: '2026-12-29', time: '09:30', ...who, lang: 'ar' as const, by: 'citizen', via: 'telegram', idempotencyKey: 'retry:1' };
    const [a, b] = await Promise.all([bookings.book(input), bookings.book(input)]);
    expect(a.ok && b.ok && a.booking.code === b.booking.code).toBe(true);
    expect((await bookings.mine(who.chat))).toHaveLength(1);
    const again = await bookings.book({ ...input, time: '10:00', idempotencyKey: 'retry:2' });
    expect(again).toEqual({ ok: false, problem: 'same-day' });
  });

  it('cancelling frees the place and rescheduling keeps the code and moves the place', async () => {
    const { bookings } = service(db.connection, { counters: 1 });
    const who = citizen(200);
    const made = await bookings.book({ service: 'building-permit', branch: 'main-hall', day: '2026-12-29', time: '11:00', ...who, lang: 'en', by: 'citizen', via: 'telegram', idempotencyKey: 'move:1' });
    if (!made.ok) throw new Error(made.problem);
    expect(made.booking.code).toMatch(/^B-/);
    const moved = await bookings.reschedule(made.booking.code, '2026-12-30', '12:00', 'citizen', who.chat);
    expect(moved.ok && moved.booking.code === made.booking.code && moved.booking.day === '2026-12-30').toBe(true);
    const free29 = await bookings.freeSlots('main-hall', 'building-permit', '2026-12-29');
    expect(free29.some((s) => s.time === '11:00')).toBe(true);
    expect((await bookings.freeSlots('main-hall', 'building-permit', '2026-12-30')).some((s) => s.time === '12:00')).toBe(false);
    expect(await bookings.cancel(made.booking.code, 'citizen', citizen(201).chat)).toEqual({ ok: false, problem: 'not-found' });
    const cancelled = await bookings.cancel(made.booking.code, 'citizen', who.chat);
    expect(cancelled.ok && cancelled.booking.status).toBe('cancelled');
    expect((await bookings.freeSlots('main-hall', 'building-permit', '2026-12-30')).some((s) => s.time === '12:00')).toBe(true);
    expect(await bookings.mine(who.chat)).toEqual([]);
  });

  it('reminders go out once, from whichever of two servers gets there first, and never for a cancelled booking', async () => {
    let now = SUNDAY;
    const one = service(db.connection, { now: () => now });
    const two = service(other.connection, { now: () => now });
    const kept = citizen(300);
    const dropped = citizen(301);
    const a = await one.bookings.book({ service: 'residence-certificate', branch: 'east-centre', day: '2026-12-28', time: '10:00', ...kept, lang: 'ar', by: 'citizen', via: 'telegram', idempotencyKey: 'rem:1' });
    const b = await one.bookings.book({ service: 'residence-certificate', branch: 'east-centre', day: '2026-12-28', time: '10:10', ...dropped, lang: 'en', by: 'citizen', via: 'telegram', idempotencyKey: 'rem:2' });
    if (!a.ok || !b.ok) throw new Error('not booked');
    await one.bookings.cancel(b.booking.code, 'citizen', dropped.chat);
    expect(await one.bookings.sendDueReminders()).toBe(0); // 08:00 on the day before: not yet 18:00
    now = new Date('2026-12-27T16:05:00Z');
    const sent = await Promise.all([one.bookings.sendDueReminders(), two.bookings.sendDueReminders(), one.bookings.sendDueReminders()]);
    expect(sent.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(1);
    // Every booking due (this one and the race's winners the day after) is reminded exactly once.
    const all = await one.outbox.list();
    const perCode = new Map<string, number>();
    for (const n of all) if (n.about?.kind === 'booking') perCode.set(n.about.code, (perCode.get(n.about.code) ?? 0) + 1);
    expect([...perCode.values()].every((n) => n === 1)).toBe(true);
    expect(perCode.size).toBe(sent.reduce((x, y) => x + y, 0));
    const toKept = await one.outbox.list({ to: kept.chat });
    expect(toKept).toHaveLength(1);
    expect(toKept[0].reply.text).toContain(a.booking.code);
    expect(toKept[0].reply.text).toContain('10:00');
    expect(toKept[0].reply.text).toContain('بطاقة'); // the documents to bring
    expect(await one.outbox.list({ to: dropped.chat })).toHaveLength(0);
    // A restarted server finds nothing left to send.
    expect(await service(other.connection, { now: () => now }).bookings.sendDueReminders()).toBe(0);
  });

  it('a meeting request is approved with its reminder, or declined with a reason that frees the place; the citizen is told', async () => {
    const { bookings, outbox } = service();
    const who = citizen(400);
    const asked = await bookings.book({ service: 'mayor-meeting', branch: 'main-hall', day: '2026-12-29', time: '10:00', ...who, lang: 'en', subject: 'Street lights', by: 'citizen', via: 'telegram', idempotencyKey: 'mayor:1' });
    if (!asked.ok) throw new Error(asked.problem);
    expect(asked.booking.status).toBe('requested');
    expect(await bookings.decide(asked.booking.code, false, 'office:huda')).toEqual({ ok: false, problem: 'reason-missing' });
    const approved = await bookings.decide(asked.booking.code, true, 'office:huda');
    expect(approved.ok && approved.booking.status).toBe('booked');
    expect(approved.ok && approved.booking.remindAt).toBeInstanceOf(Date);
    expect(await bookings.decide(asked.booking.code, true, 'office:huda')).toEqual({ ok: false, problem: 'not-open' });

    const other = citizen(401);
    const second = await bookings.book({ service: 'mayor-meeting', branch: 'main-hall', day: '2026-12-29', time: '11:00', ...other, lang: 'ar', subject: 'حديقة', by: 'citizen', via: 'telegram', idempotencyKey: 'mayor:2' });
    if (!second.ok) throw new Error(second.problem);
    const declined = await bookings.decide(second.booking.code, false, 'office:huda', 'الرئيس مسافر ذلك الأسبوع');
    expect(declined.ok && declined.booking.status).toBe('declined');
    expect((await bookings.freeSlots('main-hall', 'mayor-meeting', '2026-12-29')).some((x) => x.time === '11:00')).toBe(true);
    expect((await outbox.list({ to: who.chat })).map((n) => n.reply.text).join()).toContain('confirmed');
    expect((await outbox.list({ to: other.chat })).map((n) => n.reply.text).join()).toContain('الرئيس مسافر');
  });

  it('a booking the municipality cancels is told to the citizen; one the citizen cancels is not', async () => {
    const { bookings, outbox } = service();
    const who = citizen(500);
    const made = await bookings.book({ service: 'lease-contract', branch: 'main-hall', day: '2026-12-30', time: '09:15', ...who, lang: 'ar', by: 'citizen', via: 'telegram', idempotencyKey: 'office-cancel:1' });
    if (!made.ok) throw new Error(made.problem);
    await bookings.cancel(made.booking.code, 'staff:salma');
    const told = await outbox.list({ to: who.chat });
    expect(told).toHaveLength(1);
    expect(told[0].reply.text).toContain(made.booking.code);
    const self = citizen(501);
    const mine = await bookings.book({ service: 'lease-contract', branch: 'main-hall', day: '2026-12-30', time: '09:30', ...self, lang: 'ar', by: 'citizen', via: 'telegram', idempotencyKey: 'office-cancel:2' });
    if (!mine.ok) throw new Error(mine.problem);
    await bookings.cancel(mine.booking.code, 'citizen', self.chat);
    expect(await outbox.list({ to: self.chat })).toHaveLength(0);
  });
});

describe('closing counters when a clerk is absent', () => {
  const book = (bookings: BookingService, who: ReturnType<typeof citizen>, time: string, key: string, day = '2027-01-05', svc = 'health-certificate', branch = 'east-centre') =>
    bookings.book({ service: svc, branch, day, time, ...who, lang: 'en', by: 'citizen', via: 'telegram', idempotencyKey: key }).then((r) => {
      if (!r.ok) throw new Error(r.problem);
      return r.booking;
    });

  it('one counter closed for a morning: free places shrink, the one citizen on a closed place is moved off it and offered times once, however many servers run it', async () => {
    const one = service(db.connection);
    const two = service(other.connection).bookings;
    const [a, b, c] = [citizen(600), citizen(601), citizen(602)];
    // Two counters: A and B share 10:00, C has 10:15 to herself.
    const first = await book(one.bookings, a, '10:00', 'block:a');
    const second = await book(one.bookings, b, '10:00', 'block:b');
    const third = await book(one.bookings, c, '10:15', 'block:c');
    const free = async () => new Map((await one.bookings.freeSlots('east-centre', 'health-certificate', '2027-01-05')).map((s) => [s.time, s.free]));
    expect((await free()).get('10:15')).toBe(1);
    expect((await free()).get('10:30')).toBe(2);

    const input = { branch: 'east-centre', fromDay: '2027-01-05', from: '10:00', to: '10:30', service: 'health-certificate', counters: 1, reason: 'Clerk absent', by: 'supervisor:huda', requestId: 'absent-1' };
    const results = await Promise.all([one.bookings.block(input), two.block(input), one.bookings.block(input)]);
    expect(results.every((r) => r.ok)).toBe(true);

    const after = await free();
    expect(after.has('10:00')).toBe(false);
    expect(after.has('10:15')).toBe(false);
    expect(after.get('10:30')).toBe(2);
    // The later booking on the closed counter's place (seat 1) is displaced; the others keep their places.
    const moved = (await one.bookings.find(second.code))!;
    expect(moved).toMatchObject({ status: 'booked', day: '2027-01-05', time: '10:00', displaced: { block: 'block:east-centre:absent-1' } });
    expect(moved.remindAt).toBeUndefined();
    expect((await one.bookings.find(first.code))!.displaced).toBeUndefined();
    expect((await one.bookings.find(third.code))!.displaced).toBeUndefined();
    expect((await one.bookings.blocksOn('east-centre', '2027-01-05')).map((x) => x.displaced)).toEqual([[second.code]]);

    // Told once, on their channel, with other times to press; the others are told nothing.
    const told = await one.outbox.list({ to: b.chat });
    expect(told).toHaveLength(1);
    expect(told[0].reply.text).toContain(second.code);
    expect(told[0].reply.text).toContain('Clerk absent');
    const offered = told[0].reply.choices!.filter((x) => x.value.startsWith(`/book-move-to ${second.code} `));
    expect(offered).toHaveLength(3);
    expect(told[0].reply.choices!.map((x) => x.value)).toEqual(expect.arrayContaining([`/book-move ${second.code}`, `/book-cancel ${second.code}`]));
    expect(await one.outbox.list({ to: a.chat })).toHaveLength(0);
    expect(await one.outbox.list({ to: c.chat })).toHaveLength(0);
    // Running the same block again changes nothing and tells no one twice.
    expect((await two.block(input)).ok).toBe(true);
    expect(await one.outbox.list({ to: b.chat })).toHaveLength(1);

    // The citizen takes an offered time: same code, a new place, no longer displaced, a reminder again.
    const [, , day, time] = offered[0].value.split(' ');
    const rescheduled = await one.bookings.reschedule(second.code, day, time, 'citizen', b.chat);
    expect(rescheduled.ok && rescheduled.booking).toMatchObject({ code: second.code, day, time });
    const stored = (await one.bookings.find(second.code))!;
    expect(stored.displaced).toBeUndefined();
    expect(stored.remindAt).toBeInstanceOf(Date);
  });

  it('a whole branch closed for a day: nothing is offered that day, its citizen is offered times; lifted, the day opens again; bad periods are refused', async () => {
    const { bookings, outbox } = service();
    const who = citizen(700);
    const made = await book(bookings, who, '11:00', 'branch:a', '2027-01-06', 'water-subscription', 'west-centre');
    const closed = await bookings.block({ branch: 'west-centre', fromDay: '2027-01-06', reason: 'Power cut', by: 'supervisor:huda', requestId: 'power' });
    if (!closed.ok) throw new Error(closed.problem);
    expect(closed.block.displaced).toEqual([made.code]);
    expect(await bookings.freeSlots('west-centre', 'water-subscription', '2027-01-06')).toEqual([]);
    expect(await bookings.freeSlots('west-centre', 'residence-certificate', '2027-01-06')).toEqual([]);
    expect((await bookings.nextDays('west-centre', 'water-subscription', 14)).map((d) => d.day)).not.toContain('2027-01-06');
    expect((await outbox.list({ to: who.chat })).map((n) => n.reply.text).join()).toContain('Power cut');
    // A citizen pressing a closed time now is told it was just taken.
    const late = await bookings.book({ service: 'water-subscription', branch: 'west-centre', day: '2027-01-06', time: '12:00', ...citizen(701), lang: 'en', by: 'citizen', via: 'telegram', idempotencyKey: 'branch:b' });
    expect(late).toEqual({ ok: false, problem: 'slot-taken' });

    expect(await bookings.unblock(closed.block.id)).toBe(true);
    expect((await bookings.freeSlots('west-centre', 'water-subscription', '2027-01-06')).length).toBeGreaterThan(10);
    expect(await bookings.blocksOn('west-centre', '2027-01-06')).toEqual([]);

    expect(await bookings.block({ branch: 'west-centre', fromDay: '2027-01-06', reason: ' ', by: 'x', requestId: 'r' })).toEqual({ ok: false, problem: 'reason-missing' });
    expect(await bookings.block({ branch: 'west-centre', fromDay: '2027-01-07', toDay: '2027-01-06', reason: 'x', by: 'x', requestId: 'r' })).toEqual({ ok: false, problem: 'period-invalid' });
    expect(await bookings.block({ branch: 'west-centre', fromDay: '2026-12-01', reason: 'x', by: 'x', requestId: 'r' })).toEqual({ ok: false, problem: 'period-invalid' });
    expect(await bookings.block({ branch: 'nowhere', fromDay: '2027-01-06', reason: 'x', by: 'x', requestId: 'r' })).toEqual({ ok: false, problem: 'not-bookable' });
  });
});
