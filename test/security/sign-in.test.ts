import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Options } from 'express-rate-limit';
import { MongoRateLimitStore } from '../../src/db/rate-limits.js';
import { staffUsername } from '../../src/domain/staff.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// A password guesser who spells the account's name many ways, hoping each spelling gets its own five tries.

let server: TestServer;

beforeAll(async () => { server = await startTestServer({ dbName: 'security_sign_in' }); });
afterAll(async () => { await server?.close(); });

/** Spellings of `name` that an unwary limiter counts apart: padding, case, full-width letters, invisible characters. */
function spellings(name: string): string[] {
  const fullWidth = [...name].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
  return [
    name, ` ${name}`, `${name} `, `\t${name}`, `${name}\t`, `\n${name}\r\n`, `  ${name}    `, name.toUpperCase(),
    name[0].toUpperCase() + name.slice(1), `\u00a0${name}`, `\u3000${name}`, `${name}\u2003`, fullWidth, fullWidth.toUpperCase(),
    `${name.slice(0, 2)}\u200b${name.slice(2)}`, `\ufeff${name}`, `\u202e${name}`, `${name}\u2060`, `\u200d${name}\u200c`,
  ];
}

async function guess(username: string, password: string): Promise<number> {
  return (await new StaffClient(server.url).call('POST', '/console/api/session', { username, password })).status;
}

describe('the sign-in limit', () => {
  it('every spelling trick reaches the same account, so the trick itself signs in with the right password', async () => {
    const password = await server.addStaff('spelling-agent', 'agent');
    const tricks = spellings('spelling-agent');
    expect(new Set(tricks.map(staffUsername))).toEqual(new Set(['spelling-agent']));
    // Five tries per account per minute: three spellings with the right password all sign in.
    for (const typed of [tricks[3], tricks[12], tricks[16]]) expect(await guess(typed, password), JSON.stringify(typed)).toBe(200);
  });

  it('checks at most 5 password guesses per account per minute, whatever the padding, case or character width', async () => {
    const password = await server.addStaff('guessed-admin', 'admin');
    const tricks = spellings('guessed-admin');
    const statuses: number[] = [];
    for (let i = 0; i < 160; i++) statuses.push(await guess(tricks[i % tricks.length], `guess-number-${i}`));
    const checked = statuses.filter((s) => s !== 429).length;
    expect(checked, `guesses checked against guessed-admin in one minute: ${checked} of 160`).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    // The account's audit shows the same: no more than five failed sign-ins were looked at.
    const failed = await server.db.connection.collection('audit').countDocuments({ what: 'sign-in-failed', who: 'guessed-admin' });
    expect(failed).toBeLessThanOrEqual(5);
    // Even the right password is not checked until the minute is over.
    expect(await guess(' GUESSED-ADMIN ', password)).toBe(429);
  });

  it('checks at most 5 guesses per minute when the 160 guesses arrive at once', async () => {
    await server.addStaff('burst-admin', 'admin');
    const tricks = spellings('burst-admin');
    const statuses = await Promise.all(Array.from({ length: 160 }, (_, i) => guess(tricks[i % tricks.length], `burst-guess-${i}`)));
    const checked = statuses.filter((s) => s !== 429).length;
    expect(checked, `guesses checked against burst-admin in one minute: ${checked} of 160 sent at once`).toBeLessThanOrEqual(5);
  });

  it('counts in a rolling window: an attempt frees its place only once it is older than the window, one taker at a time', async () => {
    const store = new MongoRateLimitStore(server.db.connection, 'rolling-test:');
    store.init({ windowMs: 400, limit: 2 } as Options);
    const first = await Promise.all(Array.from({ length: 6 }, () => store.increment('k')));
    expect(first.map((r) => r.totalHits).sort()).toEqual([1, 2, 3, 3, 3, 3]);
    // Once the first two attempts are older than the window, a burst of six again gets exactly two places.
    await until(async () => (await store.get('k')) === undefined, 5000);
    const second = await Promise.all(Array.from({ length: 6 }, () => store.increment('k')));
    expect(second.filter((r) => r.totalHits <= 2)).toHaveLength(2);
  });

  it('a user name that is not a string is refused, never turned into one', async () => {
    for (const username of ['{"toString":"admin"}', '{"__proto__":{"toString":1}}', '["admin"]', '42', 'null', 'true', '{"valueOf":"admin"}']) {
      const res = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"username":${username},"password":"whatever-it-is"}` });
      expect(res.status, username).toBe(400);
    }
  });
});
