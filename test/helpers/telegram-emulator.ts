import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import TelegramTestApi from 'telegram-test-api';
import type { TelegramServer as TelegramServerClass } from 'telegram-test-api/lib/telegramServer.js';

// The package's module.exports is the class itself; TypeScript sees it as `{ default }`.
const TelegramServer = ((TelegramTestApi as { default?: unknown }).default ?? TelegramTestApi) as typeof TelegramServerClass;
import { freePort } from '../../src/db/embedded.js';
import { commandMenu, createTelegramChannel, type TelegramChannel } from '../../src/channels/telegram/index.js';
import type { ChannelFactory } from '../../src/app/channels.js';

/**
 * telegram-test-api (a Bot API emulator) with what it lacks for Nafidha: long polling, sendChatAction,
 * sendPhoto, sendLocation, getFile and file downloads, setMyCommands, webhooks that send the secret-token
 * header, keyboard removal, and 429 answers on demand. The real telegraf client talks to it over HTTP.
 */

interface StoredUpdate { botToken: string; updateId: number; messageId: number; isRead: boolean; time: number; [k: string]: unknown }
export interface BotMessage {
  messageId: number;
  chatId: string;
  text: string;
  buttons: Array<{ text: string; data: string }>;
}
interface Internals {
  webServer: express.Express;
  storage: { userMessages: StoredUpdate[]; botMessages: Array<StoredUpdate & { message: Record<string, unknown> }> };
  addBotMessage(message: Record<string, unknown>, token: string): Record<string, unknown>;
}
type Formatter = { formatUpdate(update: StoredUpdate): { update_id: number } };

export interface Citizen {
  chatId: number;
  say(text: string): Promise<void>;
  command(text: string): Promise<void>;
  shareLocation(lat: number, lon: number): Promise<void>;
  sendPhoto(fileId: string, caption?: string): Promise<void>;
  /** Any other message the Bot API delivers: { voice: {...} }, { sticker: {...} }, { contact: {...} }… */
  send(fields: Record<string, unknown>): Promise<void>;
  press(message: BotMessage, label: string): Promise<void>;
}

