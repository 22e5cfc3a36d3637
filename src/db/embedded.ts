import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface EmbeddedDatabase {
  uri: string;
  kind: 'ferretdb' | 'mongod';
  /** The database process's id while it runs (FerretDB only). */
  pid?(): number | undefined;
  stop(): Promise<void>;
}

// FerretDB 1.24.2 with the patches of scripts/ferretdb-*.patch (its _id index used); see scripts/install-ferretdb.sh.
const FERRETDB_BUILD = 'v1.24.2-nafidha1';

function ferretdbBinary(): string | undefined {
  const tools = process.env.NAFIDHA_TOOLS ?? path.join(os.homedir(), '.cache', 'nafidha');
  const candidates = [process.env.FERRETDB_BIN, path.join(tools, `ferretdb-${FERRETDB_BUILD}`, 'ferretdb'),
    path.join(os.homedir(), 'go', 'bin', 'ferretdb'), ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'ferretdb'))];
  return candidates.find((c): c is string => !!c && fs.existsSync(c));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`FerretDB exited (${child.signalCode ?? child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`FerretDB did not listen on ${port} within ${ms} ms: ${log()}`);
}

// Kills the database when this process is gone, however it went (even `kill -9`): the watcher blocks reading a pipe
// only this process writes to, so it reads end-of-file exactly when this process dies. A POSIX shell, no polling.
const PARENT_DEATH_WATCH = 'read -r _ignored; kill -TERM "$1" 2>/dev/null || exit 0; i=0; '
  + 'while kill -0 "$1" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL "$1" 2>/dev/null; exit 0';

function watchForParentDeath(pid: number): ChildProcess {
  const watcher = spawn('sh', ['-c', PARENT_DEATH_WATCH, 'nafidha-db-watch', String(pid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  watcher.on('error', () => undefined);
  // Neither the watcher nor its pipe keeps this process running.
  watcher.unref();
  (watcher.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watcher;
}

/** Restart delays after FerretDB dies: quick at first, then backing off while it keeps failing. */
const RESTART_DELAYS_MS = [300, 1_000, 2_000, 5_000, 10_000];
/** A FerretDB that ran this long counts as healthy again: the next death restarts it quickly. */
const HEALTHY_AFTER_MS = 30_000;

export interface FerretDBOptions {
  /** The port to listen on (a free one when absent); a restart keeps it. */
  port?: number;
  log?: (line: string) => void;
}

/**
 * Starts FerretDB (SQLite backend) on 127.0.0.1 with telemetry off, its data kept in `dataDir`, supervised: restarted
 * on the same port and data directory if it dies, and killed with this process (same process group, and a watcher
 * for a `kill -9` of this process).
 */
export async function startFerretDB(binary: string, dataDir: string, o: FerretDBOptions = {}): Promise<EmbeddedDatabase> {
  const sqlite = path.join(dataDir, 'sqlite');
  fs.mkdirSync(sqlite, { recursive: true });
  const port = o.port ?? await freePort();
  const log = o.log ?? (() => undefined);
  let output = '';
  let child: ChildProcess;
  let watcher: ChildProcess | undefined;
  let stopping = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const launch = (): ChildProcess => {
    const c = spawn(binary, [
      '--handler=sqlite', `--sqlite-url=file:${sqlite}/`, `--state-dir=${dataDir}`, `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-', '--telemetry=disable', '--log-level=error',
    ], { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    const keep = (b: Buffer) => { output = (output + b.toString()).slice(-4000); };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    c.on('error', (err) => { output += `\n${err.message}`; });
    if (c.pid) watcher = watchForParentDeath(c.pid);
    const startedAt = Date.now();
    c.once('exit', (code, signal) => {
      watcher?.kill('SIGKILL');
      watcher = undefined;
      if (stopping) return;
      failures = Date.now() - startedAt > HEALTHY_AFTER_MS ? 1 : failures + 1;
      const delay = RESTART_DELAYS_MS[Math.min(failures - 1, RESTART_DELAYS_MS.length - 1)];
      log(`FerretDB stopped (${signal ?? `exit ${code}`}); restarting it on port ${port} in ${delay} ms`);
      restartTimer = setTimeout(() => {
        if (stopping) return;
        child = launch();
        waitForPort(port, child, () => output, 10_000).then(
          () => log(`FerretDB restarted (pid ${child.pid})`),
          (err: Error) => log(`FerretDB restart failed: ${err.message.split('\n')[0]}`),
        );
      }, delay);
      restartTimer.unref();
    });
    return c;
  };

  child = launch();
  try {
    await waitForPort(port, child, () => output);
  } catch (err) {
    stopping = true;
    child.kill('SIGKILL');
    throw err;
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/nafidha`,
    kind: 'ferretdb',
    pid: () => child.pid,
    stop: () => new Promise<void>((resolve) => {
      stopping = true;
      clearTimeout(restartTimer);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
      child.once('exit', () => { clearTimeout(force); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

async function startMongod(dataDir: string): Promise<EmbeddedDatabase> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const dbPath = path.join(dataDir, 'mongod');
  fs.mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({ binary: { version: '7.0.14' }, instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' } });
  return { uri: server.getUri('nafidha'), kind: 'mongod', stop: async () => { await server.stop({ doCleanup: false }); } };
}

/**
 * The database `npm start` uses when MONGODB_URI is not set, data kept under `dataDir` between runs:
 * an installed FerretDB; else a real mongod fetched by mongodb-memory-server; else FerretDB built with Go.
 */
export async function startEmbeddedDatabase(dataDir: string, log: (line: string) => void): Promise<EmbeddedDatabase> {
  let binary = ferretdbBinary();
  if (binary) return startFerretDB(binary, path.join(dataDir, 'ferretdb'), { log });
  try {
    return await startMongod(dataDir);
  } catch (err) {
    log(`mongodb-memory-server could not provide mongod (${err instanceof Error ? err.message.split('\n')[0] : err}); building FerretDB instead.`);
  }
  const script = path.resolve('scripts', 'install-ferretdb.sh');
  const built = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  binary = built.status === 0 ? built.stdout.trim().split('\n').pop() : undefined;
  if (!binary || !fs.existsSync(binary)) {
    throw new Error('No database available: set MONGODB_URI to a MongoDB server, or install Go so that `bash scripts/install-ferretdb.sh` can build FerretDB.');
  }
  return startFerretDB(binary, path.join(dataDir, 'ferretdb'), { log });
}

/** Where `npm start` notes its embedded database's URI while it runs, for the CLIs (npm run staff, application). */
export const embeddedUriFile = (dataDir: string) => path.join(dataDir, 'embedded-uri');

/** The URI of the embedded database a running `npm start` uses, or undefined when none runs. */
export function runningEmbeddedUri(dataDir: string): string | undefined {
  try { return fs.readFileSync(embeddedUriFile(dataDir), 'utf8').trim() || undefined; } catch { return undefined; }
}
