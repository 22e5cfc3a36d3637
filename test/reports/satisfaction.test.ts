import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/shared/message.js';
import { citizen } from '../helpers/assistant.js';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';

// One rating question after staff close a handoff or resolve a complaint, in the citizen's language, through the
// outbox; answered once, from that chat only; never asked of an anonymous complainant. The dashboard shows it.

let server: TestServer;
const telegram: { user: string; reply: Reply }[] = [];
let agent: StaffClient;
let supervisor: StaffClient;

const question = (user: string) => telegram.find((m) => m.user === user && m.reply.choices?.some((c) => c.value.startsWith('/rate ')));
const answers = () => server.db.connection.collection('satisfaction_answers');

beforeAll(async () => {
  server = await startTestServer({ dbName: 'satisfaction', senders: [{ channel: 'telegram', async send(user, reply) { telegram.push({ user, reply }); } }] });
  agent = new StaffClient(server.url);
  supervisor = new StaffClient(server.url);
  expect((await agent.signIn('amal', await server.addStaff('amal', 'agent'))).status).toBe(200);
  expect((await supervisor.signIn('noura', await server.addStaff('noura', 'supervisor'))).status).toBe(200);
});
afterAll(async () => { await server?.close(); });

// One citizen object per chat: its message ids go on counting (a repeated id is a redelivery, answered as before).
const chats = new Map<string, ReturnType<typeof citizen>>();
const chat = (user: string) => chats.get(user) ?? chats.set(user, citizen(server.nafidha.kernel, user)).get(user)!;

async function handedOff(user: string, text: string): Promise<string> {
  await chat(user).say(text);
  const { body } = await agent.json<{ waiting: { id: string; conversation: string }[] }>('GET', '/console/api/queue');
  const id = body.waiting.find((w) => w.conversation === `telegram:${user}`)!.id;
  expect((await agent.json('POST', `/console/api/conversations/${id}/take`)).status).toBe(200);
  return id;
}

