import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Telegraf } from 'telegraf';
import type { CallbackQuery, Message, Update } from 'telegraf/types';
import { KeyedLock } from '../../conversation/keyed-lock.js';
import type { ChannelSender, InboundMessage, Reply } from '../../shared/message.js';
import { describeError, type ConversationCore, type Log } from '../port.js';
import { RecentIds } from '../recent-ids.js';
import { splitMessage } from '../split-message.js';
import type { CommandMenu } from './commands.js';
import { fileDownloader } from './files.js';
import { messageToInbound } from './inbound.js';
import { ChoiceButtons } from './keyboard.js';
import { Outbox } from './outbox.js';

export { commandMenu, type CommandMenu } from './commands.js';

const TEXT_LIMIT = 4096;
const TYPING_EVERY_MS = 4_000; // Telegram shows "typing…" for 5 s
const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;
const UPDATES: Array<'message' | 'callback_query'> = ['message', 'callback_query'];

export interface TelegramChannelOptions {
  token: string;
  /** A self-hosted Bot API server or an emulator (TELEGRAM_API_ROOT). */
  apiRoot?: string;
  /** Webhook mode: Telegram posts updates to `${publicUrl}${path}` with `secret` in its secret-token header. */
  webhook?: { publicUrl: string; secret?: string; path?: string };
  core: ConversationCore;
  log: Log;
  commands?: CommandMenu;
}

type WebhookHandler = (req: IncomingMessage & { body?: Update }, res: ServerResponse) => Promise<void>;

export interface TelegramChannel {
  sender: ChannelSender;
  /** Present in webhook mode: mount with `app.use(webhook.path, webhook.handler)` (it reads the body itself). */
  webhook?: { path: string; handler: WebhookHandler };
  /** Connects; false (after one log line) when the token is refused or Telegram cannot be reached. */
  start(): Promise<boolean>;
  stop(): Promise<void>;
  /** The bot's @username, once start() has reached Telegram. */
  username(): string | undefined;
  /** Resolves when every received update has been answered and every reply sent. */
  idle(): Promise<void>;
}

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The secret Telegram must send with each webhook call; derived from the token when not configured. */
function webhookSecret(token: string, configured?: string): string {
  return configured || createHash('sha256').update(`nafidha-telegram-webhook:${token}`).digest('hex');
}

