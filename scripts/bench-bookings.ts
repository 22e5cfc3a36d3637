// npm run bench:bookings [-- --bookings 10000 --seconds 15 --workers 16]
// Booking figures on FerretDB in a temp dir (or MONGODB_URI, in a database of its own): seeds N past and future
// bookings (each with its place document, as the service stores them), then times
//   1. the slot search a citizen's chat runs (the next days with free slots, then one day's free times);
//   2. confirmations per second: W citizens at once each search and book a free time, for S seconds;
//   3. a 40-way race for the last 3 places of a slot (exactly 3 must win), repeated.
// The shipped knowledge is used with twice the counters, so the run does not fill the two weeks on offer. The store
// and the service are the server's own (src/app/), with an outbox that sends nothing.
import path from 'node:path';
import mongoose from 'mongoose';
import { createServices } from '../src/app/services.js';
import { createStores } from '../src/app/stores.js';
import { loadContent } from '../src/content/load.js';
import type { Booking } from '../src/domain/bookings.js';
import { newTrackingCode } from '../src/domain/tracking-code.js';
import { nextDay } from '../src/domain/working-days.js';
import { startDatabase } from './bench-database.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number`);
  return v;
};
const N = arg('bookings', 10_000);
const SECONDS = arg('seconds', 15);
const WORKERS = arg('workers', 16);
const RACES = 5;

const root = path.resolve(import.meta.dirname, '..');
const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
const booking = structuredClone(content.booking);
for (const b of booking.branches) for (const s of b.services) { s.counters *= 2; s.request = false; }
const offers = booking.branches.flatMap((b) => b.services.map((s) => ({ branch: b.branch, service: s.service })));

let seed = 7;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN; };
const outbox = { enqueue: async () => undefined };

const database = await startDatabase();
const connection = await mongoose.createConnection(database.uri, { socketTimeoutMS: 600_000, serverSelectionTimeoutMS: 10_000 }).asPromise();
try {
  const stores = createStores(connection, content.municipality.timezone);
  const service = createServices(stores, { ...content, booking }, outbox).bookings;
  await Promise.all(Object.values(connection.models).map((m) => m.init()));
  const today = new Date().toISOString().slice(0, 10);

  // Seeding: a year of history and the weeks ahead, spread over every branch and service.
  const t0 = Date.now();
  const BATCH = 250;
  const used = new Set<string>();
  for (let i = 0; i < N; i += BATCH) {
    const docs: (Booking & { _id: string })[] = [];
    const places: Record<string, unknown>[] = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++) {
      const o = pick(offers);
      const day = nextDay(today, Math.floor(rand() * 380) - 365);
      const time = `${String(8 + Math.floor(rand() * 6)).padStart(2, '0')}:${pick(['00', '20', '40'])}`;
      // Each seeded booking holds a real place of its slot; a full slot puts it on a later minute instead.
      const counters = booking.branches.find((b) => b.branch === o.branch)!.services.find((x) => x.service === o.service)!.counters;
      let seat = 0;
      while (used.has(`${o.branch}|${o.service}|${day}|${time}|${seat}`) && seat < counters) seat++;
      if (seat === counters) seat = counters + j;
      used.add(`${o.branch}|${o.service}|${day}|${time}|${seat}`);
      const code = newTrackingCode('booking');
      const at = new Date(`${day}T${time}:00Z`);
      // As the store files them: the code is the _id.
      docs.push({ _id: code, code, ...o, day, time, start: at, seat, status: day < today ? pick(['done', 'no-show', 'cancelled'] as const) : 'booked',
        citizen: { name: `Seed ${j}`, phone: `+21891${String(j).padStart(7, '0')}`, chat: { channel: 'telegram', user: `seed-${j}` } },
        lang: 'ar', via: 'telegram', createdAt: at, updatedAt: at, history: [{ at, by: 'citizen', status: 'booked' }], idempotencyKey: `seed:${j}` });
      places.push({ _id: `place:${o.branch}|${o.service}|${day}|${time}|${seat}`, code, at, ...o, day, time });
    }
    await connection.collection('bookings').insertMany(docs as never[]);
    await connection.collection('booking_places').insertMany(places as never[]);
  }
  console.log(`seeded ${N} bookings in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${database.label}`);

  // 1. The slot search.
  const search: number[] = [];
  for (let i = 0; i < 40; i++) {
    const o = pick(offers);
    const s0 = performance.now();
    const days = await service.nextDays(o.branch, o.service, 5);
    if (days[0]) await service.freeSlots(o.branch, o.service, days[0].day);
    search.push(performance.now() - s0);
  }
  console.log(`slot search (next 5 days with free times, then one day's times) at ${N} bookings: median ${pct(search, 0.5).toFixed(1)} ms, p99 ${pct(search, 0.99).toFixed(1)} ms (40 searches)`);

  // 2. Confirmations per second.
  let booked = 0;
  let taken = 0;
  const confirm: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (Date.now() < end) {
      const me = ++n;
      const o = pick(offers);
      const days = await service.nextDays(o.branch, o.service, 5);
      if (!days.length) continue;
      const day = pick(days).day;
      const free = await service.freeSlots(o.branch, o.service, day);
      if (!free.length) continue;
      const c0 = performance.now();
      const r = await service.book({ ...o, day, time: pick(free).time, name: `Bench ${me}`, phone: `+21892${String(me).padStart(7, '0')}`,
        chat: { channel: 'web', user: `bench-${me}` }, lang: 'en', by: 'citizen', via: 'web', idempotencyKey: `bench:${me}` });
      confirm.push(performance.now() - c0);
      if (r.ok) booked++; else if (r.problem === 'slot-taken') taken++;
    }
  }));
  console.log(`confirmations: ${booked} booked in ${SECONDS} s by ${WORKERS} citizens at once = ${(booked / SECONDS).toFixed(1)}/s (search included), `
    + `${taken} "just taken"; the book() call alone median ${pct(confirm, 0.5).toFixed(1)} ms, p99 ${pct(confirm, 0.99).toFixed(1)} ms`);

  // 3. The race for the last 3 places.
  const raceBooking = structuredClone(booking);
  raceBooking.branches.find((b) => b.branch === 'main-hall')!.services.find((s) => s.service === 'building-permit')!.counters = 3;
  const racing = createServices(stores, { ...content, booking: raceBooking }, outbox).bookings;
  const raceMs: number[] = [];
  const winners: number[] = [];
  for (let r = 0; r < RACES; r++) {
    const days = await racing.nextDays('main-hall', 'building-permit', 14);
    const day = days[r % days.length]!.day;
    const slot = (await racing.freeSlots('main-hall', 'building-permit', day)).find((s) => s.free === 3);
    if (!slot) continue;
    const r0 = performance.now();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => racing.book({ service: 'building-permit', branch: 'main-hall', day, time: slot.time,
      name: `Racer ${i}`, phone: `+21893${String(r * 100 + i).padStart(7, '0')}`, chat: { channel: 'web', user: `race-${r}-${i}` }, lang: 'ar', by: 'citizen', via: 'web', idempotencyKey: `race:${r}:${i}` })));
    raceMs.push(performance.now() - r0);
    winners.push(results.filter((x) => x.ok).length);
  }
  console.log(`40-way race for 3 places, ${raceMs.length} times: winners ${winners.join(', ')} (must be 3 each: ${winners.every((w) => w === 3) ? 'met' : 'NOT MET'}), `
    + `median ${pct(raceMs, 0.5).toFixed(0)} ms for all 40 answers`);
} finally {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
  await database.stop();
}