describe('citizen satisfaction', () => {
  it('asks once after a handoff is closed, in the citizen language, and stores one answer from that chat', async () => {
    const id = await handedOff('rate-en', 'I want to talk to a person please');
    expect((await agent.json('POST', `/console/api/conversations/${id}/close`, { outcome: 'answered' })).status).toBe(200);
    const asked = await until(() => question('rate-en'));
    expect(asked.reply.text).toContain('How was the service you received today?');
    expect(asked.reply.choices!.map((c) => c.label)).toEqual(['1', '2', '3', '4', '5']);

    // Another chat pressing the same button gives no rating (a new chat is answered in Arabic).
    const stranger = chat('someone-else');
    expect(await stranger.say(asked.reply.choices![0]!.value)).toBe('هذا التقييم لم يعد متاحاً.');
    const me = chat('rate-en');
    const thanked = await me.say(asked.reply.choices![3]!.value);
    expect(thanked).toContain('Thank you for your rating; it helps us improve our services.');
    expect(thanked).toContain('Would you like to add a comment?');
    expect(await me.say(asked.reply.choices![0]!.value)).toBe('We already have your rating, thank you.');
    // The next message is the comment, kept once.
    expect(await me.say('Amal explained everything clearly')).toBe('We have your comment; the municipality\'s staff will read it. Thank you.');
    expect(await server.db.connection.collection('satisfaction_comments').find({}).toArray()).toEqual([
      expect.objectContaining({ kind: 'handoff', channel: 'telegram', staff: 'amal', score: 4, text: 'Amal explained everything clearly', confidential: false })]);
    const stored = await answers().find({}).toArray();
    expect(stored).toEqual([expect.objectContaining({ kind: 'handoff', channel: 'telegram', staff: 'amal', score: 4 })]);
    // A second close (or anything) does not ask again.
    expect((await agent.json('POST', `/console/api/conversations/${id}/close`, { outcome: 'answered' })).status).toBe(409);
    expect(telegram.filter((m) => m.user === 'rate-en' && m.reply.choices?.some((c) => c.value.startsWith('/rate '))).length).toBe(1);
  });

  it('is not asked when staff hand the conversation back to the assistant', async () => {
    const id = await handedOff('rate-back', 'بدي احكي مع موظف');
    expect((await agent.json('POST', `/console/api/conversations/${id}/hand-back`)).status).toBe(200);
    await until(() => telegram.find((m) => m.user === 'rate-back' && m.reply.text.includes('المساعد')));
    expect(question('rate-back')).toBeUndefined();
  });

  it('asks a named complainant after resolution, in Arabic, and never an anonymous one', async () => {
    const file = (privacy: string, user: string) => agent.json<{ code: string }>('POST', '/console/api/complaints', {
      privacy, category: 'street-lighting', description: 'عمود الإنارة مطفأ منذ أسبوع في شارعنا', lang: 'ar', name: 'سالم', phone: '0912345678',
      channel: 'telegram', user, consentToContact: true, requestId: `${user}-1`,
    });
    const named = await file('named', 'rate-complaint');
    const anonymous = await file('anonymous', 'rate-anon');
    expect(named.status).toBe(200);
    expect(anonymous.status).toBe(200);
    for (const code of [named.body.code, anonymous.body.code]) {
      expect((await agent.json('POST', `/console/api/complaints/${code}/status`, { status: 'resolved' })).status).toBe(200);
    }
    const asked = await until(() => question('rate-complaint'));
    // The code is isolated from the Arabic around it (Unicode isolates) when the question is sent.
    expect(asked.reply.text.replace(/[\u2066-\u2069]/g, '')).toContain(`شكواك ${named.body.code}`);
    expect(await chat('rate-complaint').say(asked.reply.choices![1]!.value)).toContain('شكراً لتقييمك، فهو يساعدنا على تحسين خدماتنا.');
    // "No comment" is an answer too: nothing is stored.
    expect(await chat('rate-complaint').say('/rate-no-comment')).toBe('لا بأس، شكراً لك.');
    const questions = await server.db.connection.collection('satisfaction_questions').find({}, { projection: { _id: 1 } }).toArray();
    // The handoff closed above and this complaint: not the handed-back conversation, not the anonymous complaint.
    expect(questions.map((q) => String(q._id))).toHaveLength(2);
    expect(questions.map((q) => String(q._id))).toEqual(expect.arrayContaining([`complaint:${named.body.code}`, expect.stringMatching(/^handoff:[0-9a-f]{24}$/)]));
  });

  it('shows ratings per channel, department and staff member on the dashboard', async () => {
    const { body } = await supervisor.json<{ tables: Record<string, { columns: string[]; rows: unknown[][] }> }>('GET', '/console/api/reports/dashboard?lang=en');
    const table = (id: string) => body.tables[id]!.rows.map((r) => r.slice(0, 4));
    expect(table('csat-by-channel')).toEqual([['telegram', 'telegram', 2, 3]]);
    expect(table('csat-by-agent')).toEqual([['amal', 'amal', 2, 3]]);
    expect(table('csat-by-department')).toEqual([['', '', 1, 4], ['electrical-maintenance', 'Electricity and Street Lighting Department', 1, 2]]);
  });

  it('shows comments on the dashboard; one on a confidential complaint only to the citizen office', async () => {
    const filed = await agent.json<{ code: string }>('POST', '/console/api/complaints', {
      privacy: 'confidential', category: 'street-lighting', description: 'العمود مطفأ أمام بيتي منذ شهر كامل', lang: 'ar', name: 'سالم', phone: '0912345678',
      channel: 'telegram', user: 'rate-secret', consentToContact: true, requestId: 'rate-secret-1',
    });
    expect((await agent.json('POST', `/console/api/complaints/${filed.body.code}/status`, { status: 'resolved' })).status).toBe(200);
    const asked = await until(() => question('rate-secret'));
    await chat('rate-secret').say(asked.reply.choices![4]!.value);
    expect(await chat('rate-secret').say('جاري أحمد هو من كسر العمود')).toBe('وصلنا تعليقك، سيقرؤه موظفو البلدية. شكراً لك.');

    type Tables = { tables: Record<string, { columns: string[]; rows: unknown[][] }> };
    const shown = (b: Tables) => b.tables['csat-comments']!.rows.map((r) => Object.fromEntries(b.tables['csat-comments']!.columns.map((c, i) => [c, r[i]])));
    const office = shown((await supervisor.json<Tables>('GET', '/console/api/reports/dashboard?lang=ar')).body);
    expect(office.map((c) => c.comment)).toEqual(['جاري أحمد هو من كسر العمود', 'Amal explained everything clearly']);
    // Staff of the department see that there is a comment, not what it says.
    const lighting = new StaffClient(server.url);
    expect((await lighting.signIn('hadi', await server.addStaff('hadi', 'agent', 'electrical-maintenance'))).status).toBe(200);
    const dept = shown((await lighting.json<Tables>('GET', '/console/api/reports/dashboard?lang=ar')).body);
    expect(dept).toEqual([expect.objectContaining({ department: 'electrical-maintenance', score: 5, comment: '', hidden: 1, staff: '' })]);
    const csv = await (await lighting.call('GET', '/console/api/reports/csat-comments.csv')).text();
    expect(csv).not.toContain('أحمد');
  });
});
