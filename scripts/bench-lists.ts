// npm run bench:lists [-- --complaints 100000] [-- --collection]
// Seeds N complaints (default 100,000) across the departments into FerretDB in a temp dir (or MONGODB_URI, in a
// database of its own), builds the queue documents (db/complaint-queues.ts) as a first start does, then times the
// console's list queries as the complaints list route runs them (MongoComplaintStore.list: one page of 50 plus the
// total). Prints the median and worst of 3 runs per query. The work views are answered by the queue documents,
// the searches (newest first, category, status, date range) by the filing-day documents (db/complaint-days.ts),
// the alerts list by its index documents (db/alerts.ts). With --collection, the same searches as queries on the
// collection (what they were before the day documents; minutes each on FerretDB at 100,000) are timed once.
// The stores are the server's own (src/app/stores.ts): filing and changing a status also keep the dashboard counts.
import mongoose from 'mongoose';
import { createConsoleStores, createStores } from '../src/app/stores.js';
import type { Complaint, ComplaintListQuery } from '../src/domain/complaints.js';
import { newTrackingCode } from '../src/domain/tracking-code.js';
import { COMPLAINT_STATUSES } from '../src/shared/statuses.js';
import { startDatabase } from './bench-database.js';

const arg = process.argv.indexOf('--complaints');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
if (!Number.isInteger(N) || N < 1 || N > 1_000_000) throw new Error('--complaints must be a whole number from 1 to 1,000,000');

const RUNS = 3;
const DEPARTMENTS = ['public-works', 'electrical-maintenance', 'water-sewage', 'sanitation', 'agriculture', 'urban-planning', 'municipal-police', 'citizen-office'];
const DAY = 24 * 60 * 60_000;
const now = Date.now();

// A fixed pseudo-random sequence, so runs are comparable.
let seed = 42;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };

const PEOPLE = Array.from({ length: 10 }, (_, k) => `bench-user-${k}`);

function complaint(i: number): Complaint & { _id: string } {
  const createdAt = new Date(now - rand() * 365 * DAY);
  const status = COMPLAINT_STATUSES[Math.floor(rand() * COMPLAINT_STATUSES.length)]!;
  const department = DEPARTMENTS[i % DEPARTMENTS.length]!;
  const code = newTrackingCode('complaint');
  // One in four is being worked on by someone.
  const assignee = rand() < 0.25 ? PEOPLE[Math.floor(rand() * PEOPLE.length)]! : undefined;
  return {
    // As the store files them: the code is the _id.
    _id: code, code, ...(assignee ? { assignee } : {}), category: 'roads', department, description: `bench complaint ${i}`, photos: [], privacy: 'anonymous',
    consentToContact: false, lang: 'ar', status, createdAt, updatedAt: createdAt, deadline: new Date(createdAt.getTime() + 7 * DAY),
    history: [{ at: createdAt, by: 'citizen', status }], flaggedForSupervisor: false, via: 'web', idempotencyKey: `bench:${i}`,
  };
}

