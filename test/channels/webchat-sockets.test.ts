import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// The web chat's sockets as a phone really behaves: the connection goes silent (the page stops answering, the
// server does not notice), the page reconnects, the citizen keeps two tabs open. Staff replies must still arrive.

let server: TestServer;
let agent: StaffClient;
const user = `sockets-citizen-${Math.random().toString(36).slice(2, 12)}`;

beforeAll(async () => {
  server = await startTestServer({ dbName: 'webchat_sockets' });
  agent = new StaffClient(server.url);
  expect((await agent.signIn('huda', await server.addStaff('huda', 'agent'))).status).toBe(200);
});
afterAll(async () => { await server?.close(); });

/** A tab of the web chat page, speaking its protocol: hello on open, an ack for every message with an id. */
async function tab(o: { answers?: boolean } = {}) {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/chat/ws`);
  const received: { text: string; id?: string; from?: string }[] = [];
  let answering = o.answers ?? true;
  ws.on('message', (d) => {
    if (!answering) return;
    const m = JSON.parse(String(d)) as { type: string; text: string; id?: string; from?: string };
    if (m.id) ws.send(JSON.stringify({ type: 'ack', ack: m.id, user, channel: 'websocket' }));
    received.push(m);
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'welcome_back', user, channel: 'websocket', lang: 'ar' }));
  return {
    ws, received,
    say(text: string) { ws.send(JSON.stringify({ type: 'message', user, channel: 'websocket', text, id: `${Math.random()}` })); },
    /** The phone loses the network without closing anything: messages go nowhere, nothing is confirmed. */
    goSilent() { answering = false; ws.pause(); },
    has: (text: string) => received.some((m) => m.text.includes(text)),
  };
}

async function reply(text: string): Promise<void> {
  const { body: queue } = await agent.json<{ held: { id: string; conversation: string }[] }>('GET', '/console/api/queue');
  const held = queue.held.find((h) => h.conversation.startsWith('web:'))!;
  expect((await agent.json('POST', `/console/api/conversations/${held.id}/reply`, { text })).status).toBe(200);
}

describe('web chat sockets', () => {
  it('a staff reply sent while the socket was silently dead arrives after the reconnect; later ones arrive without typing; every tab gets them', async () => {
    const first = await tab();
    first.say('/agent');
    await until(() => first.has('ترتيبك في الانتظار'));
    const { body: queue } = await agent.json<{ waiting: { id: string; conversation: string }[] }>('GET', '/console/api/queue');
    const waiting = queue.waiting.find((w) => w.conversation.startsWith('web:'))!;
    expect((await agent.json('POST', `/console/api/conversations/${waiting.id}/take`)).status).toBe(200);

    first.goSilent();
    await reply('رد أثناء انقطاع الاتصال');
    // The page reconnects (as it does when the network comes back) and gets the reply it missed.
    const second = await tab();
    await until(() => second.has('رد أثناء انقطاع الاتصال'), 20_000);

    // The citizen types nothing; the next reply arrives by itself, on this tab and on a second one.
    const third = await tab();
    await reply('رد بعد رجوع الاتصال');
    await until(() => second.has('رد بعد رجوع الاتصال') && third.has('رد بعد رجوع الاتصال'), 10_000);
    expect(second.received.filter((m) => m.text.includes('رد بعد رجوع الاتصال'))).toHaveLength(1);
    expect(second.received.find((m) => m.text.includes('رد بعد رجوع الاتصال'))?.from).toBe('staff');
    for (const t of [first, second, third]) t.ws.terminate();
  }, 60_000);
});
