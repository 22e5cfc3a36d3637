// npm run bench:lists [-- --complaints 100000]
// Seeds N complaints (default 100,000) across the departments into FerretDB in a temp dir (or MONGODB_URI, in a
// database of its own), then times the console's list queries as the complaints list route runs them
// (MongoComplaintStore.list: one page of 50 plus the total). Prints the median and worst of 3 runs per query.
import mongoose from 'mongoose';
import { MongoComplaintStore } from '../src/db/complaints.js';
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

function complaint(i: number): Complaint {
  const createdAt = new Date(now - rand() * 365 * DAY);
  const status = COMPLAINT_STATUSES[Math.floor(rand() * COMPLAINT_STATUSES.length)]!;
  const department = DEPARTMENTS[i % DEPARTMENTS.length]!;
  return {
    code: newTrackingCode('complaint'), category: 'roads', department, description: `bench complaint ${i}`, photos: [], privacy: 'anonymous',
    consentToContact: false, lang: 'ar', status, createdAt, updatedAt: createdAt, deadline: new Date(createdAt.getTime() + 7 * DAY),
    history: [{ at: createdAt, by: 'citizen', status }], flaggedForSupervisor: false, via: 'web', idempotencyKey: `bench:${i}`,
  };
}

const database = await startDatabase();
// The server's own connection gives up on a query after 5 s; here the point is to see how long it takes.
const connection = await mongoose.createConnection(database.uri, { socketTimeoutMS: 600_000, serverSelectionTimeoutMS: 10_000 }).asPromise();
const db = { connection, close: () => connection.close() };
try {
  const store = new MongoComplaintStore(db.connection);
  await db.connection.models.Complaint!.init();
  const started = Date.now();
  // Small batches: FerretDB writes each document and its seven index entries in SQLite, and a big batch outlasts
  // the driver's socket timeout.
  const BATCH = 250;
  for (let i = 0; i < N; i += BATCH) {
    await db.connection.collection('complaints').insertMany(Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => complaint(i + j)));
    if ((i / BATCH) % 40 === 0) process.stdout.write(`  ${i} stored\r`);
  }
  console.log(`seeded ${N} complaints in ${((Date.now() - started) / 1000).toFixed(1)} s on ${database.label}`);

  const base = { sort: 'newest' as const, skip: 0, limit: 50 };
  const queries: [string, ComplaintListQuery][] = [
    ['all, newest first, page 1', base],
    ['one department, page 1', { ...base, departments: ['water-sewage'] }],
    ['one department, page 40', { ...base, departments: ['water-sewage'], skip: 39 * 50 }],
    ['overdue only, all departments', { ...base, overdueAt: new Date(now), sort: 'deadline' }],
    ['overdue only, one department', { ...base, departments: ['water-sewage'], overdueAt: new Date(now), sort: 'deadline' }],
    ['one department, status, last 30 days', { ...base, departments: ['water-sewage'], statuses: ['received'], from: new Date(now - 30 * DAY) }],
  ];
  for (const [label, q] of queries) {
    const times: number[] = [];
    let total = 0;
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      total = (await store.list(q)).total;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(40)} median ${times[Math.floor(RUNS / 2)]!.toFixed(0).padStart(6)} ms, worst ${times[RUNS - 1]!.toFixed(0).padStart(6)} ms  (${total} matching)`);
  }
} finally {
  await db.connection.dropDatabase().catch(() => undefined);
  await db.close();
  await database.stop();
}
