import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen } from '../helpers/assistant.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';

// What citizens say about staff in the chat (asking for them mid-complaint, waiting in the queue), and what staff
// then see of who filed (a name and a phone, as confidentiality allows).
let server: TestServer;
let agent: StaffClient;
let supervisor: StaffClient;
const codeIn = (text: string) => /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0];

beforeAll(async () => {
  server = await startTestServer({ dbName: 'chat_staff' });
  agent = new StaffClient(server.url);
  supervisor = new StaffClient(server.url);
  expect((await agent.signIn('agent7', await server.addStaff('agent7', 'agent'))).status).toBe(200);
  expect((await supervisor.signIn('office7', await server.addStaff('office7', 'supervisor'))).status).toBe(200);
});
afterAll(async () => { await server?.close(); });

describe('staff in the chat', () => {
  it('"I want to talk to staff" inside a complaint offers staff instead of repeating the question', async () => {
    const c = citizen(server.nafidha.kernel);
    await c.say('/complaint');
    const [offer] = await c.send('I want to talk to staff');
    expect(offer.text).not.toContain('What kind of problem');
    expect(offer.choices?.map((x) => x.value)).toEqual(['/agent', '/continue']);
    // "Carry on" goes back to the question, the complaint still there.
    expect(await c.say('/continue')).toContain('What kind of problem');
    await c.say('I want to talk to staff');
    const queued = await c.say('/agent');
    expect(queued).toContain('staff');
    const { body } = await agent.json<{ waiting: { conversation: string }[] }>('GET', '/console/api/queue');
    expect(body.waiting.map((w) => w.conversation)).toContain(`telegram:${c.user}`);
  });

  it('while queued, the first message is acknowledged at once and the next ones are not flooded', async () => {
    const c = citizen(server.nafidha.kernel);
    await c.say('I want to talk to a member of staff');
    expect(await c.say('My street has had no water since Monday')).toContain('will answer here');
    expect(await c.say('It is the third time this month')).toBe('');
    expect(await c.say('Please call me')).toBe('');
  });
});

describe('named and confidential complaints collect a name and a phone', () => {
  async function file(c: ReturnType<typeof citizen>, privacy: '/named' | '/confidential', name: string, phone: string): Promise<{ summary: string; code: string }> {
    for (const step of ['/complaint', '/cat street-lighting', 'The street light has been off for a week', 'Omar street near the mosque', '/skip']) await c.say(step);
    expect(await c.say(privacy)).toContain('name');
    expect(await c.say(name)).toContain('phone number');
    expect(await c.say('not a phone')).toContain('does not look like a phone');
    expect(await c.say(phone)).toContain('updates');
    const summary = await c.say('/yes');
    return { summary, code: codeIn(await c.say('/confirm'))! };
  }

  it('a named filing shows the name and phone in the summary, and an agent sees them', async () => {
    const c = citizen(server.nafidha.kernel);
    const { summary, code } = await file(c, '/named', 'Salem Ali', '091 234 5678');
    expect(summary).toContain('Salem Ali');
    expect(summary).toContain('0912345678');
    const { status, body } = await agent.json<{ complaint: { reporter?: { name?: string; phone?: string } } }>('GET', `/console/api/complaints/${code}`);
    expect(status).toBe(200);
    expect(body.complaint.reporter).toMatchObject({ name: 'Salem Ali', phone: '0912345678' });
  });

  it('a confidential filing keeps the name and phone from agents; the supervisor sees them', async () => {
    const c = citizen(server.nafidha.kernel);
    const { summary, code } = await file(c, '/confidential', 'Huda Omar', '+218 92 765 4321');
    expect(summary).toContain('Huda Omar');
    const seen = await agent.json('GET', `/console/api/complaints/${code}`);
    expect(JSON.stringify(seen.body)).not.toContain('Huda');
    expect(JSON.stringify(seen.body)).not.toContain('7654321');
    expect((await agent.call('GET', `/console/api/complaints/${code}/reporter`)).status).toBe(403);
    const office = await supervisor.json<{ reporter: { name?: string; phone?: string } }>('GET', `/console/api/complaints/${code}/reporter`);
    expect(office.body.reporter).toMatchObject({ name: 'Huda Omar', phone: '+218927654321' });
  });

  it('an anonymous filing asks neither, and keeps no name even on a channel that has one', async () => {
    const c = citizen(server.nafidha.kernel);
    for (const step of ['/complaint', '/cat street-lighting', 'The street light has been off for a week', 'Omar street near the mosque', '/skip']) await c.say(step, { displayName: 'Nadia' });
    const summary = await c.say('/anonymous', { displayName: 'Nadia' });
    expect(summary).toContain('check your complaint');
    expect(summary).not.toContain('Name:');
    const code = codeIn(await c.say('/confirm', { displayName: 'Nadia' }))!;
    expect((await server.nafidha.complaints.find(code))!.reporter).toBeUndefined();
  });

  it('offers the channel\'s name and WhatsApp number instead of typing them', async () => {
    const c = citizen(server.nafidha.kernel, '218913334444', 'whatsapp-cloud');
    for (const step of ['/complaint', '/cat street-lighting', 'The street light has been off for a week', 'Omar street near the mosque', '/skip']) await c.say(step, { displayName: 'Karim' });
    const [askName] = await c.send('/named', { displayName: 'Karim' });
    expect(askName.choices).toEqual([{ label: expect.stringContaining('Karim'), value: '/use-name' }]);
    const [askPhone] = await c.send('/use-name', { displayName: 'Karim' });
    expect(askPhone.choices?.[0]).toMatchObject({ value: '/use-phone', label: expect.stringContaining('218913334444') });
    await c.say('/use-phone', { displayName: 'Karim' });
    const summary = await c.say('/no', { displayName: 'Karim' });
    expect(summary).toContain('Karim');
    const code = codeIn(await c.say('/confirm', { displayName: 'Karim' }))!;
    expect((await server.nafidha.complaints.find(code))!.reporter).toMatchObject({ name: 'Karim', phone: '+218913334444' });
  });
});
