// The database going away, tried as a power cut would: real FerretDB and server processes, killed for real.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, startFerretDB, type EmbeddedDatabase } from '../../src/db/embedded.js';

const root = path.resolve(import.meta.dirname, '../..');
// The polite error the citizen must get, as the content file words it (not copied here).
const errorReply = (parse(fs.readFileSync(path.join(root, 'knowledge/replies.yaml'), 'utf8')) as Record<string, { ar: string; en: string }>).error;

let binary: string;
const dirs: string[] = [];
const servers: ChildProcess[] = [];
const databases: EmbeddedDatabase[] = [];

beforeAll(() => {
  // The global setup built it already; this only prints its path.
  const built = spawnSync('bash', ['scripts/install-ferretdb.sh'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  binary = built.stdout.trim().split('\n').pop() ?? '';
  expect(built.status, 'the outage test kills its own FerretDB: bash scripts/install-ferretdb.sh must succeed (Go needed)').toBe(0);
});

afterAll(async () => {
  for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
  for (const d of databases) await d.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nafidha-outage-${name}-`));
  dirs.push(dir);
  return dir;
}

/** Polls `check` until it gives a value; `context` (a server's log) is shown when it never does. */
async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined | false> | T | undefined | false, context?: () => string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}${context ? `\n${context()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Server = ServerProcess;

async function startServer(env: Record<string, string | undefined>): Promise<Server> {
  const server = await startServerProcess(env);
  servers.push(server.process);
  return server;
}

async function health(server: Server): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

/** A citizen's message on the web chat webhook; the reply texts and how long they took. */
async function say(server: Server, user: string, text: string): Promise<{ status: number; texts: string[]; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', user, text }), signal: AbortSignal.timeout(20_000),
  });
  const body = (await res.json().catch(() => null)) as Array<{ text?: string }> | null;
  return { status: res.status, texts: (body ?? []).map((m) => m.text ?? ''), ms: Date.now() - started };
}

function answeredNormally(reply: { status: number; texts: string[] }): boolean {
  return reply.status === 200 && reply.texts.length > 0 && reply.texts.every((t) => t.length > 0 && t !== errorReply.ar && t !== errorReply.en);
}

/** The FerretDB processes serving `dataDir`, found by their command line (ids only of live ones). */
function ferretdbPids(dataDir: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes('ferretdb') && cmdline.includes(`--state-dir=${dataDir}`) && alive(pid);
    } catch { return false; }
  });
}

