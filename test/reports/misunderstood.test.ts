import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoTranscriptStore } from '../../src/db/transcripts.js';
import { shownConversation } from '../../src/http/console-events.js';
import { citizen } from '../helpers/assistant.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// "What the assistant did not understand": fallback and low-confidence lines grouped by similar text and counted,
// never a confidential or anonymous line, web chat ids hashed; labels come back in the `npm run eval` format.

type Group = { key: string; count: number; texts: string[]; guess: string; sample?: { conversation: string } };

let server: TestServer;
let supervisor: StaffClient;
let agent: StaffClient;
const BASE = Date.now() - 3_600_000;
const at = (minute: number) => new Date(BASE + minute * 60_000);

beforeAll(async () => {
  server = await startTestServer({ dbName: 'misunderstood' });
  supervisor = new StaffClient(server.url);
  agent = new StaffClient(server.url);
  expect((await supervisor.signIn('noura', await server.addStaff('noura', 'supervisor'))).status).toBe(200);
  expect((await agent.signIn('amal', await server.addStaff('amal', 'agent'))).status).toBe(200);
  const lines = new MongoTranscriptStore(server.db.connection);
  const say = (conversation: string, text: string, minute: number, intent: string, confidence: number) =>
    lines.append([{ conversation, from: 'citizen', text, at: at(minute), intent, confidence }]);
  // Three spellings of one question the assistant missed, from three chats.
  await say('telegram:111', 'وين بقدر ادفع فاتوره المي', 1, 'service-info', 0.12);
  await say('whatsapp:2189', 'وين بقدر ادفع فاتورة المي 2', 2, 'fees', 0.2);
  await say('web:secret-web-id', 'وين بقدر ادفع فاتورة المي؟', 3, 'service-info', 0.1);
  await say('telegram:112', 'شو رأيكم بالطقس', 4, 'out-of-scope', 0.9);
  // Understood well: not listed.
  await say('telegram:113', 'شو الاوراق المطلوبة لرخصة البناء', 5, 'service-info', 0.95);
  // Said while filing a confidential complaint, then while filing an anonymous one: never listed.
  await say('telegram:114', 'جاري يرمي النفايات بالشارع كل يوم سرا', 6, 'complaint-file', 0.1);
  await lines.markConfidential('telegram:114', at(6));
  await say('telegram:115', 'الموظف فلان يطلب رشوة مجهول', 7, 'complaint-file', 0.1);
  await lines.redact('telegram:115', at(7), '[anonymous]');
  // A staff line and a bot line are never examples.
  await lines.append([{ conversation: 'telegram:111', from: 'staff', text: 'وين بقدر ادفع فاتورة المي', at: at(8), staff: 'amal' }]);
});
afterAll(async () => { await server?.close(); });

describe('what the assistant did not understand', () => {
  it('groups similar missed lines with counts, hides confidential and anonymous lines, hashes web chat ids', async () => {
    // One more, from a real conversation with the assistant: gibberish falls to the fallback.
    await citizen(server.nafidha.kernel, 'gibberish-1').say('zzqx vvbn plorf');
    const { status, body } = await supervisor.json<{ groups: Group[] }>('GET', '/console/api/reports/misunderstood');
    expect(status).toBe(200);
    const water = body.groups.find((g) => g.texts.includes('وين بقدر ادفع فاتورة المي؟'))!;
    expect(water.count).toBe(3);
    expect(water.texts.sort()).toEqual(['وين بقدر ادفع فاتورة المي 2', 'وين بقدر ادفع فاتورة المي؟', 'وين بقدر ادفع فاتوره المي'].sort());
    expect(water.guess).toBe('service-info');
    expect(body.groups.find((g) => g.texts.includes('شو رأيكم بالطقس'))?.count).toBe(1);
    expect(body.groups.some((g) => g.texts.includes('zzqx vvbn plorf'))).toBe(true);
    const all = JSON.stringify(body);
    for (const hidden of ['رشوة', 'النفايات', 'anonymous', 'رخصة البناء', 'secret-web-id']) expect(all, hidden).not.toContain(hidden);
    // The latest line of the group came from the web chat: its id is shown hashed, as everywhere in the console.
    expect(water.sample?.conversation).toBe(shownConversation('web:secret-web-id'));
    expect(water.sample?.conversation).toMatch(/^web:[0-9a-f]{16}$/);
  });

  it('takes out a line kept before its day listed its chats, when that chat turns confidential', async () => {
    const lines = new MongoTranscriptStore(server.db.connection);
    await lines.append([{ conversation: 'telegram:116', from: 'citizen', text: 'شارعنا ما فيه ضو من زمان وما بدي حدا يعرف', at: at(9), intent: 'complaint-file', confidence: 0.1 }]);
    const listed = async () => JSON.stringify((await supervisor.json<{ groups: Group[] }>('GET', '/console/api/reports/misunderstood')).body);
    expect(await listed()).toContain('ضو من زمان');
    // As a database kept before the days listed their chats.
    await server.db.connection.collection('misunderstood_days').deleteOne({ _id: `who|day|${at(9).toISOString().slice(0, 10)}` as never });
    await lines.markConfidential('telegram:116', at(9));
    expect(await listed()).not.toContain('ضو من زمان');
  });

  it('is for the citizen office only', async () => {
    expect((await agent.call('GET', '/console/api/reports/misunderstood')).status).toBe(403);
    expect((await agent.call('POST', '/console/api/reports/misunderstood/labels', { text: 'x', intent: 'fees' })).status).toBe(403);
    expect((await new StaffClient(server.url).call('GET', '/console/api/reports/misunderstood/labelled.jsonl')).status).toBe(401);
  });

  it('labels a group and downloads the labelled lines in the eval format', async () => {
    const bad = await supervisor.json('POST', '/console/api/reports/misunderstood/labels', { text: 'وين بقدر ادفع فاتورة المي؟', intent: 'no-such-intent' });
    expect(bad.status).toBe(400);
    const saved = await supervisor.json('POST', '/console/api/reports/misunderstood/labels', { text: 'وين بقدر ادفع فاتورة المي؟', intent: 'service-info', service: 'water-subscription' });
    expect(saved.status).toBe(200);
    // Labelling again replaces the label.
    expect((await supervisor.json('POST', '/console/api/reports/misunderstood/labels', { text: 'شو رأيكم بالطقس', intent: 'out-of-scope', service: '' })).status).toBe(200);
    const { body } = await supervisor.json<{ groups: (Group & { label: { intent: string } | null })[] }>('GET', '/console/api/reports/misunderstood');
    expect(body.groups.find((g) => g.texts.includes('وين بقدر ادفع فاتورة المي؟'))!.label).toEqual({ intent: 'service-info', service: 'water-subscription' });
    const res = await supervisor.call('GET', '/console/api/reports/misunderstood/labelled.jsonl');
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { text: 'وين بقدر ادفع فاتورة المي؟', intent: 'service-info', service: 'water-subscription', category: null },
      { text: 'شو رأيكم بالطقس', intent: 'out-of-scope', service: null, category: null },
    ]);
  });
});
