// npm run bench [-- --citizens 100 --seconds 25 | --messages M] [--think-ms 1000] [--conversations 10000] [--baseline] [--source] [--understanding] [--profile]
// Drives simulated citizens through the web chat's webhook (POST /api/messages) of a server in a child process,
// against FerretDB started in a temp dir (or MONGODB_URI, in a database of its own that is dropped afterwards).
// Loopback only; every loop is bounded by time or count. Results are printed and written to bench-results/.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { loadContent } from '../src/content/load.js';
import { startDatabase } from './bench-database.js';
import { chooseKind, converse, httpSender, seeded, type CitizenWorld, type ConversationKind, type Exchange } from './bench-citizens.js';
import type { Ceiling, ServerCommand, ServerStats, Stored } from './bench-server.js';
import { generatedCatalog, labelledUtterances, measureUnderstanding, warmUp } from './bench-understanding.js';

const USAGE = 'usage: npm run bench [-- --citizens N] [--seconds S | --messages M] [--think-ms T] [--conversations K] [--baseline] [--source] [--instances 1,2,4] [--understanding] [--seed X] [--profile]';

function parseArgs(argv: string[]) {
  const opts = { citizens: 100, seconds: 25, messages: 0, thinkMs: 1000, conversations: 0, understanding: false, seed: 42, ceilingSeconds: 8, profile: false, baseline: false, source: false, instances: [] as number[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number\n${USAGE}`);
      return v;
    };
    if (a === '--citizens') opts.citizens = Math.max(1, Math.floor(num()));
    else if (a === '--seconds') opts.seconds = num();
    else if (a === '--messages') opts.messages = Math.floor(num());
    else if (a === '--think-ms') opts.thinkMs = num();
    else if (a === '--conversations') opts.conversations = Math.floor(num());
    else if (a === '--ceiling-seconds') opts.ceilingSeconds = num();
    else if (a === '--seed') opts.seed = Math.floor(num());
    else if (a === '--understanding') opts.understanding = true;
    else if (a === '--profile') opts.profile = true;
    // The bare-stack bot (scripts/bench-baseline.ts) runs the same citizens after Nafidha, on the same database.
    else if (a === '--baseline') opts.baseline = true;
    // The server from the TypeScript sources through tsx rather than compiled (dist/, what `npm start` runs).
    else if (a === '--source') opts.source = true;
    // Scale-out: that many server instances behind nginx, one after the other (e.g. 1,2,4), on one database.
    else if (a === '--instances') opts.instances = String(argv[++i] ?? '').split(',').map(Number).filter((x) => Number.isInteger(x) && x > 0);
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return opts;
}
type Options = ReturnType<typeof parseArgs>;

const opts = parseArgs(process.argv.slice(2));
const config = loadConfig();
const content = loadContent(config.knowledgeDir, config.intentsDir);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const fixed = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

interface BenchServer {
  port: number;
  /** Why the server process ended, once it has. */
  exited(): string | undefined;
  startupMs: number;
  call<T>(req: ServerCommand): Promise<T>;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

async function startServer(uri: string, profile: boolean, baseline = false): Promise<BenchServer> {
  // --profile: the server writes a V8 CPU profile (open it in Chrome DevTools) when it stops.
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve('bench-results', 'profiles')}`] : [];
  const child: ChildProcess = fork(path.resolve('scripts/bench-server.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...profiling], env: { ...process.env, MONGODB_URI: uri, BENCH_BASELINE: baseline ? '1' : '', BENCH_CODE: opts.source ? 'src' : 'dist' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  let nextId = 1;
  let exited: string | undefined;
  child.on('error', (err) => { exited ??= err.message; });
  child.once('exit', (code, signal) => {
    exited ??= `the bench server exited (${signal ?? code}): it crashed, its output is above`;
    for (const answer of [...pending.values()]) answer({ error: exited });
  });
  const ready = new Promise<{ port: number; startupMs: number }>((resolve, reject) => {
    child.once('exit', () => reject(new Error(`${exited} before it was ready`)));
    child.on('message', (m: Record<string, unknown>) => {
      if (m.ready) resolve(m as { port: number; startupMs: number });
      else pending.get(m.id as number)?.(m);
    });
  });
  const { port, startupMs } = await ready;
  const call = <T>(req: ServerCommand) => new Promise<T>((resolve, reject) => {
    if (exited) return reject(new Error(exited));
    const id = nextId++;
    pending.set(id, (m) => { pending.delete(id); if (m.error) reject(new Error(String(m.error))); else resolve(m as T); });
    child.send({ ...req, id });
  });
  return {
    port, startupMs, call, exited: () => exited,
    stats: async () => (await call<{ stats: ServerStats }>({ type: 'stats' })).stats,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      const grace = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
      await Promise.race([call({ type: 'stop', dropDatabase: true }).catch(() => undefined), grace(10_000)]);
      // It exits by itself once disconnected (and writes its CPU profile then); a signal only if it does not.
      await Promise.race([gone, grace(10_000)]);
      if (!exited) child.kill('SIGTERM');
      await gone;
    },
  };
}

interface PhaseFigures {
  name: string; citizens: number; thinkMs: number; seconds: number; messages: number; errors: number;
  conversations: Record<ConversationKind, number>; complaintsFiled: number;
  messagesPerSecond: number; latencyMs: { p50: number; p95: number; p99: number; max: number };
  latencyMsByKind: Record<string, { messages: number; p50: number; p95: number }>;
  dbCommandsPerMessage: number; dbCommandsByKind: Record<string, number>; cpuMsPerMessage: number; serverCpuCores: number;
  peakRssMb: number; rssAtEndMb: number;
  /** The database process's CPU, when the benchmark started it (FerretDB). */
  databaseCpuMsPerMessage: number; databaseCpuCores: number;
  storedAtEnd?: Stored;
  /** Replies received per citizen (user id), to check against what was stored. */
  answeredByUser: Record<string, number>;
}

/** Citizens talk until the time or message budget is spent; each conversation is a new citizen (a new chat). */
async function runPhase(server: BenchServer, world: CitizenWorld, name: string, o: { citizens: number; seconds: number; messages: number; thinkMs: number },
  dbCpuSeconds?: () => number): Promise<PhaseFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.citizens });
  const send = httpSender(server.port, agent);
  const latencies: number[] = [];
  let errors = 0;
  let filed = 0;
  const conversations: Record<ConversationKind, number> = { service: 0, complaint: 0, status: 0, booking: 0, handoff: 0 };
  const before = await server.stats();
  const dbCpu0 = dbCpuSeconds?.() ?? NaN;
  const t0 = performance.now();
  const deadline = t0 + o.seconds * 1000;
  let started = 0;
  const stop = () => performance.now() >= deadline || (o.messages > 0 && started >= o.messages) || server.exited() !== undefined;
  const perKind: Record<string, number[]> = {};
  const record = (e: Exchange) => { latencies.push(e.ms); (perKind[e.kind] ??= []).push(e.ms); if (!e.ok) errors++; };
  const think = o.thinkMs > 0 ? () => new Promise<void>((r) => setTimeout(r, o.thinkMs * (0.5 + world.rnd()))) : undefined;
  const answeredByUser: Record<string, number> = {};
  const counting: typeof send = async (user, text) => {
    started++;
    const replies = await send(user, text);
    answeredByUser[user] = (answeredByUser[user] ?? 0) + 1;
    return replies;
  };
  const run = randomBytes(3).toString('hex');
  await Promise.all(Array.from({ length: o.citizens }, async (_, slot) => {
    if (think) await new Promise((r) => setTimeout(r, o.thinkMs * world.rnd()));
    for (let n = 0; !stop(); n++) {
      // The next citizen in this seat also takes a moment before writing.
      if (think && n > 0) await think();
      if (stop()) break;
      const kind = chooseKind(world.rnd);
      conversations[kind]++;
      const result = await converse(counting, `bench_${name}_${run}_${slot}_${n}`, kind, world, record, { think, stop });
      if (result.filed) { filed++; world.codes.push(result.filed); }
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  // A server that died mid-phase has no figures of its own; the crash is reported by the caller.
  const after = await server.stats().catch(() => before);
  const dbCpu = (dbCpuSeconds?.() ?? NaN) - dbCpu0;
  // Counted after the figures above, so these commands are not charged to the citizens' messages.
  const stored = await server.call<{ stored: Stored }>({ type: 'stored' }).then((r) => r.stored, () => undefined);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const n = latencies.length || 1;
  const byKind: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byCommand)) {
    const d = v - (before.byCommand[k] ?? 0);
    if (d > 0) byKind[k] = Math.round((d / n) * 100) / 100;
  }
  return {
    name, citizens: o.citizens, thinkMs: o.thinkMs, seconds: elapsed, messages: latencies.length, errors, conversations, complaintsFiled: filed,
    messagesPerSecond: latencies.length / elapsed,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? NaN },
    // Per kind of conversation (a booking's messages search free places; a complaint's confirm files one).
    latencyMsByKind: Object.fromEntries(Object.entries(perKind).map(([k, v]) => { v.sort((a, b) => a - b); return [k, { messages: v.length, p50: percentile(v, 50), p95: percentile(v, 95) }]; })),
    dbCommandsPerMessage: (after.commands - before.commands) / n, dbCommandsByKind: Object.fromEntries(Object.entries(byKind).sort((a, b) => b[1] - a[1])),
    cpuMsPerMessage: (after.cpuMicros - before.cpuMicros) / 1000 / n, serverCpuCores: (after.cpuMicros - before.cpuMicros) / 1e6 / elapsed,
    peakRssMb: mb(after.peakRssSinceLast), rssAtEndMb: mb(after.rss),
    databaseCpuMsPerMessage: (dbCpu * 1000) / n, databaseCpuCores: dbCpu / elapsed, storedAtEnd: stored, answeredByUser,
  };
}