const database = await startDatabase();
// The server's own connection gives up on a query after 5 s; here the point is to see how long it takes.
const connection = await mongoose.createConnection(database.uri, { socketTimeoutMS: 600_000, serverSelectionTimeoutMS: 10_000 }).asPromise();
const db = { connection, close: () => connection.close() };
try {
  const store = createStores(db.connection).complaints;
  await db.connection.models.Complaint!.init();
  const started = Date.now();
  // Small batches: FerretDB writes each document and its seven index entries in SQLite, and a big batch outlasts
  // the driver's socket timeout.
  const BATCH = 250;
  for (let i = 0; i < N; i += BATCH) {
    await db.connection.collection('complaints').insertMany(Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => complaint(i + j)) as never[]);
    if ((i / BATCH) % 40 === 0) process.stdout.write(`  ${i} stored\r`);
  }
  console.log(`seeded ${N} complaints in ${((Date.now() - started) / 1000).toFixed(1)} s on ${database.label}`);
  const built = Date.now();
  await store.queues.rebuild();
  console.log(`built the queue documents in ${((Date.now() - built) / 1000).toFixed(1)} s (once, at the first start on a database filed before them)`);
  const builtDays = Date.now();
  await store.days.rebuild();
  console.log(`built the filing-day documents in ${((Date.now() - builtDays) / 1000).toFixed(1)} s (likewise once)`);
  // A year of overdue alerts (one in ten complaints), raised as the escalation job raises them.
  const { alerts } = createConsoleStores(db.connection);
  const seededAlerts = Math.round(N / 10);
  for (let i = 0; i < seededAlerts; i += 500) {
    await db.connection.collection('console_alerts').insertMany(Array.from({ length: Math.min(500, seededAlerts - i) }, (_, j) => {
      const k = i + j;
      return { _id: `overdue:bench-${k}`, key: `overdue:bench-${k}`, code: `bench-${k}`, department: DEPARTMENTS[k % DEPARTMENTS.length]!, deadline: new Date(now - k * 60_000), at: new Date(now - k * 60_000) };
    }) as never[]);
  }
  // Listed as a first start lists alerts raised before the index documents.
  await db.connection.collection('console_alerts_index').deleteMany({});
  const alertsBuilt = Date.now();
  await createConsoleStores(db.connection).alerts.list({ limit: 1 });
  console.log(`seeded ${seededAlerts} alerts; their index documents built in ${((Date.now() - alertsBuilt) / 1000).toFixed(1)} s (once)`);

  const at = new Date(now);
  const work = { sort: 'deadline' as const, skip: 0, limit: 50, openOnly: true };
  const one = ['water-sewage'];
  const queries: [string, ComplaintListQuery, number][] = [
    ["a department's open queue, page 1", { ...work, departments: one }, RUNS],
    ["a department's open queue, page 40", { ...work, departments: one, skip: 39 * 50 }, RUNS],
    ['overdue, one department', { ...work, departments: one, overdueAt: at }, RUNS],
    ['overdue, all departments (office)', { ...work, departments: DEPARTMENTS, overdueAt: at }, RUNS],
    ['due within 24 h, one department', { ...work, departments: one, dueFrom: at, dueBefore: new Date(now + DAY) }, RUNS],
    ['unassigned, one department', { ...work, departments: one, assignee: null }, RUNS],
    ['assigned to me', { ...work, departments: DEPARTMENTS, assignee: PEOPLE[3]! }, RUNS],
    ['in progress, one department', { ...work, openOnly: false, statuses: ['in-progress'], departments: one }, RUNS],
    ['escalation job: overdue, not escalated, all', { ...work, departments: DEPARTMENTS, overdueAt: at, notEscalated: true, limit: 100 }, RUNS],
  ];
  const searches: [string, ComplaintListQuery][] = [
    ['search: all, newest first, page 1', { sort: 'newest', skip: 0, limit: 50 }],
    ['search: all, newest first, page 200', { sort: 'newest', skip: 199 * 50, limit: 50 }],
    ['search: all, oldest first', { sort: 'oldest', skip: 0, limit: 50 }],
    ['search: one department, newest first', { sort: 'newest', skip: 0, limit: 50, departments: one }],
    ['search: a category, newest first', { sort: 'newest', skip: 0, limit: 50, categories: ['roads'] }],
    ['search: one department, status, last 30 days', { sort: 'newest', skip: 0, limit: 50, departments: one, statuses: ['received'], from: new Date(now - 30 * DAY) }],
    ['search: a date range (March to May)', { sort: 'newest', skip: 0, limit: 50, from: new Date(now - 270 * DAY), to: new Date(now - 180 * DAY) }],
    ['search: a person\'s, any status (estimated total)', { sort: 'newest', skip: 0, limit: 50, assignee: PEOPLE[3]! }],
    ['search: a category, earliest deadline, open', { sort: 'deadline', skip: 0, limit: 50, categories: ['roads'], openOnly: true, departments: one }],
  ];
  queries.push(...searches.map(([label, q]) => [label, q, RUNS] as [string, ComplaintListQuery, number]));
  for (const [label, q, runs] of queries) {
    const times: number[] = [];
    let total = 0;
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      total = (await store.list(q)).total;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(52)} median ${times[Math.floor(runs / 2)]!.toFixed(0).padStart(6)} ms, worst ${times[runs - 1]!.toFixed(0).padStart(6)} ms  (${total} matching${runs === 1 ? ', 1 run' : ''})`);
  }
  for (const [label, q] of [['alerts: all, newest 100 + new since', undefined], ['alerts: one department', one]] as const) {
    const times: number[] = [];
    let total = 0;
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      const [all] = await Promise.all([alerts.list({ ...(q ? { departments: q } : {}), limit: 100 }), alerts.list({ ...(q ? { departments: q } : {}), since: new Date(now - DAY), limit: 1 })]);
      total = all.total;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(52)} median ${times[1]!.toFixed(0).padStart(6)} ms, worst ${times[2]!.toFixed(0).padStart(6)} ms  (${total} alerts)`);
  }
  if (process.argv.includes('--collection')) {
    for (const [label, q] of searches) {
      const t0 = performance.now();
      const { total } = await store.searchCollection(q);
      console.log(`${`${label} (collection query)`.padEnd(52)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms, 1 run (${total} matching)`);
    }
  }

  // What keeping the queues costs a change: filing (insert + its day and directory) and a status change.
  const timed = async (label: string, fn: (i: number) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) { const t0 = performance.now(); await fn(i); times.push(performance.now() - t0); }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(52)} median ${times[2]!.toFixed(0).padStart(6)} ms, worst ${times[4]!.toFixed(0).padStart(6)} ms`);
  };
  const fresh: Complaint[] = [];
  await timed('file one complaint (store.insert + queues)', async (i) => {
    const { _id, ...c } = complaint(N + i);
    fresh.push({ ...c, status: 'received' });
    await store.insert({ ...c, status: 'received', deadline: new Date(now + DAY) });
  });
  await timed('change its status (store.update + queues)', async (i) => {
    await store.update(fresh[i]!.code, {}, { set: { status: 'in-progress', updatedAt: new Date() }, push: { at: new Date(), by: 'bench', status: 'in-progress' } });
  });
} finally {
  await db.connection.dropDatabase().catch(() => undefined);
  await db.close();
  await database.stop();
}
