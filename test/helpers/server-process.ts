import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/db/embedded.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Every server process the tests started, so a file can make sure none outlives it. */
export const started: ChildProcess[] = [];

/**
 * The real server (`src/main.ts`, the sources `npm start` runs compiled), one node process with tsx loaded, so a `kill -9` of its
 * pid stops exactly the server, as a power cut would. No channel tokens; the database is what `env` says.
 */
export async function startServerProcess(env: Record<string, string | undefined>, readyMs = 45_000): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MONGODB_URI: undefined, TELEGRAM_TOKEN: undefined, WHATSAPP_WEB: undefined, WHATSAPP_CLOUD_TOKEN: undefined, HOST: '127.0.0.1', PORT: String(port), SESSION_SECRET: 'test-session-secret', ...env },
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { output += b.toString(); });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = { url: `http://127.0.0.1:${port}`, process: child, output: () => output, exited };
  const end = Date.now() + readyMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited before it was ready:\n${output}`);
    // Fully started (the console seeded) and healthy.
    if (output.includes('[nafidha] web chat: http') && await fetch(`${server.url}/healthz`).then((r) => r.ok, () => false)) return server;
    if (Date.now() > end) { child.kill('SIGKILL'); throw new Error(`server not ready within ${readyMs} ms:\n${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}
