import path from 'node:path';
import { composeNafidha, type ComposeOptions, type Nafidha } from '../../src/app/compose.js';
import type { Database } from '../../src/db/connection.js';
import { shippedContent } from './assistant.js';
import { testDatabase } from './db.js';
import { emulatedTelegram, startTelegramEmulator } from './telegram-emulator.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The whole product (domain, flows, HTTP app) on a test database, as main.ts wires it. */
export function testNafidha(db: Database, o: Pick<ComposeOptions, 'senders' | 'channels'> & { open311Keys?: string[] } = {}): Nafidha {
  const { content, understander } = shippedContent();
  return composeNafidha({ config: { knowledgeDir: path.join(root, 'knowledge'), open311Keys: o.open311Keys ?? [] }, content, db, understander, log: () => undefined, dispatchIntervalMs: 50, senders: o.senders, channels: o.channels });
}

/**
 * The whole product on a test database with its real Telegram channel talking to a Bot API emulator, started;
 * `close` stops all of it.
 */
export async function testNafidhaOnTelegram(dbName: string) {
  const db = await testDatabase(dbName);
  const emulator = await startTelegramEmulator();
  const telegram = emulatedTelegram(emulator);
  const nafidha = testNafidha(db, { channels: [telegram.row] });
  nafidha.start();
  await nafidha.channels.start();
  const channel = telegram.channel();
  return {
    db, nafidha, emulator, channel,
    async close() { await channel.stop(); await nafidha.stop(); await emulator.close(); await db.close(); },
  };
}
