import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Database } from '../../src/db/connection.js';
import { MongoTranscriptStore } from '../../src/db/transcripts.js';
import { MongoWebChatKeys } from '../../src/db/webchat-keys.js';
import { createApp } from '../../src/http/server.js';
import { createWebChat } from '../../src/channels/webchat/index.js';
import { testKernel } from '../helpers/assistant.js';
import { testDatabase } from '../helpers/db.js';

let db: Database;
let server: http.Server;
let base: string;
let keys: MongoWebChatKeys;

beforeAll(async () => {
  db = await testDatabase('webchat');
  keys = new MongoWebChatKeys(db.connection);
  const webchat = createWebChat(testKernel(db), { keys });
  server = http.createServer(createApp({ webchat }));
  webchat.attach(server, '/chat/ws');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { server.closeAllConnections(); server.close(); await db.close(); });

async function post(body: unknown) {
  const res = await fetch(`http://${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

describe('web chat', () => {
  it('serves a right-to-left chat page', async () => {
    const html = await (await fetch(`http://${base}/`)).text();
    expect(html).toContain('dir="rtl"');
    expect(html).toContain('/chat/chat.js');
  });

  it('answers a scripted client in webhook mode (POST /api/messages)', async () => {
    const res = await post({ type: 'message', user: 'scripted-client-000001', text: 'كم رسوم رخصة البناء' });
    expect(res.status).toBe(200);
    expect(res.body[0].text).toContain('الرسوم');
    expect(res.body[0].quick_replies.length).toBeGreaterThan(0);
  });

  it('refuses malformed requests and short guessable user ids', async () => {
    expect((await post({ text: 'hi' })).status).toBe(400);
    const short = await post({ type: 'message', user: '1', text: 'hi' });
    expect(short.status).toBe(200);
    expect(short.body).toBeNull();
  });

  it('talks over the websocket: welcome on hello, answers with choices as buttons', async () => {
    const ws = new WebSocket(`ws://${base}/chat/ws`);
    const received: Array<{ text: string; quick_replies?: unknown[] }> = [];
    const next = () => new Promise<void>((resolve) => ws.once('message', (d) => { received.push(JSON.parse(String(d))); resolve(); }));
    await new Promise((r) => ws.once('open', r));
    const user = `websocket-user-${Date.now()}`;
    const key = 'k'.repeat(43);
    expect(await keys.create(user, key)).toBe(true);
    let waiting = next();
    ws.send(JSON.stringify({ type: 'hello', user, key, channel: 'websocket', lang: 'en' }));
    await waiting;
    expect(received[0].quick_replies?.length).toBe(6);
    waiting = next();
    ws.send(JSON.stringify({ type: 'message', user, channel: 'websocket', text: 'what documents for a demolition permit?' }));
    await waiting;
    expect(received[1].text).toContain('Demolition');
    // The reply is pushed during the turn; the transcript is written right after it.
    const transcripts = new MongoTranscriptStore(db.connection);
    await expect.poll(async () => (await transcripts.list(`web:${user}`)).length).toBeGreaterThanOrEqual(3);
    ws.close();
  });
});
