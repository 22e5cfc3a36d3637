import { ChatKey } from '../../src/shared/chat.js';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppCloudRouter, DEFAULT_API_VERSION, type WhatsAppCloudChannel } from '../../src/channels/whatsapp-cloud/index.js';
import { commandMenu, createTelegramChannel, type TelegramChannel } from '../../src/channels/telegram/index.js';
import { MongoChannelWindows, MongoCloudIdentities } from '../../src/db/channel-windows.js';
import { toneWav } from '../helpers/audio.js';
import { StaffClient, startTestServer, type TestServer } from '../helpers/server.js';
import { startTelegramEmulator, type TelegramEmulator } from '../helpers/telegram-emulator.js';
import { delivery, messageChange } from '../helpers/whatsapp-sdk.js';

// A voice note from Telegram and one from WhatsApp reach an agent in the console as audio the browser plays.
const SHOTS = path.resolve(import.meta.dirname, '../../screenshots');
const APP_SECRET = 'voice-app-secret';
const PHONE_ID = '109876543299';

let server: TestServer;
let emulator: TelegramEmulator;
let telegram: TelegramChannel;
let whatsapp: WhatsAppCloudChannel;
let graph: http.Server;
let webhook: http.Server;
let webhookUrl = '';
let browser: Browser;
const recordings = new Map<string, Buffer>();
const sentToWhatsApp: Array<Record<string, unknown>> = [];

