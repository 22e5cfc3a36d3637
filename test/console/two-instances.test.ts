import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen } from '../helpers/assistant.js';
import { RecordingSender, StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// Two server instances on one database, as behind a load balancer: the console on one sees and answers a
// citizen who talks to the other.

let a: TestServer;
let b: TestServer;
const telegramOnB = new RecordingSender('telegram');

// What the servers logged: shown when an event does not arrive, to tell a failed turn from a slow feed.
const logs: string[] = [];
beforeAll(async () => {
  a = await startTestServer({ dbName: 'two_instances', log: (l) => logs.push(`a: ${l}`) });
  b = await startTestServer({ join: a, senders: [telegramOnB], log: (l) => logs.push(`b: ${l}`) });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** Reads a server-sent event stream until `wanted` shows up in it. */
async function watchEvents(client: StaffClient, base: string) {
  const res = await fetch(`${base}/console/api/events`, { headers: { cookie: client.cookie } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let text = '';
  const decoder = new TextDecoder();
  return {
    async waitFor(wanted: string, ms = 30_000) {
      const end = Date.now() + ms;
      while (!text.includes(wanted)) {
        if (Date.now() > end) throw new Error(`no event with ${wanted}; got: ${text.slice(-500)}\nlogs: ${logs.join('\n')}`);
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
        if (chunk && !chunk.done) text += decoder.decode(chunk.value, { stream: true });
      }
      return Date.now();
    },
    close: () => reader.cancel(),
  };
}

describe('two server instances sharing one database', () => {
  it('a console on one instance sees, takes and answers a citizen talking to the other', async () => {
    const agentOnA = new StaffClient(a.url);
    const agentOnB = new StaffClient(b.url);
    await agentOnA.signIn('amal', await a.addStaff('amal', 'agent'));
    await agentOnB.signIn('bashir', await a.addStaff('bashir', 'agent'));
    const events = await watchEvents(agentOnA, a.url);

    const c = citizen(b.nafidha.kernel, 'tg-across');
    const asked = Date.now();
    await c.say('بدي اعترض على قرار المحكمة');
    const seen = await events.waitFor('"reason":"legal-question"');
    await c.say('رقم القضية ٤٥/٢٠٢٤');
    await events.waitFor('رقم القضية');

    const { body } = await agentOnA.json<{ waiting: { id: string }[] }>('GET', '/console/api/queue');
    const id = body.waiting[0].id;
    const [onA, onB] = await Promise.all([agentOnA.json('POST', `/console/api/conversations/${id}/take`), agentOnB.json('POST', `/console/api/conversations/${id}/take`)]);
    expect([onA.status, onB.status].sort()).toEqual([200, 409]);
    const holder = onA.status === 200 ? agentOnA : agentOnB;

    // Instance A has no Telegram sender: whichever instance can reach the citizen delivers the reply.
    const replied = Date.now();
    expect((await holder.json('POST', `/console/api/conversations/${id}/reply`, { text: 'وصلتني رسالتك' })).status).toBe(200);
    await until(() => telegramOnB.sent.find((m) => m.reply.text.includes('وصلتني رسالتك')));
    // (How fast is a figure for the bench, not a pass mark: these machines are shared.)
    console.log(`two instances: handoff seen on the other console after ${seen - asked} ms, reply delivered after ${Date.now() - replied} ms`);
    await events.close();
  });
});
