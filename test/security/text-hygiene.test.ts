import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StaffClient, startTestServer, until, type TestServer } from '../helpers/server.js';
import { openChat } from '../helpers/webchat-socket.js';
import { webCitizen } from './attacker.js';

// Bidi override, embedding and isolate controls make stored text read differently from what it is ("‮gpj.exe" shows
// as "exe.jpg"; a phone number or a code can be shown reversed to staff). Whoever types them, they are not stored.

const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const ANY_BIDI = /[\u202a-\u202e\u2066-\u2069]/;
/** `text` with every bidi control woven in. */
const spoofed = (text: string) => [...text].map((c, i) => (i % 3 === 0 ? BIDI[i % BIDI.length] + c : c)).join('') + BIDI.join('');
const plain = (text: string) => text.replace(/[\u202a-\u202e\u2066-\u2069]/g, '');

let server: TestServer;
let admin: StaffClient;

beforeAll(async () => {
  server = await startTestServer({ dbName: 'security_text' });
  admin = new StaffClient(server.url);
  await admin.signIn('text-admin', await server.addStaff('text-admin', 'admin'));
});
afterAll(async () => { await server?.close(); });

/** Every stored document of every collection, as text. */
async function everythingStored(): Promise<string[]> {
  const db = server.db.connection.db!;
  const out: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) out.push(`${name}: ${JSON.stringify(doc)}`);
  }
  return out;
}

describe('bidi controls in what citizens and staff type', () => {
  it('the spoofed strings really carry every control (the test would see them if they were stored)', () => {
    expect(BIDI.every((c) => spoofed('abc def ghi jkl').includes(c))).toBe(true);
  });

  it('are removed from a complaint filed through the web chat webhook, and from its transcript', async () => {
    const c = webCitizen(server.url);
    const description = 'في حفرة كبيرة قدام مدرسة الامل بالشارع';
    await c.say(spoofed(description));
    await c.say('/yes');
    const address = 'شارع النصر جنب الصيدلية 0912345678';
    await c.say(spoofed(address));
    await c.say('/skip');
    await c.say('/named');
    await c.say('سالم علي');
    await c.say('0912345678');
    await c.say('/yes');
    const receipt = await c.say('/confirm');
    const code = /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(receipt)?.[0];
    expect(code, receipt).toBeTruthy();
    const stored = await server.nafidha.complaints.find(code!);
    expect(stored!.description).toBe(description);
    expect(stored!.location).toEqual({ text: address });
    const lines = await server.nafidha.transcripts.list(`web:${c.user}`, 100);
    expect(lines.map((l) => l.text)).toContain(description);
    expect(lines.filter((l) => ANY_BIDI.test(l.text))).toEqual([]);
  });

  it('are removed from what a citizen types over the websocket', async () => {
    const { user, key } = await openChat(server.url);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/chat/ws`);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'message', user, key, channel: 'websocket', text: spoofed('كم رسوم رخصة البناء') }));
    const lines = await until(async () => {
      const found = await server.nafidha.transcripts.list(`web:${user}`, 10);
      return found.length ? found : undefined;
    });
    ws.close();
    expect(lines.find((l) => l.from === 'citizen')?.text).toBe('كم رسوم رخصة البناء');
  });

  it('are removed from staff replies and notes, console-filed complaints, applications and canned replies', async () => {
    const c = webCitizen(server.url);
    await c.say('بدي اعترض على قرار المحكمة');
    const queued = await until(async () => (await admin.json<{ waiting: { id: string; conversation: string }[] }>('GET', '/console/api/queue')).body.waiting[0]);
    expect((await admin.json('POST', `/console/api/conversations/${queued.id}/take`, {})).status).toBe(200);
    expect((await admin.json('POST', `/console/api/conversations/${queued.id}/reply`, { text: spoofed('please call 0911234567 tomorrow') })).status).toBe(200);
    const note = await admin.json<{ handoff: { notes: { text: string }[] } }>('POST', `/console/api/conversations/${queued.id}/notes`, { text: spoofed('caller asked about case 45/2024') });
    expect(note.body.handoff.notes.map((n) => n.text)).toEqual(['caller asked about case 45/2024']);

    const filed = await admin.json<{ code: string }>('POST', '/console/api/complaints', {
      privacy: 'named', category: 'roads', description: spoofed('a deep hole in front of the school'), location: spoofed('Main street 12'),
      name: spoofed('Salem Ali'), phone: spoofed('0911111111'), lang: 'en',
    });
    expect(filed.status).toBe(200);
    const complaint = await server.nafidha.complaints.find(filed.body.code);
    expect(complaint).toMatchObject({ description: 'a deep hole in front of the school', location: { text: 'Main street 12' } });
    expect((await admin.json('POST', `/console/api/complaints/${filed.body.code}/status`, { status: 'in-progress', note: spoofed('crew sent') })).status).toBe(200);

    const registered = await admin.json<{ application: { code: string; applicant: { name: string } } }>('POST', '/console/api/applications', {
      service: 'building-permit', name: spoofed('Huda Omar'), phone: '0921111111', note: spoofed('brought the deed'),
    });
    expect(registered.status).toBe(200);
    expect(registered.body.application.applicant.name).toBe('Huda Omar');

    const canned = { title: { ar: spoofed('موعد'), en: spoofed('Appointment') }, text: { ar: spoofed('تعال يوم الأحد'), en: spoofed('Come on Sunday') } };
    expect((await admin.json('PUT', '/console/api/canned/bidi-test', canned)).status).toBe(200);
    const { body } = await admin.json<{ replies: { id: string; title: { en: string }; text: { ar: string } }[] }>('GET', '/console/api/canned');
    expect(body.replies.find((r) => r.id === 'bidi-test')).toMatchObject({ title: { en: 'Appointment' }, text: { ar: 'تعال يوم الأحد' } });
  });

  it('0 stored documents anywhere hold a bidi control after all of the above', async () => {
    const all = await everythingStored();
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((d) => ANY_BIDI.test(d)).map((d) => plain(d).slice(0, 200))).toEqual([]);
  });
});
