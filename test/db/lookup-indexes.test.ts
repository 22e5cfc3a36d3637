import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoApplicationStore } from '../../src/db/applications.js';
import { MongoComplaintStore } from '../../src/db/complaints.js';
import { MongoLookupThrottleStore } from '../../src/db/lookup-throttle.js';
import { MongoSuggestionStore } from '../../src/db/suggestions.js';
import { testDatabase } from '../helpers/db.js';

// A status lookup ("where is my complaint C-…?") must not read every complaint: each query it sends is checked here,
// as sent, against the collection's indexes, and explained by the database itself.
let db: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => { db = await testDatabase('lookupidx'); });
afterAll(async () => { await db.close(); });

type Filter = Record<string, unknown>;

/** The find commands the stores send while `run` runs: collection and filter. */
async function findsDuring(run: () => Promise<unknown>): Promise<Array<{ collection: string; filter: Filter }>> {
  const seen: Array<{ collection: string; filter: Filter }> = [];
  const client = db.connection.getClient();
  const listen = (e: CommandStartedEvent) => {
    if (e.commandName === 'find') seen.push({ collection: String(e.command.find), filter: (e.command.filter ?? {}) as Filter });
  };
  client.on('commandStarted', listen);
  try { await run(); } finally { client.off('commandStarted', listen); }
  return seen;
}

describe('status lookups are answered by indexes', () => {
  it('every query a lookup by code sends has an index on its field, and the database does not plan a collection scan', async () => {
    const complaints = new MongoComplaintStore(db.connection);
    const applications = new MongoApplicationStore(db.connection);
    const suggestions = new MongoSuggestionStore(db.connection);
    const throttle = new MongoLookupThrottleStore(db.connection);
    // The indexes are made as the product makes them (mongoose's init), and the collections exist.
    await Promise.all([complaints, applications, suggestions, throttle].map((s) => (s as unknown as { ready: Promise<unknown> }).ready));
    await throttle.recordFailure('web:someone', new Date(), 60_000);

    const finds = await findsDuring(async () => {
      await complaints.findByCode('C-AAAAA-BBBBB');
      await applications.findByCode('A-AAAAA-BBBBB');
      await suggestions.findByCode('S-AAAAA-BBBBB');
      await throttle.blockedUntil('web:someone');
    });
    // A complaint is looked up by _id (its code) first, then by the code field (complaints filed before that).
    expect([...new Set(finds.map((f) => f.collection))].sort()).toEqual(['applications', 'complaints', 'lookup_throttles', 'suggestions']);

    const raw = db.connection.getClient().db(db.connection.name);
    for (const { collection, filter } of finds) {
      const fields = Object.keys(filter);
      expect(fields.length, `${collection}: ${JSON.stringify(filter)}`).toBeGreaterThan(0);
      const indexes = await raw.collection(collection).listIndexes().toArray();
      // An index whose first key is one of the filter's fields answers an equality lookup on it.
      const usable = indexes.filter((ix) => fields.includes(Object.keys(ix.key as object)[0]));
      expect(usable.length, `${collection}: no index for ${fields.join(', ')} among ${JSON.stringify(indexes.map((i) => i.key))}`).toBeGreaterThan(0);

      const explained = await raw.collection(collection).find(filter).explain() as { queryPlanner?: { winningPlan?: unknown } };
      const winning = explained.queryPlanner?.winningPlan;
      // MongoDB names its plan; FerretDB (SQLite) answers only _id lookups from an index, whatever indexes exist.
      if (winning !== undefined) expect(JSON.stringify(winning), `${collection}: ${JSON.stringify(filter)}`).not.toContain('COLLSCAN');
    }
  });
});