function alive(pid: number): boolean {
  try {
    // Field 3 of /proc/<pid>/stat is the state; a zombie has exited already.
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch { return false; }
}

const figures: Record<string, number> = {};

describe('the database going away', () => {
  it('reports the outage, answers citizens politely within 5 s, recovers by itself and still stops on SIGTERM', async () => {
    const dataDir = tempDir('external');
    let database = await startFerretDB(binary, dataDir);
    databases.push(database);
    const port = Number(new URL(database.uri).port);
    const server = await startServer({ MONGODB_URI: database.uri, DATA_DIR: tempDir('external-app') });
    expect(answeredNormally(await say(server, 'outage-citizen-before-01', 'كم رسوم رخصة البناء'))).toBe(true);

    await database.stop();
    const killedAt = Date.now();
    const down = await waitFor('/healthz reports the database down', 20_000, async () => { const h = await health(server); return h.status !== 200 && h; }, server.output);
    figures.msTo503 = Date.now() - killedAt;
    expect(down).toEqual({ status: 503, body: { ok: false, database: 'down' } });

    const arabic = await say(server, 'outage-citizen-during-ar', 'أريد تقديم شكوى عن حفرة في الطريق');
    const english = await say(server, 'outage-citizen-during-en', 'I want to report a pothole in my street');
    figures.replyMsDuringOutage = Math.max(arabic.ms, english.ms);
    expect(arabic).toMatchObject({ status: 200, texts: [errorReply.ar] });
    expect(english).toMatchObject({ status: 200, texts: [errorReply.en] });
    expect(figures.replyMsDuringOutage).toBeLessThan(5_000);

    // The console's API answers at once that the database is unavailable, instead of hanging.
    const signIn = await fetch(`${server.url}/console/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'clerk', password: 'not-this-one' }), signal: AbortSignal.timeout(5_000),
    });
    expect(signIn.status).toBe(503);
    expect(await signIn.json()).toHaveProperty('error');

    database = await startFerretDB(binary, dataDir, { port });
    databases.push(database);
    const backAt = Date.now();
    await waitFor('/healthz healthy again without a restart', 20_000, async () => (await health(server)).status === 200, server.output);
    figures.msToRecover = Date.now() - backAt;
    const after = await waitFor('a citizen answered normally again', 10_000, async () => {
      const reply = await say(server, 'outage-citizen-after-001', 'كم رسوم رخصة البناء');
      return answeredNormally(reply) && reply;
    }, server.output);
    expect(after.texts.length).toBeGreaterThan(0);
    expect(server.process.exitCode).toBeNull();

    const termAt = Date.now();
    server.process.kill('SIGTERM');
    await waitFor('the server exits after SIGTERM', 5_000, () => server.process.exitCode !== null || server.process.signalCode !== null, server.output);
    figures.msSigtermExit = Date.now() - termAt;
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('restarts the embedded FerretDB when it dies, and leaves none behind when the server is killed', async () => {
    const dataDir = tempDir('embedded');
    const server = await startServer({ DATA_DIR: dataDir, FERRETDB_BIN: binary });
    const [first] = await waitFor('the embedded FerretDB runs', 5_000, () => { const p = ferretdbPids(dataDir); return p.length === 1 && p; }, server.output);

    process.kill(first, 'SIGKILL');
    const killedAt = Date.now();
    const [second] = await waitFor('the supervisor restarts FerretDB', 20_000, () => { const p = ferretdbPids(dataDir); return p.length === 1 && p[0] !== first && p; }, server.output);
    await waitFor('the server answers again', 20_000, async () => answeredNormally(await say(server, 'embedded-citizen-after-1', 'كم رسوم رخصة البناء')), server.output);
    figures.msEmbeddedRestart = Date.now() - killedAt;
    expect(alive(first)).toBe(false);

    process.kill(server.process.pid!, 'SIGKILL');
    const serverKilledAt = Date.now();
    await waitFor('no FerretDB left after kill -9 of the server', 5_000, () => !alive(second) && ferretdbPids(dataDir).length === 0);
    figures.msOrphanGone = Date.now() - serverKilledAt;
  }, 90_000);

  it('a wrong MONGODB_URI stops start-up (without hanging) with one line that names it', async () => {
    // One after the other, so the two start-ups do not slow each other down.
    const tries = [];
    for (const uri of ['mongodb://127.0.0.1:1/x', 'not a connection string']) {
      const started = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MONGODB_URI: uri, PORT: String(await freePort()), DATA_DIR: tempDir('wrong-uri') },
      });
      servers.push(child);
      let stderr = '';
      child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      tries.push({ uri, code, ms: Date.now() - started, lines: stderr.split('\n').filter((l) => l.trim()) });
    }
    for (const t of tries) {
      expect(t.code, t.uri).not.toBe(0);
      expect(t.lines, t.uri).toHaveLength(1);
      expect(t.lines[0]).toContain('MONGODB_URI');
      expect(t.lines[0]).toMatch(/unset it|correct MONGODB_URI|set it to/);
      // (Seconds on a quiet machine, printed below; the bound only catches a hang, as a loaded machine is slow to start Node.)
      expect(t.ms, t.uri).toBeLessThan(20_000);
      figures[`msWrongUri ${t.uri}`] = t.ms;
    }
    console.log('outage figures (ms):', JSON.stringify(figures));
  }, 60_000);
});
