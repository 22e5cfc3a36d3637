import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoChatStates } from '../../src/db/chat-states.js';
import { freshState } from '../../src/conversation/state.js';
import { testDatabase } from '../helpers/db.js';

// The chat state is read and written by `_id` on every message. On FerretDB's SQLite backend that lookup used to scan
// the whole table (the patch in scripts/ferretdb-sqlite-id-index.patch): the query plan says which it is, whatever the
// machine's speed, and does not change with the collection's size once the index is used.
let db: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => { db = await testDatabase('idindex'); });
afterAll(async () => { await db.close(); });

/** What the database says it does for a find by _id: an index seek, or a scan. */
function describePlan(explained: Record<string, unknown>): { seek: boolean; plan: string } {
  const planner = explained.queryPlanner as Record<string, unknown> | undefined;
  const plan = JSON.stringify(planner ?? explained);
  if (Array.isArray(planner?.Plan)) {
    // FerretDB (SQLite): SQLite's EXPLAIN QUERY PLAN lines, "SEARCH <table> USING INDEX ..." or "SCAN <table>".
    const lines = planner.Plan as string[];
    return { seek: lines.length > 0 && lines.every((l) => /detail=SEARCH \S+ USING (UNIQUE |COVERING )?INDEX/.test(l)), plan };
  }
  // MongoDB: the winning plan's stages; an _id lookup is IDHACK / EXPRESS_IXSCAN / IXSCAN, never COLLSCAN.
  return { seek: /"stage":"(IDHACK|EXPRESS_IXSCAN|EXPRESS_CLUSTERED_IXSCAN|IXSCAN|CLUSTERED_IXSCAN)"/.test(plan) && !/COLLSCAN/.test(plan), plan };
}

describe('a chat state is found by its key through the _id index', () => {
  it('seeks, not scans, on a collection of many chats, as the chat-state store queries it', async () => {
    const states = new MongoChatStates(db.connection);
    // Written through the store, so the collection and its _id index are the ones the product makes.
    await Promise.all(Array.from({ length: 500 }, (_, i) => states.write(`web:citizen-${i}`, freshState('ar'))));
    const chats = db.connection.getClient().db(db.connection.name).collection<{ _id: string }>('chats');
    expect(await chats.countDocuments()).toBe(500);
    expect((await states.read('web:citizen-250'))?.lang).toBe('ar');

    const explained = await chats.find({ _id: 'web:citizen-250' }).limit(1).explain() as Record<string, unknown>;
    const { seek, plan } = describePlan(explained);
    expect(seek, `the _id lookup is not answered by an index: ${plan}`).toBe(true);
  });

  it('tells a scan from a seek (a lookup by a field without an index is a scan)', async () => {
    const chats = db.connection.getClient().db(db.connection.name).collection('chats');
    const explained = await chats.find({ updatedAt: new Date(0) }).explain() as Record<string, unknown>;
    expect(describePlan(explained).seek).toBe(false);
  });
});
