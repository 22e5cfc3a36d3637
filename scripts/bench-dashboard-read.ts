// How long the dashboard's request takes at a given size, with the counters a month of that size leaves (the
// records themselves are not needed to read the figures, and seeding 100,000 on a busy machine takes long):
//   npx tsx scripts/bench-dashboard-read.ts [complaints] [conversations]
// Builds the activity in memory (scripts/seed-reports.ts), turns it into counter documents with the same delta
// functions the stores use, writes them, and times the dashboard's figures for 90 days (5 runs; median and worst).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { loadContent } from '../src/content/load.js';
import { MongoReportCounters, sumsOf } from '../src/db/report-counters.js';
import { MongoReports } from '../src/db/reports.js';
import { applicationDeltas, bucketOf, complaintDeltas, K, MINUTE_TENTHS, type Delta } from '../src/domain/report-counters.js';
import { dayOf } from '../src/domain/report-period.js';
import { reportScope } from '../src/domain/reports.js';
import { startDatabase } from './bench-database.js';
import { monthOfActivity } from './seed-reports.js';

const root = path.resolve(fileURLToPath(import.meta.url), '../..');
const [complaints = 100_000, conversations = 200_000] = process.argv.slice(2).map(Number);
const content = loadContent(path.join(root, 'knowledge'), path.join(root, 'intents'));
const tz = content.municipality.timezone;
const database = await startDatabase();
const connection = await mongoose.createConnection(database.uri, { socketTimeoutMS: 600_000 }).asPromise();
try {
  const from = '2025-01-01', to = '2025-03-31';
  let t = Date.now();
  const a = monthOfActivity(content, { from, to, complaints, conversations, applications: Math.round(complaints / 3) });
  const deltas: Delta[] = [];
  for (const c of a.complaints) deltas.push(...complaintDeltas(c as never, tz));
  for (const x of a.applications) deltas.push(...applicationDeltas(x as never, tz));
  for (const d of a.conversationDays) deltas.push({ day: d.day, key: K.conversations(d.channel), n: 1 });
  for (const h of a.handoffs) {
    deltas.push({ day: dayOf(h.queuedAt, tz), key: K.handoffs(h.reason), n: 1 }, { day: dayOf(h.queuedAt, tz), key: K.handoffDays(), n: 1 });
    if (h.takenAt) deltas.push({ day: dayOf(h.takenAt, tz), key: K.takeTime(bucketOf(h.takenAt.getTime() - h.queuedAt.getTime(), MINUTE_TENTHS)), n: 1 });
  }
  for (const m of a.messages) if (m.service) deltas.push({ day: dayOf(m.at, tz), key: K.questions(m.service, m.conversation.split(':')[0]!), n: 1 });
  for (const r of a.ratings) deltas.push({ day: r.day, key: K.rating(r.kind, r.channel, r.department ?? '', r.staff ?? '', r.score), n: 1 });
  const docs = sumsOf(deltas);
  await new MongoReportCounters(connection).replace(docs, from, []);
  const keys = [...docs.values()].reduce((n, d) => n + Object.keys(d).length, 0);
  console.log(`database: ${database.label}; ${complaints} complaints, ${conversations} conversations over ${from}..${to} -> ${docs.size} counter documents (${keys} counters) in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const scoped = reportScope({ role: 'admin' }, { from, to }, { departments: content.departments, services: content.services, timeZone: tz }, to);
  if (!scoped.ok) throw new Error(scoped.error);
  const scope = scoped.scope;
  const reports = new MongoReports(connection);
  const departmentOf = (s: string) => content.services.find((x) => x.id === s)?.department ?? 'unknown';
  const request = () => Promise.all([reports.complaints(scope, new Date()), reports.applications(scope, departmentOf, new Date()), reports.conversationsByDay(scope.period),
    reports.assistant(scope.period), reports.csat('channel', scope), reports.csat('department', scope), reports.csat('staff', scope), reports.csatByDay(scope),
    reports.questionsByDay(scope), reports.comments(scope, 200)]);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) { t = Date.now(); await request(); times.push(Date.now() - t); }
  times.sort((x, y) => x - y);
  console.log(`the dashboard's request for ${from}..${to} (all figures): median ${times[2]} ms, worst ${times[4]} ms (runs: ${times.join(', ')} ms)`);
} finally {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
  await database.stop();
}
