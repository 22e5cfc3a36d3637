import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connection.js';
import { citizen, testKernel } from '../helpers/assistant.js';
import { testDatabase } from '../helpers/db.js';

let db: Database;
beforeAll(async () => { db = await testDatabase('offer-both'); });
afterAll(async () => { await db.close(); });

describe('a message that reads as both a handoff and a service question', () => {
  it('offers the service guidance and a member of staff, and either choice works', async () => {
    const c = citizen(testKernel(db));
    const [offer] = await c.send('can I object to the building permit fees?');
    expect(offer.choices?.map((x) => x.value)).toEqual(['/service building-permit fees', '/agent']);
    expect(offer.text).toContain('Did you mean');
    const guidance = await c.say('1');
    expect(guidance).toContain('Building permit');
    expect(guidance).toContain('Fees:');
  });

  it('a plain legal question still goes straight to staff, and a plain service question straight to its answer', async () => {
    const c = citizen(testKernel(db));
    const legal = await c.send('is it legal for my landlord to end the lease contract early without notice?');
    expect(legal.flatMap((r) => r.choices ?? []).map((x) => x.value)).not.toContain('/service lease-contract');
    const plain = await citizen(testKernel(db)).say('how much does a building permit cost');
    expect(plain).toContain('Fees:');
  });
});
