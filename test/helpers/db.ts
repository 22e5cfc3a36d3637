import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';

/** The test server's URI with a fresh database name, so test files never see each other's data. */
export function testDatabaseUri(name = 'test'): string {
  const base = inject('mongodbUri');
  const url = new URL(base);
  url.pathname = `/${name}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

export async function testDatabase(name?: string): Promise<Database & { uri: string }> {
  const uri = testDatabaseUri(name);
  const db = await connectDatabase(uri);
  const close = db.close;
  return { ...db, uri, close: async () => { await db.connection.dropDatabase().catch(() => undefined); await close(); } };
}
