import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandMenu, createTelegramChannel, type TelegramChannel } from '../../src/channels/telegram/index.js';
import { Phrasebook } from '../../src/conversation/replies.js';
import { shippedContent } from '../helpers/assistant.js';

import type { InboundMessage, Reply } from '../../src/shared/message.js';
import { startTelegramEmulator, type TelegramEmulator } from '../helpers/telegram-emulator.js';

const phrases = new Phrasebook(shippedContent().content);
const commands = commandMenu((lang, key) => phrases.t(lang, key));

// Transport behaviour only (queues, limits, redelivery, webhook secret): a scripted core stands in for the assistant.
function scriptedCore(answer: (m: InboundMessage) => Reply[] = (m) => [{ text: `echo: ${m.text ?? ''}` }]) {
  const seen: InboundMessage[] = [];
  return { seen, handle: async (m: InboundMessage) => { seen.push(m); return answer(m); } };
}

let emulator: TelegramEmulator;
let channel: TelegramChannel | undefined;
const logs: string[] = [];
const log = (line: string) => { logs.push(line); };

beforeAll(async () => { emulator = await startTelegramEmulator(); });
afterAll(async () => { await emulator.close(); });
afterEach(async () => { await channel?.stop(); channel = undefined; });

async function polling(core: ReturnType<typeof scriptedCore>): Promise<TelegramChannel> {
  channel = createTelegramChannel({ token: emulator.token, apiRoot: emulator.apiRoot, core, log, commands });
  expect(await channel.start()).toBe(true);
  return channel;
}

