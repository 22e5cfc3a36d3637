import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { MongoComplaintStore } from '../../src/db/complaints.js';
import { MongoLookupThrottleStore } from '../../src/db/lookup-throttle.js';
import { openDatabase, townCentre, wire } from './setup.js';

// FerretDB 1.24 does not make findOneAndUpdate or filtered updates atomic; these tests hold the stores to
// what MongoDB would guarantee, with two server instances writing at once.

let db: Awaited<ReturnType<typeof openDatabase>>;
let other: Database;

beforeAll(async () => {
  db = await openDatabase('concurrency');
  other = await connectDatabase(db.uri);
});
afterAll(async () => {
  await other?.close();
  await db?.drop();
});

describe('two servers changing the same record at once', () => {
  it('every history entry written at the same moment is kept', async () => {
    const app = wire(db.connection);
    const filed = await app.complaints.fileComplaint({
      category: 'roads', description: 'حفرة', location: townCentre, privacy: 'anonymous', consentToContact: false, lang: 'ar', idempotencyKey: 'c-1',
    });
    if (!filed.ok) throw new Error('not filed');
    const stores = [new MongoComplaintStore(db.connection), new MongoComplaintStore(other.connection)];
    await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2].update(filed.receipt.code, {}, {
      set: { updatedAt: new Date() }, push: { at: new Date(), by: `staff:${i}`, note: `note ${i}` },
    })));
    const stored = await stores[0].findByCode(filed.receipt.code);
    expect(stored!.history).toHaveLength(21);
  });

  it('only one of two clerks moving a complaint on from the same status succeeds', async () => {
    const app = wire(db.connection);
    const second = wire(other.connection);
    const filed = await app.complaints.fileComplaint({
      category: 'roads', description: 'حفرة', location: townCentre, privacy: 'anonymous', consentToContact: false, lang: 'ar', idempotencyKey: 'c-2',
    });
    if (!filed.ok) throw new Error('not filed');
    const results = await Promise.all([
      app.complaints.changeStatus(filed.receipt.code, 'in-progress', 'staff:a'),
      second.complaints.changeStatus(filed.receipt.code, 'resolved', 'staff:b'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const stored = await app.stores.complaints.findByCode(filed.receipt.code);
    expect(stored!.history).toHaveLength(2);
  });

  it('failed lookups from one chat arriving at two servers at once are all counted', async () => {
    const stores = [new MongoLookupThrottleStore(db.connection), new MongoLookupThrottleStore(other.connection)];
    const now = new Date();
    const counts = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2].recordFailure('chat-x', now, 600_000)));
    expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
