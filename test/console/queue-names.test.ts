import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownConversation } from '../../src/http/console-events.js';
import { ChatKey } from '../../src/shared/chat.js';
import type { Reply } from '../../src/shared/message.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// A queue row says who is waiting: the name the citizen gave in the chat, or their Telegram/WhatsApp profile name,
// else the chat id. An agent never learns who is behind a conversation that holds a confidential filing; the
// citizen office does.

let server: TestServer;
let agent: StaffClient;
let supervisor: StaffClient;
beforeAll(async () => {
  server = await startTestServer({ dbName: 'queue_names' });
  agent = new StaffClient(server.url);
  supervisor = new StaffClient(server.url);
  expect((await agent.signIn('amal', await server.addStaff('amal', 'agent'))).status).toBe(200);
  expect((await supervisor.signIn('salma', await server.addStaff('salma', 'supervisor'))).status).toBe(200);
});
afterAll(async () => { await server?.close(); });

type Row = { conversation: string; channel: string; name?: string; contact?: string };
const say = (channel: 'telegram' | 'whatsapp' | 'web', user: string, text: string, displayName?: string) =>
  server.nafidha.kernel.handle({ channel, user, text, displayName });
async function rowOf(who: StaffClient, conversation: string): Promise<Row> {
  return until(async () => (await who.json<{ waiting: Row[] }>('GET', '/console/api/queue')).body.waiting.find((w) => w.conversation === conversation));
}

describe('queue rows', () => {
  it('name the citizen by their profile, or by the name they gave in the chat, else by the chat id', async () => {
    await say('telegram', '700200300', 'بدي احكي مع موظف', 'Hadi Salem');
    expect(await rowOf(agent, 'telegram:700200300')).toMatchObject({ name: 'Hadi Salem', contact: '700200300' });

    await say('whatsapp', '218913000111', 'I want to talk to a person');
    const bare = await rowOf(agent, 'whatsapp:218913000111');
    expect(bare.name).toBeUndefined();
    expect(bare.contact).toBe('218913000111');

    // A web chat citizen booking an appointment gives a name, then asks for staff: that name, not the web chat id.
    const web = `web-queue-name-${Date.now()}`;
    const pick = (rs: Reply[], prefix: string) => rs.flatMap((r) => r.choices ?? []).find((c) => c.value.startsWith(prefix))!.value;
    const branches = await say('web', web, 'can I get a slot at the counter for my health certificate');
    const days = await say('web', web, pick(branches, '/book-branch east-centre'));
    const times = await say('web', web, pick(days, '/book-day'));
    expect((await say('web', web, pick(times, '/book-time'))).map((r) => r.text).join()).toContain('full name');
    await say('web', web, 'Mona Tahir');
    await say('web', web, '/agent');
    const webRow = await rowOf(agent, shownConversation(ChatKey.of('web', web)));
    expect(webRow.name).toBe('Mona Tahir');
    expect(webRow.contact).toBeUndefined();
  });

  it('say nothing of who is behind a confidential filing to an agent; the citizen office sees the name', async () => {
    const since = new Date(Date.now() - 1000);
    await say('telegram', '700200400', 'بدي احكي مع موظف', 'Rania Fathi');
    await server.nafidha.transcripts.markConfidential(ChatKey.of('telegram', '700200400'), since);
    const hidden = await rowOf(agent, 'telegram:700200400');
    expect(hidden.name).toBeUndefined();
    expect(hidden.contact).toBeUndefined();
    expect(JSON.stringify((await agent.json('GET', '/console/api/queue')).body)).not.toContain('Rania Fathi');
    expect(await rowOf(supervisor, 'telegram:700200400')).toMatchObject({ name: 'Rania Fathi', contact: '700200400' });
  });
});

