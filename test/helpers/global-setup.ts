import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startFerretDB, type EmbeddedDatabase } from '../../src/db/embedded.js';

// One real MongoDB-protocol server for the whole run: MONGODB_URI when given, else FerretDB in a temp dir.
let server: EmbeddedDatabase | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    const built = spawnSync('bash', ['scripts/install-ferretdb.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const binary = built.stdout.trim().split('\n').pop();
    if (built.status !== 0 || !binary) throw new Error('FerretDB is not available and could not be built; set MONGODB_URI to a MongoDB server.');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nafidha-test-db-'));
    server = await startFerretDB(binary, dir);
    uri = server.uri;
  }
  project.provide('mongodbUri', uri);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext { mongodbUri: string }
}
