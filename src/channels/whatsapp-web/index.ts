import path from 'node:path';
import QRCode from 'qrcode';
import qrcodeTerminal from 'qrcode-terminal';
import wwebjs, { type Client as WAClient, type ClientOptions, type Message } from 'whatsapp-web.js';
import { KeyedLock } from '../../conversation/keyed-lock.js';
import type { ChannelSender, Reply } from '../../shared/message.js';
import { describeError, type ConversationCore, type Log } from '../port.js';
import { messageToInbound } from './inbound.js';
import { numberedChoices } from '../numbered-choices.js';
import type { WhatsAppWebStatus } from '../../shared/channel-overview.js';

export type { WhatsAppWebStatus } from '../../shared/channel-overview.js';

const { Client, LocalAuth } = wwebjs;

// Reasons after which the session on disk is no longer valid: the phone unlinked this device.
const LOGGED_OUT = new Set(['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE']);

export interface WhatsAppWebOptions {
  /** The data folder; the linked session is kept under `<dataDir>/whatsapp`. */
  dataDir: string;
  core: ConversationCore;
  log: Log;
  chromiumPath?: string;
  /** Backoff between reconnection attempts: doubles from `firstMs` up to `maxMs`. */
  reconnect?: { firstMs: number; maxMs: number };
  /** Builds the library's client; tests pass a subclass that needs no phone. */
  createClient?: (options: ClientOptions) => WAClient;
}

export interface WhatsAppWebChannel {
  sender: ChannelSender;
  status: WhatsAppWebStatus;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when every received message has been answered. */
  idle(): Promise<void>;
}

export function clientOptions(dataDir: string, chromiumPath = '/usr/bin/chromium'): ClientOptions {
  const root = path.join(dataDir, 'whatsapp');
  const asRoot = process.getuid?.() === 0;
  return {
    authStrategy: new LocalAuth({ dataPath: root }),
    webVersionCache: { type: 'local', path: path.join(root, 'web-cache') },
    puppeteer: {
      executablePath: chromiumPath,
      headless: true,
      // Chromium refuses to start as root with its sandbox on; containers often run as root.
      args: [...(asRoot ? ['--no-sandbox', '--disable-setuid-sandbox'] : []), '--disable-dev-shm-usage'],
    },
  };
}

export function createWhatsAppWebChannel(options: WhatsAppWebOptions): WhatsAppWebChannel {
  const { core, log } = options;
  const backoff = options.reconnect ?? { firstMs: 2_000, maxMs: 60_000 };
  const make = options.createClient ?? ((o: ClientOptions) => new Client(o));
  const status: WhatsAppWebStatus = { state: 'disconnected', since: new Date() };
  const turns = new KeyedLock();
  const working = new Set<Promise<unknown>>();
  let client: WAClient | undefined;
  let delay = backoff.firstMs;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;

  const setState = (state: WhatsAppWebStatus['state'], extra: Partial<WhatsAppWebStatus> = {}) => {
    Object.assign(status, { qr: undefined, ...extra, state, since: new Date() });
  };

  async function send(to: string, reply: Reply): Promise<void> {
    if (!client || status.state !== 'ready') throw new Error(`WhatsApp is not connected (${status.state}); the message to ${to} was not sent`);
    await client.sendMessage(to, numberedChoices(reply));
  }

  function onMessage(msg: Message): void {
    const inbound = messageToInbound(msg);
    if (!inbound) return;
    const turn = turns.run(inbound.user, async () => {
      void msg.getChat().then((chat) => chat.sendStateTyping()).catch(() => undefined);
      let replies: Reply[] = [];
      try {
        replies = await core.handle(inbound);
      } catch (err) {
        log(`WhatsApp: the conversation failed for ${inbound.user}: ${describeError(err)}`);
      }
      for (const reply of replies) {
        await send(inbound.user, reply).catch((err) => log(`WhatsApp: a reply to ${inbound.user} was not sent: ${describeError(err)}`));
      }
    });
    working.add(turn);
    void turn.finally(() => working.delete(turn));
  }

  function scheduleReconnect(): void {
    if (stopped || retry) return;
    const wait = delay;
    delay = Math.min(delay * 2, backoff.maxMs);
    retry = setTimeout(() => { retry = undefined; void connect(); }, wait);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const c = make(clientOptions(options.dataDir, options.chromiumPath));
    client = c;
    c.on('qr', (qr: string) => {
      if (c !== client) return;
      qrcodeTerminal.generate(qr, { small: true }, (art) => log(`WhatsApp: link the municipality's phone (WhatsApp → Linked devices → Link a device) by scanning:\n${art}`));
      void QRCode.toDataURL(qr).then((url) => { if (c === client && status.state !== 'ready') setState('qr', { qr: url, loggedOutAt: status.loggedOutAt }); });
      if (status.state !== 'qr') setState('qr', { loggedOutAt: status.loggedOutAt });
    });
    c.on('auth_failure', (reason: string) => log(`WhatsApp: the saved session was refused (${reason}); a new QR code will be shown.`));
    c.on('ready', () => {
      if (c !== client) return;
      delay = backoff.firstMs;
      const phone = c.info?.wid?.user;
      setState('ready', { phone, loggedOutAt: undefined });
      log(`WhatsApp: linked${phone ? ` to +${phone}` : ''} and ready.`);
    });
    c.on('message', onMessage);
    c.on('disconnected', (reason: string) => {
      if (c !== client || stopped) return;
      if (LOGGED_OUT.has(String(reason))) {
        setState('logged-out', { loggedOutAt: new Date() });
        log('WhatsApp: the phone logged this device out (Linked devices → Log out, or the session expired). Scan the new QR code in the console or the terminal to link it again.');
      } else {
        setState('disconnected', { loggedOutAt: status.loggedOutAt });
        log(`WhatsApp: disconnected (${reason}); reconnecting in ${Math.round(delay / 1000)}s.`);
      }
      client = undefined;
      void c.destroy().catch(() => undefined);
      scheduleReconnect();
    });
    try {
      await c.initialize();
    } catch (err) {
      if (c !== client) return;
      log(`WhatsApp: could not start (${describeError(err)}); retrying in ${Math.round(delay / 1000)}s. Is Chromium at ${options.chromiumPath ?? '/usr/bin/chromium'}?`);
      client = undefined;
      void c.destroy().catch(() => undefined);
      scheduleReconnect();
    }
  }

  return {
    status,
    sender: { channel: 'whatsapp', send },
    async start() {
      stopped = false;
      await connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      retry = undefined;
      await this.idle();
      const c = client;
      client = undefined;
      setState('disconnected', { loggedOutAt: status.loggedOutAt });
      await c?.destroy().catch(() => undefined);
    },
    async idle() {
      while (working.size) await Promise.all([...working]);
    },
  };
}
