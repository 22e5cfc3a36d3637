// The database `npm run bench` runs against: MONGODB_URI in a database of its own (dropped afterwards), else
// FerretDB started in a temp dir, whose CPU time is then read from /proc.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFerretDB } from '../src/db/embedded.js';

/** CPU seconds used so far by the process whose command line mentions `marker` (Linux /proc), or undefined. */
function cpuSecondsOf(marker: string): (() => number) | undefined {
  if (!fs.existsSync('/proc')) return undefined;
  const pid = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).find((d) => {
    try { return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker); } catch { return false; }
  });
  if (!pid) return undefined;
  return () => {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
    } catch { return NaN; }
  };
}

/** The database: MONGODB_URI in a database of the benchmark's own, else FerretDB in a temp dir. */
export async function startDatabase(): Promise<{ uri: string; label: string; cpuSeconds?: () => number; stop(): Promise<void> }> {
  const name = `nafidha_bench_${randomBytes(4).toString('hex')}`;
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = `/${name}`;
    return { uri: url.toString(), label: `MONGODB_URI (${url.host}), database ${name}`, stop: async () => undefined };
  }
  // FERRETDB_BIN picks another build (e.g. the unpatched one, to compare); by default the one the project builds.
  const built = process.env.FERRETDB_BIN ? { status: 0, stdout: process.env.FERRETDB_BIN }
    : spawnSync('bash', ['scripts/install-ferretdb.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const binary = built.stdout.trim().split('\n').pop();
  if (built.status !== 0 || !binary) throw new Error('FerretDB is not available and could not be built; set MONGODB_URI to a MongoDB server.');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-bench-db-'));
  const ferret = await startFerretDB(binary, dir);
  const url = new URL(ferret.uri);
  url.pathname = `/${name}`;
  const stop = async () => { await ferret.stop(); fs.rmSync(dir, { recursive: true, force: true }); };
  // Even when the benchmark fails, FerretDB must not outlive it (stop() signals it synchronously).
  process.once('exit', () => void stop());
  return { uri: url.toString(), label: `FerretDB ${path.basename(path.dirname(binary))} (SQLite) in ${dir}`, cpuSeconds: cpuSecondsOf(dir), stop };
}
