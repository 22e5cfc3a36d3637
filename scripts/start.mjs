// npm start: the compiled server (dist/main.js), built first when missing or older than its sources, in this same
// process (so a signal or a kill of this pid reaches the server itself). Without TypeScript installed (npm ci
// --omit=dev) and no build, it says so and runs the sources with tsx instead.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, isStale } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let entry = path.join(root, 'dist', 'main.js');
if (isStale()) {
  try {
    console.log('[nafidha] building dist/ (never built, or the sources changed since)...');
    build();
  } catch (err) {
    console.log(`[nafidha] ${err.message} Running the TypeScript sources with tsx instead.`);
    (await import('tsx/esm/api')).register();
    entry = path.join(root, 'src', 'main.ts');
  }
}
// main.js starts the server when imported.
await import(pathToFileURL(entry).href);
