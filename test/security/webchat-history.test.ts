import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagedUploads } from '../../src/domain/media.js';
import { ChatKey } from '../../src/shared/chat.js';
import { toneWav } from '../helpers/audio.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// A web chat's history is read back only with the key the server gave that browser: not with the chat id (staff
// see it, logs may hold it), not with another chat's key, not for a chat id a client made up. Recordings a chat
// uploads are usable by that chat only.

let server: TestServer;
beforeAll(async () => { server = await startTestServer({ dbName: 'webchat_history_security' }); });
afterAll(async () => { await server?.close(); });

// The keys of the chats opened here: the webhook needs a chat's key, as the socket does.
const keys = new Map<string, string>();
const open = async () => {
  const res = await fetch(`${server.url}/chat/session`, { method: 'POST' });
  expect(res.status).toBe(201);
  const chat = (await res.json()) as { user: string; key: string };
  keys.set(chat.user, chat.key);
  return chat;
};
const history = (body: unknown) => fetch(`${server.url}/chat/history`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const say = async (user: string, text: string, extra: Record<string, unknown> = {}) => {
  const res = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', user, text, key: keys.get(user), ...extra }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Array<{ text: string }>;
};

describe('web chat history', () => {
  it('opens chats with random ids and separate random keys', async () => {
    const [a, b] = [await open(), await open()];
    expect(a.user).not.toBe(b.user);
    expect(a.key).not.toBe(b.key);
    expect(a.user).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(a.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toContain(a.user);
  });

  it('gives a chat its own lines with its key, and nothing to a guessed, borrowed or missing key', async () => {
    const a = await open();
    const b = await open();
    const secret = `my neighbour ${randomBytes(4).toString('hex')} is dumping rubbish at night`;
    await say(a.user, secret);
    await server.nafidha.transcripts.append([
      { conversation: ChatKey.of('web', a.user), from: 'note', text: 'staff note: citizen sounded upset', at: new Date() },
      { conversation: ChatKey.of('web', a.user), from: 'system', text: 'handed to amal', at: new Date() },
    ]);

    const mine = await history(a);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toBe('no-store');
    const lines = ((await mine.json()) as { lines: Array<{ from: string; text: string }> }).lines;
    expect(lines.some((l) => l.from === 'citizen' && l.text === secret)).toBe(true);
    expect(lines.some((l) => l.from === 'bot')).toBe(true);
    // Staff notes and system lines stay in the console.
    expect(lines.every((l) => l.from !== 'note' && l.from !== 'system')).toBe(true);

    const refused = [
      await history({ user: a.user, key: b.key }), // another chat's key
      await history({ user: a.user, key: randomBytes(32).toString('base64url') }), // a guessed key
      await history({ user: `w${randomBytes(18).toString('base64url')}`, key: a.key }), // a guessed id
    ];
    const bodies = await Promise.all(refused.map(async (r) => ({ status: r.status, body: await r.text() })));
    for (const r of bodies) {
      expect(r.status).toBe(403);
      expect(r.body).not.toContain(secret);
    }
    // An unknown chat and a wrong key look the same: the answer does not say whether an id exists.
    expect(JSON.parse(bodies[0].body).error).toBe(JSON.parse(bodies[2].body).error);

    for (const bad of [{ user: a.user }, { user: a.user, key: '' }, { user: 'x', key: a.key }, { user: a.user, key: { $ne: '' } }]) {
      const r = await history(bad);
      expect(r.status).toBe(400);
      expect(await r.text()).not.toContain(secret);
    }
  });

  it('a chat id a client chose (never opened by the server) has no history to read, whatever the key', async () => {
    const chosen = 'scripted-client-history-0001';
    const secret = 'the water bill for flat 4 is wrong';
    await say(chosen, secret);
    const r = await history({ user: chosen, key: randomBytes(32).toString('base64url') });
    expect(r.status).toBe(403);
    expect(await r.text()).not.toContain(secret);
  });

  it('a recording uploaded by one chat cannot be sent by another, and waits only until its message arrives', async () => {
    const a = await open();
    const b = await open();
    const up = await fetch(`${server.url}/chat/upload?user=${a.user}`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: new Uint8Array(toneWav(0.5)) });
    expect(up.status).toBe(201);
    const { mediaId, mimeType } = (await up.json()) as { mediaId: string; mimeType: string };
    expect(mimeType).toBe('audio/wav');

    // B sends A's upload: it is not there for B; nothing is stored for B; A's upload still waits for A.
    const toB = await say(b.user, '', { attachments: [{ mediaId, kind: 'audio', mimeType }] });
    expect(toB.map((r) => r.text).join('\n')).not.toContain('أقرأ الرسائل المكتوبة فقط');
    expect(await server.nafidha.media.listFor(ChatKey.of('web', b.user))).toEqual([]);
    expect((await server.nafidha.media.listFor(stagedUploads(ChatKey.of('web', a.user)))).length).toBe(1);

    // A sends it: the conversation keeps it (offered to staff) and the staged copy is gone.
    const toA = await say(a.user, '', { attachments: [{ mediaId, kind: 'audio', mimeType }] });
    expect(toA.map((r) => r.text).join('\n')).toMatch(/أقرأ الرسائل المكتوبة فقط|only read written messages/);
    expect((await server.nafidha.media.listFor(ChatKey.of('web', a.user))).length).toBe(1);
    expect(await server.nafidha.media.listFor(stagedUploads(ChatKey.of('web', a.user)))).toEqual([]);
  });

  it('refuses what is not a recording, and more waiting recordings than a chat may keep', async () => {
    const a = await open();
    const page = await fetch(`${server.url}/chat/upload?user=${a.user}`, { method: 'POST', headers: { 'content-type': 'audio/webm' }, body: '<script>alert(1)</script>' });
    expect(page.status).toBe(415);
    expect(((await page.json()) as { error: string }).error).toBe('not-audio');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await fetch(`${server.url}/chat/upload?user=${a.user}`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: new Uint8Array(toneWav(0.2)) })).status);
    expect(codes).toEqual([201, 201, 201, 429]);
  });
});