export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const { token, core, log } = options;
  // Replies are sent by our own queue (never as a webhook response), so each call returns the real message.
  const bot = new Telegraf(token, { telegram: { apiRoot: options.apiRoot, webhookReply: false } });
  const telegram = bot.telegram;
  const download = fileDownloader(telegram);
  const outbox = new Outbox(log);
  const turns = new KeyedLock();
  const buttons = new ChoiceButtons();
  const updates = new RecentIds();
  const pressed = new RecentIds();
  const working = new Set<Promise<unknown>>();
  let polling: Promise<void> | undefined;

  /** Sends one reply: split at line breaks, choices as an inline keyboard on the last part. */
  async function deliver(chat: string, reply: Reply): Promise<void> {
    const parts = splitMessage(reply.text, TEXT_LIMIT).filter((p) => p.trim());
    if (!parts.length && reply.choices?.length) parts.push('⬇️');
    const sends = parts.map((part, i) => {
      const keyboard = i === parts.length - 1 && reply.choices?.length ? buttons.keyboard(reply.choices) : undefined;
      return outbox.enqueue(chat, () => telegram.sendMessage(chat, part, keyboard ? { reply_markup: keyboard } : {}));
    });
    await Promise.all(sends);
  }

  function typing(chat: string): () => void {
    const ping = () => void telegram.sendChatAction(chat, 'typing').catch(() => undefined);
    ping();
    const timer = setInterval(ping, TYPING_EVERY_MS);
    return () => clearInterval(timer);
  }

  /** One citizen message: to the core, replies queued out. A chat's messages are handled in arrival order. */
  function accept(message: InboundMessage): void {
    const turn = turns.run(message.user, async () => {
      const stopTyping = typing(message.user);
      let replies: Reply[] = [];
      try {
        replies = await core.handle(message);
      } catch (err) {
        log(`Telegram: the conversation failed for chat ${message.user}: ${describeError(err)}`);
      } finally {
        stopTyping();
      }
      for (const reply of replies) {
        void deliver(message.user, reply).catch((err) => log(`Telegram: a reply to chat ${message.user} was not sent: ${describeError(err)}`));
      }
    });
    working.add(turn);
    void turn.finally(() => working.delete(turn));
  }

  function onMessage(message: Message): void {
    if (message.chat.type !== 'private') return; // complaints and status lookups are personal
    accept(messageToInbound(message, download));
  }

  function onPress(query: CallbackQuery): void {
    void telegram.answerCbQuery(query.id).catch(() => undefined); // stops the button's spinner
    const message = query.message;
    if (!message || !('data' in query) || message.chat.type !== 'private') return;
    const chat = String(message.chat.id);
    const key = `${chat}:${message.message_id}`;
    if (!pressed.first(key)) return; // a second press on the same keyboard
    void outbox.enqueue(chat, () => telegram.editMessageReplyMarkup(chat, message.message_id, undefined, undefined))
      .catch((err) => log(`Telegram: the keyboard of message ${key} could not be removed: ${describeError(err)}`));
    const value = buttons.decode(query.data, message);
    if (value === undefined) return;
    const from = query.from;
    accept({ channel: 'telegram', user: chat, text: value, messageId: `${key}:pressed`,
      displayName: [from.first_name, from.last_name].filter(Boolean).join(' ') || undefined });
  }

  // Handlers only hand the update over: a slow answer in one chat must not hold up the next getUpdates.
  bot.use(async (ctx) => {
    const update: Update = ctx.update;
    if (!updates.first(String(update.update_id))) return;
    if ('message' in update) onMessage(update.message);
    else if ('callback_query' in update) onPress(update.callback_query);
  });
  bot.catch((err) => log(`Telegram: an update failed: ${describeError(err)}`));

  const hook = options.webhook
    ? { url: new URL(options.webhook.path ?? '/webhooks/telegram', options.webhook.publicUrl), secret: webhookSecret(token, options.webhook.secret) }
    : undefined;
  // The mount point decides the path (app.use strips it), so the filter checks only the method and the secret.
  bot.webhookFilter = function (req) {
    return req.method === 'POST' && !!hook && sameSecret(req.headers['x-telegram-bot-api-secret-token'], hook.secret);
  };
  const hookCallback = hook ? bot.webhookCallback(hook.url.pathname, { secretToken: hook.secret }) : undefined;

  async function registerCommands(menu: CommandMenu): Promise<void> {
    await telegram.setMyCommands(menu.ar);
    await telegram.setMyCommands(menu.ar, { language_code: 'ar' });
    await telegram.setMyCommands(menu.en, { language_code: 'en' });
  }

  return {
    sender: { channel: 'telegram', send: (user, reply) => deliver(user, reply) },
    webhook: hook && hookCallback ? {
      path: hook.url.pathname,
      // A call without the right secret-token header is refused before any parsing.
      handler: (req, res) => hookCallback(req, res, () => { res.statusCode = 401; res.end(); }),
    } : undefined,

    async start() {
      if (!TOKEN_SHAPE.test(token)) {
        log('Telegram: TELEGRAM_TOKEN does not look like a bot token (expected "123456789:AA…" from @BotFather); Telegram is off, other channels keep running.');
        return false;
      }
      try {
        bot.botInfo = await telegram.getMe();
      } catch (err) {
        log(`Telegram: the bot token was refused or the Bot API is unreachable (${describeError(err)}); Telegram is off, other channels keep running.`);
        return false;
      }
      if (options.commands) await registerCommands(options.commands).catch((err) => log(`Telegram: the command menu was not set: ${describeError(err)}`));
      if (hook) {
        try {
          await telegram.setWebhook(hook.url.href, { secret_token: hook.secret, allowed_updates: UPDATES });
        } catch (err) {
          log(`Telegram: the webhook ${hook.url.origin}${hook.url.pathname} was refused (${describeError(err)}); Telegram is off.`);
          return false;
        }
      } else {
        polling = bot.launch({ allowedUpdates: UPDATES }).catch((err) => log(`Telegram: polling stopped: ${describeError(err)}`));
      }
      log(`Telegram: @${bot.botInfo.username} is listening (${hook ? `webhook ${hook.url.origin}${hook.url.pathname}` : 'long polling'}).`);
      return true;
    },

    username: () => bot.botInfo?.username,

    async stop() {
      if (polling) {
        try { bot.stop('shutdown'); } catch { /* polling had already ended */ }
        await polling;
        polling = undefined;
      }
      await this.idle();
    },

    async idle() {
      while (working.size) await Promise.all([...working]);
      await outbox.idle();
    },
  };
}
