import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';
import { chatSocket, openChat, type WebChatSession } from '../helpers/webchat-socket.js';

// The web chat's sockets as a phone really behaves: the connection goes silent (the page stops answering, the
// server does not notice), the page reconnects, the citizen keeps two tabs open. Staff replies must still arrive.

let server: TestServer;
let agent: StaffClient;
let chat: WebChatSession;

beforeAll(async () => {
  server = await startTestServer({ dbName: 'webchat_sockets' });
  chat = await openChat(server.url);
  agent = new StaffClient(server.url);
  expect((await agent.signIn('huda', await server.addStaff('huda', 'agent'))).status).toBe(200);
});
afterAll(async () => { await server?.close(); });

/** A tab of the web chat page, speaking its protocol: hello with the chat's key on open, an ack for every message with an id. */
const tab = async (o: { answers?: boolean } = {}) => chatSocket(server.url, { ...chat, answers: o.answers });

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
