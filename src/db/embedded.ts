import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface EmbeddedDatabase { uri: string; kind: 'ferretdb' | 'mongod'; stop(): Promise<void> }

const FERRETDB_VERSION = 'v1.24.2';

function ferretdbBinary(): string | undefined {
  const tools = process.env.NAFIDHA_TOOLS ?? path.join(os.homedir(), '.cache', 'nafidha');
  const candidates = [process.env.FERRETDB_BIN, path.join(tools, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb'),
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
    if (child.exitCode !== null) throw new Error(`FerretDB exited (${child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`FerretDB did not listen on ${port} within ${ms} ms: ${log()}`);
}

/** Starts FerretDB (SQLite backend) on 127.0.0.1 with telemetry off, its data kept in `dataDir`. */
export async function startFerretDB(binary: string, dataDir: string): Promise<EmbeddedDatabase> {
  const sqlite = path.join(dataDir, 'sqlite');
  fs.mkdirSync(sqlite, { recursive: true });
  const port = await freePort();
  let output = '';
  const child = spawn(binary, [
    '--handler=sqlite', `--sqlite-url=file:${sqlite}/`, `--state-dir=${dataDir}`, `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-', '--telemetry=disable', '--log-level=error',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => { output = (output + b.toString()).slice(-4000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitForPort(port, child, () => output);
  return {
    uri: `mongodb://127.0.0.1:${port}/nafidha`,
    kind: 'ferretdb',
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
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
  if (binary) return startFerretDB(binary, path.join(dataDir, 'ferretdb'));
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
  return startFerretDB(binary, path.join(dataDir, 'ferretdb'));
}
