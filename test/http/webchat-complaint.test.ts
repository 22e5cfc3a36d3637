import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Nafidha } from '../../src/app/compose.js';
import type { Database } from '../../src/db/connection.js';
import { testDatabase } from '../helpers/db.js';
import { testNafidha } from '../helpers/nafidha.js';
import { openChat } from '../helpers/webchat-socket.js';

let db: Database;
let nafidha: Nafidha;
let server: http.Server;
let base: string;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200b1c8d2d10000000049454e44ae426082', 'hex');

beforeAll(async () => {
  db = await testDatabase('webchat_complaint');
  nafidha = testNafidha(db);
  server = http.createServer(nafidha.app());
  nafidha.webchat.attach(server, '/chat/ws');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { server.closeAllConnections(); server.close(); await nafidha.stop(); await db.close(); });

/** A browser's web chat: the same websocket messages chat.js sends. */
async function webCitizen() {
  const { user, key } = await openChat(`http://${base}`);
  const ws = new WebSocket(`ws://${base}/chat/ws`);
  const inbox: Array<{ text: string; quick_replies?: Array<{ title: string; payload: string }> }> = [];
  ws.on('message', (d) => inbox.push(JSON.parse(String(d))));
  await new Promise((r) => ws.once('open', r));
  // The first message proves the socket holds the chat's key (the page's hello does; an empty ack starts no turn).
  ws.send(JSON.stringify({ type: 'ack', ack: '', user, key, channel: 'websocket' }));
  let n = 0;
  return {
    ws, user,
    async send(message: Record<string, unknown>): Promise<string> {
      const before = inbox.length;
      ws.send(JSON.stringify({ type: 'message', user, channel: 'websocket', id: `${user}-${++n}`, ...message }));
      await expect.poll(() => inbox.length, { timeout: 5000 }).toBeGreaterThan(before);
      await new Promise((r) => setTimeout(r, 50));
      return inbox.slice(before).map((m) => m.text).join('\n');
    },
  };
}

describe('a complaint through the web chat', () => {
  it('is filed in Arabic with a shared location and an uploaded photo, and looked up; another chat sees only status and dates', async () => {
    const c = await webCitizen();
    const user = c.user;
    expect(await c.send({ text: 'في ماسورة مكسورة والمي عم تتسرب بالشارع من امبارح' })).toContain('المياه');
    expect(await c.send({ text: '/yes' })).toContain('الموقع');
    expect(await c.send({ text: '', location: { lat: 32.88, lon: 13.19 } })).toContain('صورة');

    const upload = await fetch(`http://${base}/chat/upload?user=${user}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: PNG });
    expect(upload.status).toBe(201);
    const { mediaId } = await upload.json() as { mediaId: string };
    expect(await c.send({ text: '', attachments: [{ mediaId, kind: 'image', mimeType: 'image/png' }] })).toContain('وصلت الصورة');
    await c.send({ text: '/next' });
    await c.send({ text: '/named' });
    await c.send({ text: 'سالم علي' });
    await c.send({ text: '0912345678' });
    await c.send({ text: '/yes' });
    const receipt = await c.send({ text: '/confirm' });
    const code = /C-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(receipt)![0];

    const stored = await nafidha.complaints.find(code);
    expect(stored).toMatchObject({ category: 'water', department: 'water-sewage', photos: [mediaId], via: 'web' });
    expect(stored!.history).toHaveLength(1);
    expect(stored!.deadline.getTime()).toBeGreaterThan(stored!.createdAt.getTime());
    expect(await c.send({ text: code })).toContain(code);

    const other = await webCitizen();
    const seen = await other.send({ text: `status ${code}` });
    expect(seen).toContain(code);
    expect(seen).not.toContain('ماسورة');
    c.ws.close();
    other.ws.close();
  });

  it('refuses a photo upload that is not an image, in the web chat\'s own error', async () => {
    const res = await fetch(`http://${base}/chat/upload?user=web-complainant-000000001`, { method: 'POST', headers: { 'content-type': 'text/html' }, body: '<b>x</b>' });
    expect(res.status).toBe(415);
  });

  it('in English, a typed address works as the location', async () => {
    const c = await webCitizen();
    await c.send({ text: 'hello' });
    expect(await c.send({ text: 'there is garbage piling up on our street for a week' })).toContain('Is that right');
    expect(await c.send({ text: '/yes' })).toContain('Where');
    expect(await c.send({ text: 'Al-Nasr street, next to the pharmacy' })).toContain('photo');
    await c.send({ text: '/skip' });
    await c.send({ text: '/anonymous' });
    const receipt = await c.send({ text: '/confirm' });
    expect(receipt).toMatch(/Tracking code: C-/);
    c.ws.close();
  });
});