export interface TelegramEmulator {
  apiRoot: string;
  token: string;
  citizen(chatId: number, firstName?: string): Citizen;
  /** Messages the bot sent to a chat, oldest first (keyboards as they are now, after edits). */
  botMessages(chatId: number): BotMessage[];
  waitForBotMessages(chatId: number, count: number, ms?: number): Promise<BotMessage[]>;
  /** Waits for a bot message to the chat whose text contains `text`. */
  waitForBotText(chatId: number, text: string, ms?: number): Promise<BotMessage>;
  /** Every call of these methods, in order. */
  calls: { chatActions: Array<{ chat_id: string; action: string }>; commands: unknown[]; answered: string[];
    keyboardRemoved: number[]; sendMessageAttempts: number; refused429: number; getFile: string[]; webhook?: { url: string; secret_token?: string } };
  /** The next `count` sendMessage calls are refused with 429 and `retry_after` seconds. */
  rateLimit(count: number, retryAfter: number): void;
  /** Stores a file the citizen "uploaded"; returns its file_id. */
  addFile(bytes: Buffer): string;
  /** Puts the chat's last update back in the queue under the same update_id (a redelivery). */
  redeliverLast(chatId: number): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startTelegramEmulator(): Promise<TelegramEmulator> {
  const port = await freePort();
  const token = `${1_000_000 + Math.floor(Math.random() * 8_999_999)}:AA${randomBytes(16).toString('hex')}`;
  const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  const emu = server as unknown as Internals;
  const formatter = TelegramServer as unknown as Formatter;
  const files = new Map<string, { bytes: Buffer; path: string }>();
  const calls: TelegramEmulator['calls'] = { chatActions: [], commands: [], answered: [], keyboardRemoved: [], sendMessageAttempts: 0, refused429: 0, getFile: [] };
  let refuse = { count: 0, retryAfter: 1 };
  let closed = false;

  const unread = (botToken: string, limit = 100) => emu.storage.userMessages.filter((u) => u.botToken === botToken && !u.isRead).slice(0, limit);
  const take = (botToken: string, limit?: number) => unread(botToken, limit).map((u) => { u.isRead = true; return formatter.formatUpdate(u); });
  const ok = (res: express.Response, result: unknown) => res.json({ ok: true, result });
  const body = (req: express.Request) => ({ ...req.query, ...(req.body ?? {}) }) as Record<string, unknown>;

  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.use(express.urlencoded({ extended: true }));

  // Real long polling: answer when an update arrives or `timeout` runs out (the emulator answers at once).
  app.all('/bot:token/getUpdates', async (req, res) => {
    const b = body(req);
    const until = Date.now() + Math.min(Number(b.timeout ?? 0), 10) * 1000;
    let gone = false;
    res.on('close', () => { gone = true; });
    while (!closed && !gone && !calls.webhook && !unread(req.params.token).length && Date.now() < until) await sleep(20);
    if (gone) return;
    ok(res, calls.webhook ? [] : take(req.params.token, b.limit ? Number(b.limit) : undefined));
  });
  app.all('/bot:token/sendMessage', (req, res, next) => {
    calls.sendMessageAttempts++;
    if (refuse.count > 0) {
      refuse.count--;
      calls.refused429++;
      res.status(429).json({ ok: false, error_code: 429, description: `Too Many Requests: retry after ${refuse.retryAfter}`, parameters: { retry_after: refuse.retryAfter } });
      return;
    }
    next();
  });
  app.all('/bot:token/sendChatAction', (req, res) => { calls.chatActions.push(body(req) as { chat_id: string; action: string }); ok(res, true); });
  app.all('/bot:token/setMyCommands', (req, res) => { calls.commands.push(body(req)); ok(res, true); });
  app.all('/bot:token/answerCallbackQuery', (req, res) => { calls.answered.push(String(body(req).callback_query_id)); ok(res, true); });
  app.all('/bot:token/sendPhoto', (req, res) => ok(res, emu.addBotMessage({ ...body(req), text: '' }, req.params.token)));
  app.all('/bot:token/sendLocation', (req, res) => ok(res, emu.addBotMessage({ ...body(req), text: '' }, req.params.token)));
  // Telegram removes the keyboard when reply_markup is left out; the emulator only ever replaces it.
  app.all('/bot:token/editMessageReplyMarkup', (req, res) => {
    const b = body(req);
    const stored = emu.storage.botMessages.find((m) => String(m.messageId) === String(b.message_id) && String(m.message.chat_id) === String(b.chat_id));
    if (!stored) { res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: message to edit not found' }); return; }
    stored.message = { ...stored.message, reply_markup: b.reply_markup ? (typeof b.reply_markup === 'string' ? JSON.parse(b.reply_markup) : b.reply_markup) : undefined };
    if (!b.reply_markup) calls.keyboardRemoved.push(stored.messageId);
    ok(res, true);
  });
  app.all('/bot:token/getFile', (req, res) => {
    const id = String(body(req).file_id);
    calls.getFile.push(id);
    const file = files.get(id);
    if (!file) { res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }); return; }
    ok(res, { file_id: id, file_unique_id: `u${id}`, file_size: file.bytes.length, file_path: file.path });
  });
  app.get('/file/bot:token/*', (req, res) => {
    const path = (req.params as Record<string, string>)[0];
    const file = [...files.values()].find((f) => f.path === path);
    if (!file || req.params.token !== token) { res.status(404).end(); return; }
    res.type('image/jpeg').send(file.bytes);
  });
  app.all('/bot:token/setWebhook', (req, res) => { calls.webhook = body(req) as { url: string; secret_token?: string }; ok(res, true); });
  app.all('/bot:token/deleteWebhook', (_req, res) => { calls.webhook = undefined; ok(res, true); });
  app.use(emu.webServer);