/** The Graph API calls a WhatsApp voice note needs: send a message, look a media id up, download it. */
async function startGraph(): Promise<string> {
  const app = express();
  app.use(express.json());
  let base = '';
  app.post(`/${DEFAULT_API_VERSION}/:phone/messages`, (req, res) => { sentToWhatsApp.push(req.body as Record<string, unknown>); res.json({ messages: [{ id: `wamid.OUT${sentToWhatsApp.length}` }] }); });
  app.get(`/${DEFAULT_API_VERSION}/:id`, (req, res) => { res.json({ url: `${base}/download/${req.params.id}`, mime_type: 'audio/wav', id: req.params.id }); });
  app.get('/download/:id', (req, res) => { res.type('audio/wav').send(recordings.get(req.params.id)); });
  graph = http.createServer(app);
  await new Promise<void>((r) => graph.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
  return base;
}

beforeAll(async () => {
  // The channels are made below, on this server's kernel; its senders reach them once they exist.
  server = await startTestServer({ dbName: 'voice_playback', senders: [
    { channel: 'telegram', send: (user, reply) => telegram.sender.send(user, reply) },
    { channel: 'whatsapp-cloud', send: (user, reply) => whatsapp.sender.send(user, reply) }] });
  emulator = await startTelegramEmulator();
  telegram = createTelegramChannel({ token: emulator.token, apiRoot: emulator.apiRoot, core: server.nafidha.kernel, log: () => undefined, commands: commandMenu((l, k) => server.nafidha.kernel.phrases.t(l, k)) });
  expect(await telegram.start()).toBe(true);
  whatsapp = createWhatsAppCloudRouter({ verifyToken: 'v', appSecret: APP_SECRET, token: 'EAAG-token', phoneNumberId: PHONE_ID, graphRoot: await startGraph(),
    core: server.nafidha.kernel, log: () => undefined, windows: new MongoChannelWindows(server.db.connection), identities: new MongoCloudIdentities(server.db.connection) });
  const app = express();
  app.use('/webhooks/whatsapp', whatsapp.router);
  webhook = http.createServer(app);
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/webhooks/whatsapp`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
  fs.mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await telegram?.stop();
  await emulator?.close();
  await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
  await new Promise<void>((r) => (graph ? graph.close(() => r()) : r()));
  await server?.close();
});

async function postWhatsApp(payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` }, body });
  expect(res.status).toBe(200);
  await whatsapp.idle();
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('voice notes in the console', () => {
  it('a Telegram and a WhatsApp voice note play in the agent\'s conversation view, only for a signed-in agent', async () => {
    // Telegram: the citizen asks for staff, then speaks; the recording goes straight to staff.
    const salma = emulator.citizen(5001, 'Salma');
    await salma.command('/agent');
    await emulator.waitForBotMessages(5001, 1);
    const telegramVoice = toneWav(1.2, 440);
    // Telegram voice notes are Ogg/Opus; a WAV here keeps the test independent of the browser's codecs.
    await salma.send({ voice: { file_id: emulator.addFile(telegramVoice), file_unique_id: 'uV1', duration: 1, mime_type: 'audio/wav', file_size: telegramVoice.length } });

    // WhatsApp: the citizen speaks first, gets the polite answer and presses "pass to staff".
    recordings.set('WA-VOICE', toneWav(2, 330));
    const from = '218950000001';
    const msg = (id: string, m: Record<string, unknown>) => delivery(messageChange(PHONE_ID, { contact: { profile: { name: 'Mona' }, wa_id: from, user_id: 'LY.5500' }, message: { from, from_user_id: 'LY.5500', id, timestamp: String(Math.floor(Date.now() / 1000)), ...m } as never }));
    await postWhatsApp(msg('wamid.V1', { type: 'audio', audio: { voice: true, mime_type: 'audio/wav', sha256: 'x', id: 'WA-VOICE', url: 'https://lookaside.example/WA-VOICE' } }));
    const offer = sentToWhatsApp.at(-1) as { interactive: { body: { text: string }; action: { buttons: Array<{ reply: { id: string; title: string } }> } } };
    expect(offer.interactive.body.text).toContain('أقرأ الرسائل المكتوبة فقط');
    await postWhatsApp(msg('wamid.V2', { type: 'interactive', interactive: { type: 'button_reply', button_reply: offer.interactive.action.buttons[0].reply } }));

    const password = await server.addStaff('amal', 'agent');
    const client = new StaffClient(server.url);
    await client.signIn('amal', password);
    const queueOf = async () => (await client.json<{ waiting: Array<{ id: string; conversation: string }> }>('GET', '/console/api/queue')).body.waiting;
    const tg = await waitFor('the Telegram handoff', async () => (await queueOf()).find((w) => w.conversation === 'telegram:5001'));
    const wa = await waitFor('the WhatsApp handoff', async () => (await queueOf()).find((w) => w.conversation === ChatKey.of('whatsapp-cloud', from)));
    await waitFor('the Telegram recording', async () => ((await client.json<{ media: unknown[] }>('GET', `/console/api/conversations/${tg.id}/media`)).body.media.length ? true : undefined));

    const context = await browser.newContext({ locale: 'ar', viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/console/`);
    await page.fill('input[name=username]', 'amal');
    await page.fill('input[name=password]', password);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#queue-waiting');

    const played: Record<string, number> = {};
    for (const [name, handoff, seconds] of [['telegram', tg, 1.2], ['whatsapp', wa, 2]] as const) {
      await page.goto(`${server.url}/console/#/conversation/${handoff.id}`);
      // The console is a single page: wait for this conversation's recording, not the one before.
      const audio = page.locator(`#transcript li.media-audio audio[src*="${handoff.id}"]`);
      await audio.waitFor({ timeout: 10_000 });
      expect(await audio.count()).toBe(1);
      // The browser fetched it through the session, decoded it and knows how long it is; then it plays.
      const duration = await audio.evaluate((el: HTMLAudioElement) => new Promise<number>((resolve, reject) => {
        if (el.readyState >= 1) resolve(el.duration);
        el.addEventListener('loadedmetadata', () => resolve(el.duration), { once: true });
        el.addEventListener('error', () => reject(new Error(`audio error ${el.error?.code}`)), { once: true });
      }));
      expect(duration).toBeCloseTo(seconds, 1);
      const playing = await audio.evaluate(async (el: HTMLAudioElement) => { el.muted = true; await el.play(); return !el.paused; });
      expect(playing).toBe(true);
      played[name] = duration;
      await page.screenshot({ path: path.join(SHOTS, `console-voice-${name}.png`), fullPage: true });
      const src = await audio.getAttribute('src');
      expect(src).toMatch(/^\/console\/api\/conversations\/[^/]+\/media\/[0-9a-f]+$/);
      // The same address without the agent's session is refused.
      expect((await fetch(`${server.url}${src}`)).status).toBe(401);
    }
    expect(Object.keys(played)).toEqual(['telegram', 'whatsapp']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
