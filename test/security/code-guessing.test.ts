import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { newTrackingCode } from '../../src/domain/tracking-code.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { openChat } from '../helpers/webchat-socket.js';

// Guessing tracking codes from the web chat with a new chat id for every guess (the id is the browser's to choose):
// the limit on failed lookups holds per client address as well as per chat.

const GUESSES = 40;
/** Failed lookups one address may make before each further one has to wait (DEFAULT_ORIGIN_THROTTLE). */
const ALLOWED = 10;
const NOT_FOUND = 'لم نجد طلباً بهذا الرمز';
const THROTTLED = 'محاولات كثيرة غير صحيحة';

// Each test has a server of its own: the address (127.0.0.1) is the same for all of them.
let server: TestServer;
beforeEach(async () => { server = await startTestServer({ dbName: 'sec_guessing' }); });
afterEach(async () => { await server?.close(); });

const freshUser = (i: number) => `guesser-${i}-${Math.random().toString(36).slice(2, 12)}`;

function tally(replies: string[]) {
  return { checked: replies.filter((r) => r.includes(NOT_FOUND)).length, throttled: replies.filter((r) => r.includes(THROTTLED)).length };
}

describe('guessing codes with a fresh chat per guess', () => {
  it('in webhook mode: after a few misses from one address, guesses are no longer checked', async () => {
    const replies: string[] = [];
    for (let i = 0; i < GUESSES; i++) {
      const res = await fetch(`${server.url}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', user: freshUser(i), text: newTrackingCode('complaint') }),
      });
      replies.push(((await res.json()) as { text: string }[]).map((m) => m.text).join('\n'));
    }
    const { checked, throttled } = tally(replies);
    expect(checked).toBeLessThanOrEqual(ALLOWED);
    expect(checked).toBeGreaterThan(0);
    expect(checked + throttled).toBe(GUESSES);
  });

  it('over the websocket, one connection per guess: the same', async () => {
    const replies: string[] = [];
    for (let i = 0; i < GUESSES; i++) {
      // A fresh chat the server opened (the socket speaks only for a chat whose key it holds).
      const { user, key } = await openChat(server.url);
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/chat/ws`);
      await new Promise((r) => ws.once('open', r));
      const answer = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(JSON.parse(String(d)).text))));
      ws.send(JSON.stringify({ type: 'message', user, key, channel: 'websocket', text: newTrackingCode('application') }));
      replies.push(await answer);
      ws.close();
    }
    const { checked, throttled } = tally(replies);
    expect(checked).toBeLessThanOrEqual(ALLOWED);
    expect(checked).toBeGreaterThan(0);
    expect(checked + throttled).toBe(GUESSES);
  });

  it('a client cannot pick its own address by sending one', async () => {
    for (let i = 0; i < GUESSES; i++) {
      await fetch(`${server.url}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', user: freshUser(3000 + i), text: newTrackingCode('complaint'), nafidhaOrigin: `elsewhere-${i}` }),
      });
    }
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', user: freshUser(5000), text: newTrackingCode('complaint'), nafidhaOrigin: 'somewhere-else' }),
    });
    expect(((await res.json()) as { text: string }[])[0].text).toContain(THROTTLED);
  });
});
