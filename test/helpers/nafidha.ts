import path from 'node:path';
import { composeNafidha, type ComposeOptions, type Nafidha } from '../../src/app/compose.js';
import type { Database } from '../../src/db/connection.js';
import { shippedContent } from './assistant.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The whole product (domain, flows, HTTP app) on a test database, as main.ts wires it. */
export function testNafidha(db: Database, o: Pick<ComposeOptions, 'senders' | 'channels'> & { open311Keys?: string[] } = {}): Nafidha {
  const { content, understander } = shippedContent();
  return composeNafidha({ config: { knowledgeDir: path.join(root, 'knowledge'), open311Keys: o.open311Keys ?? [] }, content, db, understander, log: () => undefined, dispatchIntervalMs: 50, senders: o.senders, channels: o.channels });
}
