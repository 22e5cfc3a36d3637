// The server side of `npm run bench`: the product as main.ts wires it (the staff console and handoff included; the
// Telegram and WhatsApp channels left out, as they would call the outside world), on 127.0.0.1, in its own process
// so the benchmark can read this process's CPU time, memory and database commands (over the IPC channel only).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { baselineApp } from './bench-baseline.js';

// BENCH_CODE=dist: the compiled server (what `npm start` runs), else the TypeScript sources through tsx.
const code = process.env.BENCH_CODE === 'dist' ? '../dist' : '../src';
const load = <T>(module: string): Promise<T> => import(new URL(`${code}/${module}`, import.meta.url).href) as Promise<T>;
const [{ composeNafidha }, { loadConfig }, { attachConsole }, { loadContent }, { connectDatabase }] = await Promise.all([
  load<typeof import('../src/app/compose.js')>('app/compose.js'), load<typeof import('../src/config.js')>('config.js'),
  load<typeof import('../src/app/console.js')>('app/console.js'), load<typeof import('../src/content/load.js')>('content/load.js'),
  load<typeof import('../src/db/connection.js')>('db/connection.js')]);

const { ObjectId } = mongoose.mongo;

export type ServerCommand =
  | { type: 'stats' }
  | { type: 'ceiling'; concurrency: number; ms: number; fill?: number }
  | { type: 'gc' }
  | { type: 'stored' }
  /** Citizen transcript lines of the chats whose user starts with `prefix`: each message stored exactly once? */
  | { type: 'citizenLines'; prefix: string }
  | { type: 'stop'; dropDatabase: boolean };
export type ServerRequest = ServerCommand & { id: number };

export interface ServerStats {
  cpuMicros: number;
  rss: number;
  /** The highest RSS sampled every 50 ms since the last stats request (and at it). */
  peakRssSinceLast: number;
  /** The kernel's high-water mark for the whole process life, start-up included. */
  maxRss: number;
  heapUsed: number;
  commands: number;
  /** Commands by "name collection", e.g. "update chats". */
  byCommand: Record<string, number>;
}

export interface Stored { chats: number; transcriptLines: number; complaints: number }

export interface Ceiling { iterations: number; failures?: number; roundTrips: number; ms: number; roundTripsPerSecond: number }

const uri = process.env.MONGODB_URI;
if (!uri || !process.send) {
  console.error('bench-server is started by scripts/bench.ts (needs MONGODB_URI and an IPC channel)');
  process.exit(2);
}
const send = (m: unknown) => process.send!(m);

const started = performance.now();
const config = loadConfig();
const content = loadContent(config.knowledgeDir, config.intentsDir);
const db = await connectDatabase(uri);
const byCommand: Record<string, number> = {};
db.connection.getClient().on('commandStarted', (e) => {
  const target = (e.command as Record<string, unknown>)[e.commandName];
  const key = typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName;
  byCommand[key] = (byCommand[key] ?? 0) + 1;
});
// BENCH_BASELINE=1: the bare-stack bot of scripts/bench-baseline.ts instead of Nafidha, measured the same way.
const baseline = process.env.BENCH_BASELINE === '1';
const nafidha = baseline ? undefined : composeNafidha({ config, content, db, log: () => undefined });
const staffConsole = nafidha && attachConsole(nafidha, { db, content, config, log: () => undefined });
const server = http.createServer({ keepAliveTimeout: 60_000 }, nafidha && staffConsole ? nafidha.app([staffConsole.mount]) : baselineApp(db.connection));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
nafidha?.start();
await staffConsole?.start();

let peak = process.memoryUsage.rss();
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 50);
sampler.unref();

function stats(): ServerStats {
  const cpu = process.cpuUsage();
  const rss = process.memoryUsage.rss();
  const out = { cpuMicros: cpu.user + cpu.system, rss, peakRssSinceLast: Math.max(peak, rss), maxRss: process.resourceUsage().maxRSS * 1024,
    heapUsed: process.memoryUsage().heapUsed, commands: db.commands(), byCommand: { ...byCommand } };
  peak = rss;
  return out;
}

/** How much the database holds (on an unpatched FerretDB SQLite every _id lookup scans its collection). */
async function stored(): Promise<Stored> {
  const count = (name: string) => db.connection.collection(name).estimatedDocumentCount().catch(() => NaN);
  if (baseline) return { chats: await count('baseline_chats'), transcriptLines: await count('baseline_messages'), complaints: 0 };
  return { chats: await count('chats'), transcriptLines: await count('messages'), complaints: await count('complaints') };
}

/**
 * The database's own speed through the same driver: `concurrency` loops of insertOne then findOne by _id, over a
 * collection first filled with `fill` documents (as many as the bot's chat-state collection holds: a fair ceiling).
 */
async function ceiling(concurrency: number, ms: number, fill = 0): Promise<Ceiling> {
  const collection = db.connection.getClient().db(db.connection.name).collection<{ _id: InstanceType<typeof ObjectId>; n: number; at: Date }>('bench_ceiling');
  await collection.drop().catch(() => undefined);
  await collection.insertOne({ _id: new ObjectId(), n: -1, at: new Date() });
  for (let done = 0; done < fill; done += 1000) {
    await collection.insertMany(Array.from({ length: Math.min(1000, fill - done) }, (_, i) => ({ _id: new ObjectId(), n: -2 - done - i, at: new Date() })));
  }
  let iterations = 0;
  let failures = 0;
  const t0 = performance.now();
  const until = t0 + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const _id = new ObjectId();
      // The product's fail-fast timeouts apply here too: on a saturated machine a round trip may time out; it is
      // counted, not fatal.
      try {
        await collection.insertOne({ _id, n: iterations, at: new Date() });
        if (!(await collection.findOne({ _id }))) throw new Error('ceiling: an inserted document was not found');
        iterations++;
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('ceiling:')) throw err;
        failures++;
      }
    }
  }));
  const elapsed = performance.now() - t0;
  await collection.drop().catch(() => undefined);
  return { iterations, failures, roundTrips: iterations * 2, ms: elapsed, roundTripsPerSecond: (iterations * 2) / (elapsed / 1000) };
}

process.on('message', (m: ServerRequest) => {
  void (async () => {
    try {
      if (m.type === 'stats') send({ id: m.id, stats: stats() });
      else if (m.type === 'stored') send({ id: m.id, stored: await stored() });
      else if (m.type === 'citizenLines') {
        const lines = await db.connection.collection('messages').find({ from: 'citizen', conversation: { $regex: `^web:${m.prefix}` } }, { projection: { conversation: 1, text: 1 } }).toArray();
        const perChat: Record<string, number> = {};
        for (const l of lines) perChat[String(l.conversation)] = (perChat[String(l.conversation)] ?? 0) + 1;
        send({ id: m.id, lines: lines.length, perChat });
      }
      else if (m.type === 'gc') { (globalThis as { gc?: () => void }).gc?.(); send({ id: m.id, stats: stats() }); }
      else if (m.type === 'ceiling') send({ id: m.id, ceiling: await ceiling(m.concurrency, m.ms, m.fill) });
      else if (m.type === 'stop') {
        server.closeAllConnections();
        server.close();
        await nafidha?.stop();
        await staffConsole?.stop();
        if (m.dropDatabase) await db.connection.dropDatabase().catch(() => undefined);
        await db.close();
        send({ id: m.id, stopped: true });
        process.disconnect();
      }
    } catch (err) {
      send({ id: m.id, error: err instanceof Error ? err.stack : String(err) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));

send({ ready: true, port: (server.address() as AddressInfo).port, startupMs: performance.now() - started, services: content.services.length });
