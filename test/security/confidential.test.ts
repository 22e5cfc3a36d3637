import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENTIAL_MARKER } from '../../src/domain/confidentiality.js';
import { citizen } from '../helpers/assistant.js';
import { watchEvents } from '../helpers/events.js';
import { RecordingSender, StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// A citizen reports a clerk asking for a bribe, confidentially, then asks for a person. An agent who opens the
// conversation, or watches the live feed, must not be able to tell what was reported or its code; the citizen
// office (supervisor) can, and its look is audited.

let server: TestServer;
let agent: StaffClient;
let supervisor: StaffClient;
const codeIn = (text: string) => /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];

beforeAll(async () => {
  server = await startTestServer({ dbName: 'sec_confidential', senders: [new RecordingSender('telegram')] });
  agent = new StaffClient(server.url);
  supervisor = new StaffClient(server.url);
  expect((await agent.signIn('agent1', await server.addStaff('agent1', 'agent'))).status).toBe(200);
  expect((await supervisor.signIn('office1', await server.addStaff('office1', 'supervisor'))).status).toBe(200);
});
afterAll(async () => { await server?.close(); });

/** A web chat citizen in webhook mode, as a scripted client of the page's protocol. */
function webCitizen(user: string) {
  let n = 0;
  return {
    async say(text: string): Promise<string> {
      const res = await fetch(`${server.url}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', user, text, id: `${user}-${++n}` }),
      });
      expect(res.status).toBe(200);
      // While staff hold the chat the assistant may say nothing: an empty body.
      const raw = await res.text();
      const body = (raw ? JSON.parse(raw) : []) as { text: string }[];
      return body.map((m) => m.text).join('\n---\n');
    },
  };
}

const SECRET = 'الموظف سمير على الشباك ٣ طلب مني رشوة ٥٠٠ دينار';
/** Who filed, and how to call them back: the citizen office's to know, never an agent's. */
const CALLER = 'منصور الورفلي';
const PHONE = '0915556677';

/** Every fragment that would tell an agent what was reported, or link the chat to the complaint. */
function leaks(text: string, code: string): string[] {
  return [SECRET, 'سمير', code, 'رشوة', 'سرية', 'Confidential', 'confidential complaint', CALLER, PHONE].filter((s) => s !== CONFIDENTIAL_MARKER && text.includes(s) && !CONFIDENTIAL_MARKER.includes(s));
}

async function fileConfidential(say: (t: string) => Promise<string>): Promise<string> {
  for (const step of ['/complaint', '/cat staff-conduct', SECRET, 'مبنى البلدية الرئيسي', '/skip', '/confidential', CALLER, PHONE, '/yes']) await say(step);
  const receipt = await say('/confirm');
  const code = codeIn(receipt);
  expect(code).toBeTruthy();
  return code!;
}

describe.each([
  { channel: 'web', conversation: (u: string) => `web:${u}`, make: (u: string) => webCitizen(u) },
  { channel: 'telegram', conversation: (u: string) => `telegram:${u}`, make: (u: string) => citizen(server.nafidha.kernel, u) },
])('a confidential complaint on $channel, then a handoff', ({ channel, make }) => {
  const user = `${channel}-conf-${Math.random().toString(36).slice(2, 10)}-citizen`;
  let code = '';
  let handoffId = '';

  it('the agent reads a neutral marker in the conversation, never the report, its summary or its code', async () => {
    const feed = await watchEvents(agent, server.url);
    const office = await watchEvents(supervisor, server.url);
    const c = make(user);
    code = await fileConfidential((t) => c.say(t));
    // The citizen follows up, which puts the code in the conversation once more.
    expect(await c.say('/status')).toContain(code);
    await c.say('/agent');
    await c.say('وعندي كمان سؤال عن الدوام');
    const { body: queue } = await agent.json<{ waiting: { id: string; conversation: string }[] }>('GET', '/console/api/queue');
    handoffId = queue.waiting.find((w) => w.conversation.startsWith(`${channel === 'web' ? 'web' : 'telegram'}:`) && (channel !== 'telegram' || w.conversation === `telegram:${user}`))!.id;

    const { status, body } = await agent.json<{ transcript: { text: string; from: string }[] }>('GET', `/console/api/conversations/${handoffId}`);
    expect(status).toBe(200);
    const all = body.transcript.map((l) => l.text).join('\n');
    expect(leaks(all, code)).toEqual([]);
    expect(all).toContain(CONFIDENTIAL_MARKER);
    // What was said after the complaint is the agent's to read.
    expect(all).toContain('وعندي كمان سؤال عن الدوام');

    // The live feed: the agent's stream gets the later line and the marker, never a confidential line.
    await feed.waitFor('وعندي كمان سؤال عن الدوام');
    await office.waitFor('وعندي كمان سؤال عن الدوام');
    expect(leaks(feed.text, code)).toEqual([]);
    await feed.close();
    await office.close();
  });

  it('the citizen office reads everything, and its look is audited', async () => {
    const { body } = await supervisor.json<{ transcript: { text: string }[] }>('GET', `/console/api/conversations/${handoffId}`);
    const all = body.transcript.map((l) => l.text).join('\n');
    expect(all).toContain(SECRET);
    expect(all).toContain(code);
    const { body: audit } = await supervisor.json<{ entries: { who: string; what: string; target: string }[] }>('GET', `/console/api/audit?what=view-confidential-transcript&target=${handoffId}`);
    expect(audit.entries).toEqual([expect.objectContaining({ who: 'office1', target: handoffId })]);
  });

  it('the agent cannot reach the report through the earlier-records list or the complaint itself', async () => {
    const { body } = await agent.json<{ complaints: { code: string }[] }>('GET', `/console/api/conversations/${handoffId}`);
    expect(JSON.stringify(body.complaints)).not.toContain(code);
    const { body: complaint } = await agent.json<{ complaint: Record<string, unknown> }>('GET', `/console/api/complaints/${code}`);
    expect(complaint.complaint.reporter).toBeUndefined();
    expect(complaint.complaint.source).toBeUndefined();
    expect((await agent.call('GET', `/console/api/complaints/${code}/reporter`)).status).toBe(403);
    await until(async () => (await agent.json('POST', `/console/api/conversations/${handoffId}/take`)).status === 200);
  });
});
