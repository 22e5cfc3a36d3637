// npm run build: the server compiled to JavaScript in dist/ (tsc), with the files it serves from next to its code,
// so production runs `node dist/main.js` without compiling TypeScript at run time. Plain JavaScript on purpose:
// it must run before anything is built. `isStale()` tells scripts/start.mjs whether to build first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');
// What the build is made from: a change to any of these makes it stale.
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
// Served as files by the code in dist (see WEBCHAT_DIR in src/http/server.ts).
const assets = ['channels/webchat/public'];

function newestMtime(p) {
  let st;
  try { st = fs.statSync(p); } catch { return 0; }
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((e) => newestMtime(path.join(p, e))));
}

export function isStale() {
  if (!fs.existsSync(path.join(dist, 'main.js')) || !fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return inputs.some((i) => newestMtime(path.join(root, i)) > built);
}

export function build() {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) throw new Error('TypeScript is not installed (npm ci installs it): cannot build dist/.');
  fs.rmSync(dist, { recursive: true, force: true });
  const done = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (done.status !== 0) throw new Error(`tsc failed (exit ${done.status ?? done.signal}): dist/ not built.`);
  for (const a of assets) fs.cpSync(path.join(root, 'src', a), path.join(dist, a), { recursive: true });
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try { build(); console.log('built dist/'); } catch (err) { console.error(err.message); process.exit(1); }
}
