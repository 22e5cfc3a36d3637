// How long the dashboard's figures take over a seeded month: npx tsx scripts/bench-dashboard.ts [complaints] [conversations]
// (MONGODB_URI, else FerretDB in a temp dir, as `npm run bench`). Prints one line per figure and the total.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContent } from '../src/content/load.js';
import mongoose from 'mongoose';
import { MongoReports } from '../src/db/reports.js';
import { rebuildCounters } from '../src/db/rebuild-counters.js';
import { MisunderstoodDays, misunderstood } from '../src/db/misunderstood.js';
import { reportScope } from '../src/domain/reports.js';
import { shownConversation } from '../src/http/console-events.js';
import { startDatabase } from './bench-database.js';
import { insertActivity, monthOfActivity } from './seed-reports.js';

const root = path.resolve(fileURLToPath(import.meta.url), '../..');
const [complaints = 100_000, conversations = 200_000] = process.argv.slice(2).map(Number);
const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
const database = await startDatabase();
// The app's 5 s socket timeout would cut a slow figure off; here the point is to see how slow it is.
const db = { connection: await mongoose.createConnection(database.uri, { socketTimeoutMS: 600_000 }).asPromise(), close() { return this.connection.close(); } };
try {
  const from = '2025-03-01', to = '2025-03-31';
  let t = Date.now();
  await insertActivity(db.connection, monthOfActivity(content, { from, to, complaints, conversations, applications: Math.round(complaints / 3), missed: 0.15 }));
  const counts = await Promise.all(['complaints', 'messages', 'conversation_days', 'handoffs', 'applications'].map(async (c) => `${await db.connection.collection(c).estimatedDocumentCount()} ${c}`));
  console.log(`database: ${database.label}; seeded ${complaints} complaints, ${conversations} conversations in ${((Date.now() - t) / 1000).toFixed(1)} s (stored: ${counts.join(', ')})`);
  t = Date.now();
  const rebuilt = await rebuildCounters(db.connection, content.municipality.timezone);
  console.log(`counters rebuilt from ${rebuilt.records} records (${rebuilt.documents} documents) in ${((Date.now() - t) / 1000).toFixed(1)} s (npm run counters:rebuild; once, not per request)`);
  // A 90-day period ending with the seeded month.
  const scoped = reportScope({ role: 'admin' }, { from: '2025-01-01', to }, { departments: content.departments, services: content.services, timeZone: content.municipality.timezone }, to);
  if (!scoped.ok) throw new Error(scoped.error);
  const scope = scoped.scope;
  const reports = new MongoReports(db.connection);
  const departmentOf = (s: string) => content.services.find((x) => x.id === s)?.department ?? 'unknown';
  const now = new Date();
  const figures: [string, () => Promise<unknown>][] = [
    ['complaints (by category, SLA, backlog, median, reopen)', () => reports.complaints(scope, now)],
    ['applications (by service, SLA)', () => reports.applications(scope, departmentOf, now)],
    ['conversations by day and channel', () => reports.conversationsByDay(scope.period)],
    ['assistant (containment, handoffs, wait, first reply)', () => reports.assistant(scope.period)],
    ['satisfaction by channel/department/staff/day', () => Promise.all([reports.csat('channel', scope), reports.csat('department', scope), reports.csat('staff', scope), reports.csatByDay(scope)])],
    ['questions by service', () => reports.questionsByDay(scope)],
  ];
  const all = Date.now();
  for (const [name, run] of figures) {
    t = Date.now();
    await run();
    console.log(`${name}: ${Date.now() - t} ms`);
  }
  console.log(`one after another: ${Date.now() - all} ms`);
  t = Date.now();
  await Promise.all(figures.map(([, run]) => run()));
  console.log(`the dashboard's request (figures in parallel, ${scope.period.from}..${scope.period.to}): ${Date.now() - t} ms`);
  // The console's "not understood" page is a page of its own (not part of the dashboard's request). Its day
  // documents are kept as lines are stored; lines seeded straight into the collection are gathered once, as a
  // first start on an older database does.
  t = Date.now();
  const days = new MisunderstoodDays(db.connection);
  const missed = await days.lines(scope.period);
  console.log(`not understood: ${missed.length} missed lines gathered into day documents in ${Date.now() - t} ms (once)`);
  for (let run = 0; run < 3; run++) {
    t = Date.now();
    const groups = await misunderstood(db.connection, scope.period, { limit: 100, shown: shownConversation, days });
    console.log(`not understood (its own page, ${groups.length} groups of ${groups.reduce((n, g) => n + g.count, 0)} lines): ${Date.now() - t} ms`);
  }
} finally {
  await db.connection.dropDatabase().catch(() => undefined);
  await db.close();
  await database.stop();
}
