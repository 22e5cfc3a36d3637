import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { LockedBatches } from '../../src/db/locked-batches.js';
import { RecordLocks } from '../../src/db/record-lock.js';
import { testDatabase } from '../helpers/db.js';

// The record lock: one holder at a time across processes (the database decides) and, within one process, waiters
// in line instead of each asking the database every few milliseconds.

let db: Awaited<ReturnType<typeof testDatabase>>;
let other: Database;
beforeAll(async () => {
  db = await testDatabase('record_lock');
  // A second connection to the same database stands for another server.
  other = await connectDatabase(db.uri);
});
afterAll(async () => { await other?.close(); await db?.close(); });

describe('record locks', () => {
  it('runs the changes of one record one at a time, from one server and from two', async () => {
    const here = new RecordLocks(db.connection), there = new RecordLocks(other.connection);
    let inside = 0, most = 0, done = 0;
    const work = async () => {
      inside += 1; most = Math.max(most, inside);
      await new Promise((resolve) => setImmediate(resolve));
      inside -= 1; done += 1;
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? there : here).withLock('record:one', work, 60_000)));
    expect(done).toBe(40);
    expect(most).toBe(1);
  });

  it('a waiter whose time runs out before its turn is told the record is busy, and its change never runs', async () => {
    const locks = new RecordLocks(db.connection);
    let release!: () => void;
    const holding = locks.withLock('record:two', () => new Promise<void>((resolve) => { release = resolve; }), 10_000);
    let ran = false;
    const late = locks.withLock('record:two', async () => { ran = true; }, 200);
    await expect(late).rejects.toThrow(/busy/);
    release();
    await holding;
    // The line moves on: the next change runs.
    expect(await locks.withLock('record:two', async () => 'next', 5_000)).toBe('next');
    expect(ran).toBe(false);
  });

  it('changes asked for while a record is locked go together under its next lock, from two servers, none lost', async () => {
    const here = new RecordLocks(db.connection), there = new RecordLocks(other.connection);
    const applied: number[] = [];
    let inside = 0, most = 0, batches = 0;
    const apply = async (_key: string, changes: number[]) => {
      inside += 1; most = Math.max(most, inside); batches += 1;
      await new Promise((resolve) => setImmediate(resolve));
      applied.push(...changes);
      inside -= 1;
    };
    const a = new LockedBatches(here, apply), b = new LockedBatches(there, apply);
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? b : a).add('record:batched', i)));
    expect([...applied].sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(most).toBe(1);
    // One lock per change would be 60 batches; the waiting ones share the next lock.
    expect(batches).toBeLessThan(20);
  });
});