/** Messages per second and latency of the conversations while the store held one more thousand chats. */
interface Thousand { chatsFrom: number; messages: number; messagesPerSecond: number; p50: number; p99: number }

/**
 * 10,000 (or K) distinct citizens, each sending one or two messages, one new chat after the other: the figures per
 * 1,000 chats stored show whether a message costs more as chats accumulate; the server's memory at the end.
 */
async function runConversations(server: BenchServer, world: CitizenWorld, o: Options) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.citizens });
  const send = httpSender(server.port, agent);
  const latencies: number[] = [];
  // Per conversation number's thousand: when its first message left, its last reply came, and the waits.
  const buckets: Array<{ first: number; last: number; ms: number[] }> = [];
  let errors = 0;
  let next = 0;
  const before = await server.call<{ stats: ServerStats }>({ type: 'gc' });
  const t0 = performance.now();
  const run = randomBytes(3).toString('hex');
  await Promise.all(Array.from({ length: Math.min(o.citizens, o.conversations) }, async () => {
    while (next < o.conversations && !server.exited()) {
      const i = next++;
      const b = (buckets[Math.floor(i / 1000)] ??= { first: Infinity, last: 0, ms: [] });
      const result = await converse(send, `bench_conv_${run}_${String(i).padStart(5, '0')}`, chooseKind(world.rnd), world,
        (e) => {
          const now = performance.now();
          latencies.push(e.ms); b.ms.push(e.ms); b.first = Math.min(b.first, now - e.ms); b.last = Math.max(b.last, now);
          if (!e.ok) errors++;
        }, { limit: world.rnd() < 0.5 ? 1 : 2 });
      if (result.filed) world.codes.push(result.filed);
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  const end = await server.stats();
  const afterGc = await server.call<{ stats: ServerStats }>({ type: 'gc' });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const perThousand: Thousand[] = buckets.map((b, k) => {
    const ms = [...b.ms].sort((x, y) => x - y);
    return { chatsFrom: k * 1000, messages: ms.length, messagesPerSecond: ms.length / ((b.last - b.first) / 1000), p50: percentile(ms, 50), p99: percentile(ms, 99) };
  });
  const n = latencies.length || 1;
  const byCommand: Record<string, number> = {};
  for (const [k, v] of Object.entries(end.byCommand)) {
    const d = v - (before.stats.byCommand[k] ?? 0);
    if (d > 0) byCommand[k] = Math.round((d / n) * 100) / 100;
  }
  return {
    conversations: o.conversations, messages: latencies.length, errors, seconds: elapsed, messagesPerSecond: latencies.length / elapsed,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }, perThousand,
    dbCommandsPerMessage: (end.commands - before.stats.commands) / n, dbCommandsByKind: Object.fromEntries(Object.entries(byCommand).sort((a, b) => b[1] - a[1])),
    rssBeforeMb: mb(before.stats.rss), rssAtEndMb: mb(end.rss), peakRssMb: mb(end.peakRssSinceLast), rssAfterGcMb: mb(afterGc.stats.rss),
    heapUsedAfterGcMb: mb(afterGc.stats.heapUsed), maxRssMb: mb(end.maxRss),
  };
}
type ConversationFigures = Awaited<ReturnType<typeof runConversations>>;

function printConversations(label: string, r: ConversationFigures, readyRssMb: number): void {
  console.log(`${label}:`);
  console.log(table([['conversations', 'messages', 'errors', 'msgs/s', 'p50 ms', 'p99 ms', 'db cmds/msg', 'RSS ready', 'after warm-up', 'RSS at end', 'peak RSS', 'after GC', 'heap after GC'],
    [String(r.conversations), String(r.messages), String(r.errors), fixed(r.messagesPerSecond, 0), fixed(r.latencyMs.p50), fixed(r.latencyMs.p99), fixed(r.dbCommandsPerMessage, 2),
      `${readyRssMb} MB`, `${r.rssBeforeMb} MB`, `${r.rssAtEndMb} MB`, `${r.peakRssMb} MB`, `${r.rssAfterGcMb} MB`, `${r.heapUsedAfterGcMb} MB`]]));
  console.log(table([['chats stored', 'messages', 'msgs/s', 'p50 ms', 'p99 ms'],
    ...r.perThousand.map((t): [string, ...string[]] => [`${t.chatsFrom}–${t.chatsFrom + 1000}`, String(t.messages), fixed(t.messagesPerSecond, 0), fixed(t.p50), fixed(t.p99)])]));
  console.log(`  db commands per message: ${Object.entries(r.dbCommandsByKind).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

// Other work on the machine skews every figure: it is printed and kept with the results.
const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);

function machine() {
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryMb: mb(os.totalmem()), node: process.version, commit, at: new Date().toISOString(),
    loadAverageAtStart: loadAtStart };
}

function save(kind: string, result: unknown): string {
  fs.mkdirSync('bench-results', { recursive: true });
  const file = path.join('bench-results', `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

function table(rows: Array<[string, ...string[]]>): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

async function understandingBench(): Promise<void> {
  const utterances = labelledUtterances('test/data/labelled.jsonl');
  const ms = 4000;
  console.log(`understanding alone, one thread: ${utterances.length} labelled utterances, ${ms / 1000} s per catalog; load average ${loadAtStart.join(' / ')} before the run`);
  warmUp(content, utterances);
  const shipped = measureUnderstanding(content, content.services, utterances, ms);
  const large = measureUnderstanding(content, generatedCatalog(content.services, 1000), utterances, ms);
  const slowdown = shipped.steady.perSecond / large.steady.perSecond;
  const row = (name: string, f: typeof shipped): [string, ...string[]] => [name, String(f.services), fixed(f.buildMs, 0),
    fixed(f.firstPass.perSecond, 0), fixed(f.steady.perSecond, 0), fixed(f.steady.cpuShare, 2), fixed(f.steady.p50Ms, 3), fixed(f.steady.p99Ms, 3), fixed(f.steady.maxMs, 2)];
  console.log(table([['catalog', 'services', 'build ms', 'cold/s', 'classif./s', 'cores', 'p50 ms', 'p99 ms', 'max ms'],
    row('shipped', shipped), row('generated', large)]));
  console.log(`slowdown with 1,000 services: ${fixed(slowdown, 2)}×`);
  console.log(`target ≥ 5,000 classifications/s (shipped): ${verdict(shipped.steady.perSecond >= 5000)}; ≤ 3× slower with 1,000 services: ${verdict(slowdown <= 3)}`);
  console.log(`written to ${save('understanding', { machine: machine(), utterances: utterances.length, shipped, generated: large, slowdown })}`);
}

/** Several servers seen as one: the balancer's port, their figures summed (memory: the first one's). */
function behind(port: number, servers: BenchServer[]): BenchServer {
  const sum = (list: ServerStats[]): ServerStats => {
    const byCommand: Record<string, number> = {};
    for (const st of list) for (const [k, v] of Object.entries(st.byCommand)) byCommand[k] = (byCommand[k] ?? 0) + v;
    return { ...list[0], cpuMicros: list.reduce((t, x) => t + x.cpuMicros, 0), commands: list.reduce((t, x) => t + x.commands, 0), byCommand };
  };
  return {
    port, startupMs: Math.max(...servers.map((x) => x.startupMs)),
    exited: () => servers.map((x) => x.exited()).find(Boolean),
    call: (req) => servers[0].call(req),
    stats: async () => sum(await Promise.all(servers.map((x) => x.stats()))),
    stop: async () => { await Promise.all(servers.map((x) => x.stop())); },
  };
}

/** 1, 2, 4… instances behind nginx on one database, saturated; every answered message checked against the transcript. */
async function scaleBench(db: Awaited<ReturnType<typeof startDatabase>>): Promise<void> {
  const { startNginx } = await import('./bench-nginx.js');
  const rows: Array<{ instances: number; phase: PhaseFigures; lost: number; twice: number; rssMb: number[] }> = [];
  for (const n of opts.instances) {
    const servers: BenchServer[] = [];
    let balancer: Awaited<ReturnType<typeof startNginx>> | undefined;
    try {
      for (let i = 0; i < n; i++) servers.push(await startServer(db.uri, false));
      balancer = await startNginx(servers.map((x) => x.port));
      const all = behind(balancer.port, servers);
      const world: CitizenWorld = { services: content.services, codes: [], rnd: seeded(opts.seed) };
      await runPhase(all, world, `warmup${n}x`, { citizens: Math.min(opts.citizens, 20), seconds: 3, messages: 0, thinkMs: 0 });
      const phase = await runPhase(all, world, `scale${n}x`, { ...opts, thinkMs: 0 }, db.cpuSeconds);
      const stored = await servers[0].call<{ lines: number; perChat: Record<string, number> }>({ type: 'citizenLines', prefix: `bench_scale${n}x_` });
      // A message answered but not in the transcript is lost; one stored more often than answered was handled twice.
      let lost = 0;
      let twice = 0;
      for (const [user, answered] of Object.entries(phase.answeredByUser)) {
        const kept = stored.perChat[`web:${user}`] ?? 0;
        if (kept < answered) lost += answered - kept;
        if (kept > answered) twice += kept - answered;
      }
      const rssMb = (await Promise.all(servers.map((x) => x.stats()))).map((st) => mb(st.rss));
      rows.push({ instances: n, phase, lost, twice, rssMb });
      console.log(`${n} instance(s): ${fixed(phase.messagesPerSecond, 0)} msgs/s, p99 ${fixed(phase.latencyMs.p99)} ms, ${phase.errors} errors, lost ${lost}, stored twice ${twice}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
    } finally {
      await balancer?.stop();
      await Promise.all(servers.map((x) => x.stop()));
    }
  }
  const one = rows.find((r) => r.instances === 1);
  console.log(table([['instances', 'citizens', 'messages', 'errors', 'lost', 'twice', 'msgs/s', '× one', 'p50 ms', 'p99 ms', 'db cmds/msg', 'server cores', 'db cores', 'RSS each'],
    ...rows.map((r): [string, ...string[]] => [String(r.instances), String(r.phase.citizens), String(r.phase.messages), String(r.phase.errors), String(r.lost), String(r.twice),
      fixed(r.phase.messagesPerSecond, 0), one ? fixed(r.phase.messagesPerSecond / one.phase.messagesPerSecond, 2) : '—', fixed(r.phase.latencyMs.p50), fixed(r.phase.latencyMs.p99),
      fixed(r.phase.dbCommandsPerMessage, 2), fixed(r.phase.serverCpuCores, 2), fixed(r.phase.databaseCpuCores, 2), r.rssMb.map((x) => `${x}`).join('/') + ' MB'])]));
  const two = rows.find((r) => r.instances === 2);
  if (one && two) console.log(`target 2 instances ≥ 1.6 × one instance's msgs/s: ${verdict(two.phase.messagesPerSecond >= 1.6 * one.phase.messagesPerSecond)} (${fixed(two.phase.messagesPerSecond / one.phase.messagesPerSecond, 2)}×; the machine has ${os.cpus().length} cores for the database, the servers, nginx and the citizens)`);
  console.log(`no message lost or stored twice: ${verdict(rows.every((r) => r.lost === 0 && r.twice === 0))}`);
  console.log(`written to ${save('scale', { machine: machine(), database: db.label, options: opts, rows: rows.map(({ phase: { answeredByUser: _a, ...phase }, ...r }) => ({ ...r, phase })) })}`);
}

async function serverBench(): Promise<void> {
  const t0 = performance.now();
  // The compiled server, built first when missing or stale, as `npm start` does.
  if (!opts.source) {
    const { build, isStale } = await import('./build.mjs' as string) as { build(): void; isStale(): boolean };
    if (isStale()) { console.log('building dist/ first...'); build(); }
  }
  const db = await startDatabase();
  if (opts.instances.length) {
    try { await scaleBench(db); } finally { await db.stop(); console.log(`total ${fixed((performance.now() - t0) / 1000)} s`); }
    return;
  }
  let server: BenchServer | undefined;
  try {
    server = await startServer(db.uri, opts.profile);
    // The footprint before any citizen: code, content, understanding, connection pool.
    const ready = (await server.call<{ stats: ServerStats }>({ type: 'gc' })).stats;
    console.log(`database: ${db.label}\nserver: a child process (${opts.source ? 'TypeScript sources through tsx' : 'compiled, dist/'}) on 127.0.0.1:${server.port}, ready in ${fixed(server.startupMs, 0)} ms`);
    console.log(`machine: ${os.cpus().length} cores, load average ${loadAtStart.join(' / ')} (1/5/15 min) before the run; server RSS when ready ${mb(ready.rss)} MB (heap ${mb(ready.heapUsed)} MB)`);
    const world: CitizenWorld = { services: content.services, codes: [], rnd: seeded(opts.seed) };
    // Warm-up: JIT, connection pool, collections and indexes; not measured.
    await runPhase(server, world, 'warmup', { citizens: Math.min(opts.citizens, 20), seconds: 3, messages: 0, thinkMs: 0 });

    if (opts.conversations > 0) {
      const r = await runConversations(server, world, opts);
      const stored = await server.call<{ stored: Stored }>({ type: 'stored' }).then((x) => x.stored, () => undefined);
      printConversations('Nafidha', r, mb(ready.rss));
      if (stored) console.log(`stored at the end: ${stored.chats} chats, ${stored.transcriptLines} transcript lines, ${stored.complaints} complaints`);
      // The database alone, empty and then as full as the chat-state collection is now.
      const ceilingEmpty = (await server.call<{ ceiling: Ceiling }>({ type: 'ceiling', concurrency: opts.citizens, ms: opts.ceilingSeconds * 1000 })).ceiling;
      const ceilingFull = (await server.call<{ ceiling: Ceiling }>({ type: 'ceiling', concurrency: opts.citizens, ms: opts.ceilingSeconds * 1000, fill: stored?.chats ?? 0 })).ceiling;
      console.log(`database ceiling (${opts.citizens} loops of insertOne + findOne): ${fixed(ceilingEmpty.roundTripsPerSecond, 0)} round trips/s on an empty collection, `
        + `${fixed(ceilingFull.roundTripsPerSecond, 0)} on one of ${stored?.chats ?? 0} documents (the chat-state collection's size)`);
      const first = r.perThousand[0];
      const last = r.perThousand.at(-1);
      const growth = last && first ? last.messagesPerSecond / first.messagesPerSecond : NaN;
      console.log(`msgs/s with ${last?.chatsFrom ?? 0}+ chats stored ÷ msgs/s with 0–1,000: ${fixed(last?.messagesPerSecond ?? NaN, 0)} ÷ ${fixed(first?.messagesPerSecond ?? NaN, 0)} = ${fixed(growth, 2)}`);
      let base: ConversationFigures | undefined;
      let baseReadyMb: number | undefined;
      if (opts.baseline) {
        await server.stop();
        server = await startServer(db.uri, false, true);
        baseReadyMb = mb((await server.call<{ stats: ServerStats }>({ type: 'gc' })).stats.rss);
        const baseWorld: CitizenWorld = { services: content.services, codes: [], rnd: seeded(opts.seed) };
        await runPhase(server, baseWorld, 'warmup', { citizens: Math.min(opts.citizens, 20), seconds: 3, messages: 0, thinkMs: 0 });
        base = await runConversations(server, baseWorld, opts);
        printConversations('baseline (express + mongoose: one state read, one state write, one transcript insert)', base, baseReadyMb);
        console.log(`Nafidha msgs/s ÷ baseline: ${fixed(r.messagesPerSecond, 0)} ÷ ${fixed(base.messagesPerSecond, 0)} = ${fixed(r.messagesPerSecond / base.messagesPerSecond, 2)}`);
        console.log(`target ≥ 0.9 × the baseline's msgs/s: ${verdict(r.messagesPerSecond >= 0.9 * base.messagesPerSecond)}`);
      }
      console.log(`target msgs/s after ${last?.chatsFrom ?? 0} stored chats ≥ 0.8 × with the first 1,000: ${verdict(growth >= 0.8)}`);
      console.log(`target db commands per message ≤ 2: ${verdict(r.dbCommandsPerMessage <= 2)} (${fixed(r.dbCommandsPerMessage, 2)})`);
      console.log(`target RSS ≤ 200 MB at ready: ${verdict(mb(ready.rss) <= 200)}; ≤ 250 MB after ${r.conversations} conversations: ${verdict(r.rssAtEndMb <= 250)}`);
      console.log(`written to ${save('conversations', { machine: machine(), database: db.label, options: opts, rssReadyMb: mb(ready.rss), ...r, stored, ceilingEmpty, ceilingFull, growth, baseline: base && { rssReadyMb: baseReadyMb, ...base } })}`);
      return;
    }

    const runPhases = async (on: BenchServer, w: CitizenWorld) => {
      const out: PhaseFigures[] = [];
      if (opts.thinkMs > 0) out.push(await runPhase(on, w, 'paced', { ...opts, thinkMs: opts.thinkMs }, db.cpuSeconds));
      out.push(await runPhase(on, w, 'saturated', { ...opts, thinkMs: 0 }, db.cpuSeconds));
      return out;
    };
    const printPhases = (list: PhaseFigures[]) => {
      console.log(table([
        ['phase', 'citizens', 'think ms', 'messages', 'errors', 'msgs/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'db cmds/msg', 'cpu ms/msg', 'cores', 'peak RSS', 'db cpu ms/msg', 'db cores'],
        ...list.map((p): [string, ...string[]] => [p.name, String(p.citizens), String(p.thinkMs), String(p.messages), String(p.errors), fixed(p.messagesPerSecond, 0),
          fixed(p.latencyMs.p50), fixed(p.latencyMs.p95), fixed(p.latencyMs.p99), fixed(p.latencyMs.max), fixed(p.dbCommandsPerMessage, 2),
          fixed(p.cpuMsPerMessage, 2), fixed(p.serverCpuCores, 2), `${p.peakRssMb} MB`, fixed(p.databaseCpuMsPerMessage, 2), fixed(p.databaseCpuCores, 2)]),
      ]));
      for (const p of list) {
        console.log(`${p.name}: conversations ${Object.entries(p.conversations).map(([k, v]) => `${k} ${v}`).join(', ')}; complaints filed ${p.complaintsFiled}`
          + (p.storedAtEnd ? `; stored at the end: ${p.storedAtEnd.chats} chats, ${p.storedAtEnd.transcriptLines} transcript lines, ${p.storedAtEnd.complaints} complaints` : ''));
        console.log(`  db commands per message: ${Object.entries(p.dbCommandsByKind).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        console.log(`  latency by conversation: ${Object.entries(p.latencyMsByKind).map(([k, v]) => `${k} ${v.messages} msgs p50 ${fixed(v.p50)} p95 ${fixed(v.p95)} ms`).join(", ")}`);
      }
    };
    const phases = await runPhases(server, world);
    const crashed = server.exited();
    if (crashed) console.log(`THE SERVER CRASHED during the run: ${crashed}`);
    const saturated = phases[phases.length - 1];
    const chatsStored = saturated.storedAtEnd?.chats ?? 0;
    const noCeiling = { iterations: 0, roundTrips: 0, ms: 0, roundTripsPerSecond: NaN };
    const ceiling = crashed ? noCeiling
      : (await server.call<{ ceiling: Ceiling }>({ type: 'ceiling', concurrency: opts.citizens, ms: opts.ceilingSeconds * 1000 })).ceiling;
    // The fair ceiling: the same loop over a collection as full as the bot's chat-state collection.
    const ceilingFull = crashed ? noCeiling
      : (await server.call<{ ceiling: Ceiling }>({ type: 'ceiling', concurrency: opts.citizens, ms: opts.ceilingSeconds * 1000, fill: chatsStored })).ceiling;
    const ratio = saturated.messagesPerSecond / ceiling.roundTripsPerSecond;
    console.log('Nafidha:');
    printPhases(phases);
    console.log(`database ceiling (${opts.citizens} loops of insertOne + findOne, same driver): ${fixed(ceiling.roundTripsPerSecond, 0)} round trips/s on an empty collection, `
      + `${fixed(ceilingFull.roundTripsPerSecond, 0)} on one of ${chatsStored} documents (as many as the chats stored)`);
    console.log(`bot msgs/s ÷ ceiling: ${fixed(saturated.messagesPerSecond, 0)} ÷ ${fixed(ceiling.roundTripsPerSecond, 0)} = ${fixed(ratio, 2)} (empty), `
      + `÷ ${fixed(ceilingFull.roundTripsPerSecond, 0)} = ${fixed(saturated.messagesPerSecond / ceilingFull.roundTripsPerSecond, 2)} (same size)`);
    let basePhases: PhaseFigures[] | undefined;
    if (opts.baseline && !crashed) {
      await server.stop();
      server = await startServer(db.uri, false, true);
      const baseWorld: CitizenWorld = { services: content.services, codes: [], rnd: seeded(opts.seed) };
      await runPhase(server, baseWorld, 'warmup', { citizens: Math.min(opts.citizens, 20), seconds: 3, messages: 0, thinkMs: 0 });
      basePhases = await runPhases(server, baseWorld);
      console.log('baseline (express + mongoose: one state read, one state write, one transcript insert per message):');
      printPhases(basePhases);
      const bs = basePhases[basePhases.length - 1];
      console.log(`saturated msgs/s ÷ baseline: ${fixed(saturated.messagesPerSecond, 0)} ÷ ${fixed(bs.messagesPerSecond, 0)} = ${fixed(saturated.messagesPerSecond / bs.messagesPerSecond, 2)}; `
        + `target ≥ 0.9: ${verdict(saturated.messagesPerSecond >= 0.9 * bs.messagesPerSecond)}`);
      const bp = basePhases.find((p) => p.name === 'paced');
      const np = phases.find((p) => p.name === 'paced');
      if (bp && np) console.log(`paced p99 ÷ baseline: ${fixed(np.latencyMs.p99)} ÷ ${fixed(bp.latencyMs.p99)} = ${fixed(np.latencyMs.p99 / bp.latencyMs.p99, 2)}; target ≤ 1.5: ${verdict(np.latencyMs.p99 <= 1.5 * bp.latencyMs.p99)}`);
    }
    const paced = phases.find((p) => p.name === 'paced');
    if (paced) console.log(`target p99 ≤ 50 ms with ${paced.citizens} citizens (paced, think ${opts.thinkMs} ms): ${verdict(paced.latencyMs.p99 <= 50)}`);
    console.log(`target db commands per message ≤ 2 (${phases.map((p) => `${p.name} ${fixed(p.dbCommandsPerMessage, 2)}`).join(', ')}): ${verdict(phases.every((p) => p.dbCommandsPerMessage <= 2))}`);
    console.log(`written to ${save('bench', { machine: machine(), database: db.label, options: opts, serverStartupMs: server.startupMs, rssReadyMb: mb(ready.rss), crashed, phases: phases.map(({ answeredByUser: _a, ...p }) => p), ceiling, ceilingFull, ratio, baseline: basePhases?.map(({ answeredByUser: _a, ...p }) => p) })}`);
  } finally {
    await server?.stop();
    await db.stop();
    console.log(`total ${fixed((performance.now() - t0) / 1000)} s`);
  }
}

(opts.understanding ? understandingBench() : serverBench()).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
