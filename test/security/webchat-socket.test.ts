import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownConversation } from '../../src/http/console-events.js';
import { ChatKey } from '../../src/shared/chat.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';
import { chatSocket, openChat } from '../helpers/webchat-socket.js';

// The web chat's socket speaks for a chat only with that chat's key (the one POST /chat/session gave the browser),
// as the history does. The chat id alone (logs may hold it; a page script or a shared computer may leak it) must not let another
// socket read the chat's replies or staff messages, nor write into it.

let server: TestServer;
let agent: StaffClient;
beforeAll(async () => {
  server = await startTestServer({ dbName: 'webchat_socket_security' });
  agent = new StaffClient(server.url);
  expect((await agent.signIn('rania', await server.addStaff('rania', 'agent'))).status).toBe(200);
});
afterAll(async () => { await server?.close(); });

async function staffReply(conversation: string, text: string): Promise<void> {
  const { body } = await agent.json<{ held: { id: string; conversation: string }[] }>('GET', '/console/api/queue');
  const held = body.held.find((h) => h.conversation === shownConversation(conversation))!;
  expect((await agent.json('POST', `/console/api/conversations/${held.id}/reply`, { text })).status).toBe(200);
}

describe('the web chat socket', () => {
  it('a socket naming a chat without its key gets none of its replies or staff messages and cannot write as it; the key holder\'s tabs get everything', async () => {
    const victim = await openChat(server.url);
    const other = await openChat(server.url);
    const conversation = ChatKey.of('web', victim.user);
    const tab = await chatSocket(server.url, { ...victim, opening: { type: 'hello' } });
    await until(() => tab.received.length > 0);
    tab.say('/agent');
    await until(() => tab.has('ترتيبك في الانتظار'));
    const waiting = await until(async () => (await agent.json<{ waiting: { id: string; conversation: string }[] }>('GET', '/console/api/queue')).body.waiting.find((w) => w.conversation === shownConversation(conversation)));
    expect((await agent.json('POST', `/console/api/conversations/${waiting.id}/take`)).status).toBe(200);

    // The attackers know the victim's chat id, from the console or a log.
    const attackers = {
      noKey: await chatSocket(server.url, { user: victim.user }),
      othersKey: await chatSocket(server.url, { user: victim.user, key: other.key }),
      guessedKey: await chatSocket(server.url, { user: victim.user, key: randomBytes(32).toString('base64url') }),
      emptyKey: await chatSocket(server.url, { user: victim.user, key: '' }),
      objectKey: await chatSocket(server.url, { user: victim.user, opening: { key: { $ne: '' } } }),
      // A first message (not a hello) naming the victim: the same.
      firstMessage: await chatSocket(server.url, { user: victim.user, opening: { type: 'message', text: 'attacker-first-message' } }),
    };
    // A socket that holds a chat of its own, then writes naming the victim's.
    const switcher = await chatSocket(server.url, { ...other, opening: { type: 'hello' } });
    await until(() => switcher.received.length > 0);
    const switcherOwn = switcher.received.length;

    const written = Object.keys(attackers).map((name) => `attacker-${name}-${randomBytes(3).toString('hex')}`);
    Object.values(attackers).forEach((a, i) => a.say(written[i]));
    switcher.say('attacker-switcher-line', victim.user);
    switcher.say('/lang en', victim.user);
    // Acknowledging the victim's messages does not count for the victim either (checked below: the reply arrives).
    for (const a of Object.values(attackers)) a.ws.readyState === 1 && a.ws.send(JSON.stringify({ type: 'ack', ack: 'anything', user: victim.user }));

    // The victim's second tab (same browser, same key) keeps getting staff replies, as the first does.
    const second = await chatSocket(server.url, victim);
    await staffReply(conversation, 'رد الموظف للمواطن فقط');
    await until(() => tab.has('رد الموظف للمواطن فقط') && second.has('رد الموظف للمواطن فقط'), 10_000);
    // The victim writes on; the switcher does not get the assistant's answer to it.
    tab.say('شكرا');
    await until(async () => (await server.nafidha.transcripts.list(conversation, 100)).some((l) => l.from === 'citizen' && l.text === 'شكرا'));

    // Every socket without the key received nothing and was closed.
    for (const [name, a] of Object.entries(attackers)) expect({ name, received: a.received }).toEqual({ name, received: [] });
    await until(() => Object.values(attackers).every((a) => a.closedWith() !== undefined));
    for (const [name, a] of Object.entries(attackers)) expect({ name, code: a.closedWith() }).toEqual({ name, code: 4403 });

    const lines = (await server.nafidha.transcripts.list(conversation, 200)).map((l) => l.text);
    for (const text of [...written, 'attacker-first-message', 'attacker-switcher-line', '/lang en']) expect(lines).not.toContain(text);
    expect(switcher.received.slice(switcherOwn).filter((m) => m.text.includes('رد الموظف'))).toEqual([]);
    expect(switcher.closedWith()).toBeUndefined();
    // The victim's chat kept its language: the attacker's "/lang en" was not read as the victim's.
    expect((await server.nafidha.stores.chatStates.read(conversation))?.lang).not.toBe('en');
    for (const s of [tab, second, switcher]) s.ws.terminate();
  }, 60_000);

  it('a chat id the server never opened is refused whatever key comes with it', async () => {
    const made = `scripted-socket-${randomBytes(8).toString('hex')}`;
    const s = await chatSocket(server.url, { user: made, key: randomBytes(32).toString('base64url'), opening: { type: 'hello' } });
    await until(() => s.closedWith() !== undefined);
    expect(s.closedWith()).toBe(4403);
    expect(s.received).toEqual([]);
  });

  it('the webhook needs the key of a chat the page opened: without it the chat\'s requests are not read out; a scripted id needs none', async () => {
    const victim = await openChat(server.url);
    const hook = (body: Record<string, unknown>) => fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', ...body }) });
    // The victim files a suggestion over the socket: the chat now holds a code.
    const tab = await chatSocket(server.url, { ...victim, opening: { type: 'hello' } });
    await until(() => tab.received.length > 0);
    tab.say('/suggest');
    await until(() => tab.received.length > 1);
    tab.say('اقتراح بتركيب إنارة إضافية في ساحة البلدية القديمة');
    const code = await until(() => tab.received.map((m) => /S-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(m.text)?.[0]).find(Boolean));
    for (const attempt of [{ user: victim.user, text: '/status' }, { user: victim.user, key: 'x'.repeat(43), text: '/status' }, { user: victim.user, key: { $ne: '' }, text: '/status' }]) {
      const res = await hook(attempt);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain(code);
    }
    const own = await hook({ user: victim.user, key: victim.key, text: '/status' });
    expect(own.status).toBe(200);
    expect(JSON.stringify(await own.json())).toContain(code);
    const scripted = await hook({ user: `scripted-hook-${randomBytes(8).toString('hex')}`, text: 'مرحبا' });
    expect(scripted.status).toBe(200);
    tab.ws.terminate();
  });
});