  // Webhook delivery as Telegram does it: one POST per update, with the secret-token header.
  const pump = setInterval(() => {
    const hook = calls.webhook;
    if (!hook || closed) return;
    for (const update of take(token)) {
      void fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(hook.secret_token ? { 'x-telegram-bot-api-secret-token': hook.secret_token } : {}) },
        body: JSON.stringify(update),
      }).catch(() => undefined);
    }
  }, 20);

  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  const apiRoot = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  function botMessages(chatId: number): BotMessage[] {
    return emu.storage.botMessages
      .filter((m) => m.botToken === token && String(m.message.chat_id) === String(chatId) && typeof m.message.text === 'string')
      .map((m) => {
        const markup = m.message.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> } | undefined;
        return { messageId: m.messageId, chatId: String(chatId), text: String(m.message.text),
          buttons: (markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data })) };
      });
  }

  return {
    apiRoot,
    token,
    calls,
    botMessages,
    async waitForBotMessages(chatId, count, ms = 15_000) {
      const until = Date.now() + ms;
      while (botMessages(chatId).length < count) {
        if (Date.now() > until) throw new Error(`chat ${chatId}: expected ${count} bot messages, got ${botMessages(chatId).length}: ${JSON.stringify(botMessages(chatId).map((m) => m.text.slice(0, 80)))}`);
        await sleep(20);
      }
      return botMessages(chatId);
    },
    async waitForBotText(chatId, text, ms = 15_000) {
      const until = Date.now() + ms;
      for (;;) {
        const hit = botMessages(chatId).find((m) => m.text.includes(text));
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`chat ${chatId}: no bot message containing "${text}" in ${JSON.stringify(botMessages(chatId).map((m) => m.text.slice(0, 80)))}`);
        await sleep(20);
      }
    },
    citizen(chatId, firstName = 'Citizen') {
      const client = server.getClient(token, { chatId, userId: chatId, firstName });
      const common = () => ({ ...client.makeMessage(''), text: undefined });
      return {
        chatId,
        say: async (text) => { await client.sendMessage(client.makeMessage(text)); },
        command: async (text) => { await client.sendCommand(client.makeCommand(text)); },
        shareLocation: async (lat, lon) => { await client.sendMessage({ ...common(), location: { latitude: lat, longitude: lon } } as never); },
        sendPhoto: async (fileId, caption) => {
          await client.sendMessage({ ...common(), caption, photo: [
            { file_id: `${fileId}-small`, file_unique_id: `s${fileId}`, width: 90, height: 90, file_size: 100 },
            { file_id: fileId, file_unique_id: `l${fileId}`, width: 1280, height: 960, file_size: files.get(fileId)?.bytes.length },
          ] } as never);
        },
        send: async (fields) => { await client.sendMessage({ ...common(), ...fields } as never); },
        press: async (message, label) => {
          const button = message.buttons.find((b) => b.text === label);
          if (!button) throw new Error(`no button "${label}" on message ${message.messageId}: ${message.buttons.map((b) => b.text).join(' | ')}`);
          const markup = { inline_keyboard: message.buttons.map((b) => [{ text: b.text, callback_data: b.data }]) };
          await client.sendCallback(client.makeCallbackQuery(button.data, { message: { message_id: message.messageId, text: message.text, reply_markup: markup } } as never));
        },
      };
    },
    rateLimit(count, retryAfter) { refuse = { count, retryAfter }; },
    addFile(bytes) {
      const id = `photo${files.size + 1}${randomBytes(3).toString('hex')}`;
      files.set(id, { bytes, path: `photos/${id}.jpg` });
      return id;
    },
    redeliverLast(chatId) {
      const last = [...emu.storage.userMessages].reverse().find((u) => {
        const m = (u.message ?? (u.callbackQuery as { message?: unknown })?.message) as { chat?: { id?: number } } | undefined;
        return u.botToken === token && m?.chat?.id === chatId;
      });
      if (!last) throw new Error(`chat ${chatId} has sent nothing to redeliver`);
      emu.storage.userMessages.push({ ...last, isRead: false });
    },
    async close() {
      closed = true;
      clearInterval(pump);
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/**
 * The app's real Telegram channel talking to the emulator, as a row of the channel table: give `row` to
 * testNafidha/startTestServer (as `channels`/`channelRows`); `channel()` is the running channel once started.
 */
export function emulatedTelegram(emulator: TelegramEmulator): { row: ChannelFactory; channel(): TelegramChannel } {
  let made: TelegramChannel | undefined;
  const row: ChannelFactory = ({ kernel }) => {
    const channel = made = createTelegramChannel({ token: emulator.token, apiRoot: emulator.apiRoot, core: kernel, log: () => undefined, commands: commandMenu((l, k) => kernel.phrases.t(l, k)) });
    return {
      sender: channel.sender,
      async start() { if (!(await channel.start())) throw new Error('the Telegram channel did not start against the emulator'); },
      stop: () => channel.stop(),
      overview: () => ({ telegram: { on: true, state: 'on' } }),
    };
  };
  return { row, channel: () => { if (!made) throw new Error('the Telegram row was not given to the app'); return made; } };
}