describe('Telegram transport', () => {
  it('a burst answered with 429 retry_after loses no message and sends none twice', async () => {
    const core = scriptedCore((m) => [{ text: `reply to ${m.text}` }]);
    await polling(core);
    const attempts = emulator.calls.sendMessageAttempts;
    const refused = emulator.calls.refused429;
    const layla = emulator.citizen(4291);
    const omar = emulator.citizen(4292);
    emulator.rateLimit(5, 1);
    for (let i = 1; i <= 4; i++) {
      await layla.say(`m${i}`);
      await omar.say(`n${i}`);
    }
    await emulator.waitForBotMessages(4291, 4);
    await emulator.waitForBotMessages(4292, 4);
    await channel!.idle();
    expect(emulator.calls.refused429 - refused).toBe(5);
    expect(emulator.botMessages(4291).map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4'].map((t) => `reply to ${t}`));
    expect(emulator.botMessages(4292).map((m) => m.text)).toEqual(['n1', 'n2', 'n3', 'n4'].map((t) => `reply to ${t}`));
    // Every call was either refused or delivered exactly once.
    expect(emulator.calls.sendMessageAttempts - attempts).toBe(8 + 5);
  });

  it('a long reply is split at line breaks, never inside a word or a list line, with the keyboard on the last part', async () => {
    const item = (i: number) => `${i}. ${'وثيقة '.repeat(12)}${'document '.repeat(6)}`.trim();
    const list = Array.from({ length: 60 }, (_, i) => item(i + 1));
    const text = `Documents:\n${list.join('\n')}`;
    expect(text.length).toBeGreaterThan(4096 * 1.5);
    await polling(scriptedCore(() => [{ text, choices: [{ label: 'More', value: '/more' }] }]));
    const citizen = emulator.citizen(4096);
    await citizen.say('documents?');
    await emulator.waitForBotMessages(4096, 2);
    await channel!.idle();
    const parts = emulator.botMessages(4096);
    expect(parts.every((p) => p.text.length <= 4096)).toBe(true);
    const lines = parts.flatMap((p) => p.text.split('\n'));
    expect(lines).toEqual(text.split('\n'));
    expect(parts.slice(0, -1).every((p) => p.buttons.length === 0)).toBe(true);
    expect(parts.at(-1)!.buttons.map((b) => b.text)).toEqual(['More']);
  });

  it('an update delivered twice is handled once', async () => {
    const core = scriptedCore();
    await polling(core);
    const citizen = emulator.citizen(777);
    await citizen.say('once');
    await emulator.waitForBotMessages(777, 1);
    emulator.redeliverLast(777);
    await citizen.say('twice');
    await emulator.waitForBotMessages(777, 2);
    await channel!.idle();
    expect(core.seen.filter((m) => m.user === '777').map((m) => m.text)).toEqual(['once', 'twice']);
    expect(emulator.botMessages(777).map((m) => m.text)).toEqual(['echo: once', 'echo: twice']);
  });

  it('commands reach the core as text and the command menu is registered', async () => {
    const core = scriptedCore();
    await polling(core);
    await emulator.citizen(31).command('/status@NafidhaBot ABC-123');
    await emulator.waitForBotMessages(31, 1);
    expect(core.seen.at(-1)).toMatchObject({ channel: 'telegram', user: '31', text: '/status ABC-123', messageId: expect.stringMatching(/^31:\d+$/) });
    const menus = emulator.calls.commands as Array<{ commands: Array<{ command: string }>; language_code?: string }>;
    expect(menus.map((m) => m.language_code)).toEqual(expect.arrayContaining([undefined, 'ar', 'en']));
    expect(menus[0].commands.map((c) => c.command).sort()).toEqual(['agent', 'complaint', 'help', 'lang', 'menu', 'start', 'status']);
    expect(emulator.calls.chatActions).toContainEqual({ chat_id: '31', action: 'typing' });
  });

  it('a long choice value survives the 64-byte callback_data limit, and a keyboard works once', async () => {
    const long = `/service ${'building-permit-'.repeat(6)}`;
    const core = scriptedCore((m) => (m.text === 'menu' ? [{ text: 'Pick', choices: [{ label: 'Long one', value: long }, { label: 'Short', value: '/x' }] }] : [{ text: `got ${m.text}` }]));
    await polling(core);
    const citizen = emulator.citizen(64);
    await citizen.say('menu');
    const [menu] = await emulator.waitForBotMessages(64, 1);
    expect(menu.buttons.every((b) => Buffer.byteLength(b.data) <= 64)).toBe(true);
    await citizen.press(menu, 'Long one');
    await emulator.waitForBotMessages(64, 2);
    await citizen.press(menu, 'Short'); // the old keyboard, pressed again
    await new Promise((r) => setTimeout(r, 300));
    await channel!.idle();
    expect(core.seen.map((m) => m.text)).toEqual(['menu', long]);
    expect(emulator.calls.keyboardRemoved).toContain(menu.messageId);
    expect(emulator.botMessages(64)[0].buttons).toEqual([]);
    expect(emulator.calls.answered.length).toBeGreaterThanOrEqual(2);
  });

  it('a shared location and a photo reach the core; the photo is fetched through getFile only when asked for', async () => {
    const core = scriptedCore(() => []);
    await polling(core);
    const citizen = emulator.citizen(88);
    const fileId = emulator.addFile(Buffer.from('\xff\xd8jpeg-bytes', 'latin1'));
    await citizen.shareLocation(32.8872, 13.1913);
    await citizen.sendPhoto(fileId, 'حفرة كبيرة');
    const until = Date.now() + 10_000;
    while (core.seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(core.seen[0]).toMatchObject({ channel: 'telegram', user: '88', location: { lat: 32.8872, lon: 13.1913 } });
    const photo = core.seen[1];
    expect(photo).toMatchObject({ text: 'حفرة كبيرة', attachments: [{ kind: 'image', mimeType: 'image/jpeg', size: 12 }] });
    expect(emulator.calls.getFile).toEqual([]);
    expect((await photo.attachments![0].download!()).toString('latin1')).toBe('\xff\xd8jpeg-bytes');
    expect(emulator.calls.getFile).toEqual([fileId]); // the largest size, not the thumbnail
  });

  it('a bad token gives one clear log line and start() returns false', async () => {
    const before = logs.length;
    const bad = createTelegramChannel({ token: 'not-a-token', apiRoot: emulator.apiRoot, core: scriptedCore(), log });
    expect(await bad.start()).toBe(false);
    expect(logs.slice(before)).toHaveLength(1);
    expect(logs.at(-1)).toMatch(/TELEGRAM_TOKEN/);
    const unreachable = createTelegramChannel({ token: '123:abc', apiRoot: 'http://127.0.0.1:9', core: scriptedCore(), log });
    expect(await unreachable.start()).toBe(false);
    expect(logs.slice(before)).toHaveLength(2);
    expect(logs.at(-1)).toMatch(/Telegram is off/);
  });

  it('webhook mode refuses a call without the secret token and handles the ones Telegram signs', async () => {
    const app = express();
    const web = http.createServer(app);
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    const publicUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    const core = scriptedCore();
    channel = createTelegramChannel({ token: emulator.token, apiRoot: emulator.apiRoot, webhook: { publicUrl, secret: 'hook-secret_1' }, core, log });
    app.use(channel.webhook!.path, channel.webhook!.handler);
    try {
      expect(await channel.start()).toBe(true);
      expect(emulator.calls.webhook).toMatchObject({ url: `${publicUrl}/webhooks/telegram`, secret_token: 'hook-secret_1' });
      const forged = await fetch(`${publicUrl}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
        body: JSON.stringify({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, text: 'forged' } }) });
      expect(forged.status).toBe(401);
      await emulator.citizen(5).say('via webhook');
      await emulator.waitForBotMessages(5, 1);
      await channel.idle();
      expect(core.seen.map((m) => m.text)).toEqual(['via webhook']);
    } finally {
      await channel.stop();
      channel = undefined;
      await fetch(`${emulator.apiRoot}/bot${emulator.token}/deleteWebhook`);
      await new Promise<void>((r) => web.close(() => r()));
    }
  });
});
