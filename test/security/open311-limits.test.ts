import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Tracking codes by the batch: an attacker lists as many guesses as a URL holds in service_request_id and
// repeats. Each address gets a budget of ids per minute (every id of a batch counts) and a batch has a cap.
let server: TestServer;
beforeAll(async () => { server = await startTestServer({ dbName: 'open311-limits' }); });
afterAll(async () => { await server?.close(); });

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const guess = () => `C-${Array.from({ length: 10 }, (_, i) => (i === 5 ? '-' : '') + ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join('')}`;
const guesses = (n: number) => Array.from({ length: n }, guess).join(',');
// The server trusts X-Forwarded-For from loopback (its reverse proxy), so each header is one client address.
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

describe('Open311 lookups by id are limited per address', () => {
  it('a batch of more than 50 ids is refused with 400, in the format asked for', async () => {
    const xml = await fetch(`${server.url}/open311/v2/requests.xml?service_request_id=${guesses(51)}`, from('198.51.100.1'));
    expect(xml.status).toBe(400);
    expect(await xml.text()).toMatch(/<errors><error><code>400<\/code><description>[^<]*at most 50 ids/);
    const json = await fetch(`${server.url}/open311/v2/requests.json?service_request_id=${guesses(51)}`, from('198.51.100.1'));
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual([{ code: 400, description: expect.stringContaining('at most 50') }]);
  });

  it('one address checks at most 120 codes a minute, by batch or one by one; another address is not held up', async () => {
    const attacker = from('198.51.100.7');
    let checked = 0;
    let refused: Response | undefined;
    // Batches of 50 until refused, bounded: without the limit this loop would check 1,000 codes.
    for (let i = 0; i < 20 && !refused; i++) {
      const res = await fetch(`${server.url}/open311/v2/requests.json?service_request_id=${guesses(50)}`, attacker);
      if (res.status === 200) checked += 50;
      else refused = res;
    }
    expect(checked).toBeLessThanOrEqual(120);
    expect(checked).toBeGreaterThan(0);
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused?.json()).toEqual([{ code: 429, description: expect.stringContaining('too many lookups') }]);

    // Spending the rest one id at a time ends at the same budget.
    let single = 0;
    for (let i = 0; i < 150; i++) {
      const res = await fetch(`${server.url}/open311/v2/requests/${guess()}.xml`, attacker);
      if (res.status === 429) {
        expect(await res.text()).toContain('<code>429</code>');
        break;
      }
      expect(res.status).toBe(404);
      single++;
    }
    expect(checked + single).toBe(120);

    const neighbour = await fetch(`${server.url}/open311/v2/requests.json?service_request_id=${guesses(10)}`, from('203.0.113.9'));
    expect(neighbour.status).toBe(200);
    // Lists by date or service are not lookups by id and stay open to the attacker's address.
    expect((await fetch(`${server.url}/open311/v2/requests.json?status=open`, attacker)).status).toBe(200);
  });

  it('token lookups draw on the same budget', async () => {
    const ip = from('198.51.100.20');
    let statuses: number[] = [];
    for (let i = 0; i < 125; i++) statuses.push((await fetch(`${server.url}/open311/v2/tokens/t${i}.json`, ip)).status);
    statuses = [...new Set(statuses)];
    expect(statuses).toEqual([404, 429]);
  });
});
