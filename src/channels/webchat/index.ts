import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import { WebAdapter } from 'botbuilder-adapter-web';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Kernel } from '../../conversation/kernel.js';
import type { Attachment, ChannelSender, InboundMessage, Reply } from '../../shared/message.js';
import { ChatKey, OPENED_WEB_CHAT } from '../../shared/chat.js';
import { stagedUploads, type MediaStore } from '../../domain/media.js';
import { sockets } from './sockets.js';

// The web chat: the page (and any client of botkit's web protocol) talks to botkit's web adapter over a websocket
// or, for scripted clients, POST /api/messages. Each message goes to the kernel exactly as Telegram's and
// WhatsApp's do; the adapter only carries the webhook's protocol. The websocket is ours: a socket speaks for a chat
// only after its first message proved it holds that chat's key (the one POST /chat/session gave the browser), so a
// chat id seen in the console or a log neither reads that chat's replies nor writes into it.

/** Web chat ids are chosen by the browser: only long random ids are accepted, so none can be guessed. */
export const WEB_USER = /^[A-Za-z0-9_-]{16,64}$/;
const ORIGIN = 'nafidhaOrigin';
/** How long a staff message waits for the page to say it arrived before the socket is taken for dead. */
const ACK_TIMEOUT_MS = 5_000;
/** How often open sockets are pinged; one that did not answer the previous ping is closed. */
const HEARTBEAT_MS = 30_000;
/** The page's languages; the kernel answers one the municipality does not offer in English. */
const PAGE_LANGS = ['ar', 'en', 'fr'] as const;
/** The close code a socket gets when its key does not open the chat it named (the page then opens a new chat). */
export const NOT_YOUR_CHAT = 4403;

/** Checks a chat's key (src/db/webchat-keys.ts). */
export interface WebChatKeys {
  verify(user: string, key: string): Promise<boolean>;
  /** Whether POST /chat/session opened this chat (it then has a key). */
  opened(user: string): Promise<boolean>;
}

export interface WebChat {
  /** The webhook mode: POST /api/messages. */
  webhook(req: unknown, res: unknown): Promise<void>;
  /** The websocket mode, on the given HTTP server. */
  attach(server: Server, path: string): void;
  /** Messages outside a turn (staff replies, notifications): to every open tab of the citizen, acknowledged. */
  sender: ChannelSender & { connected(user: string): boolean };
  close(): void;
}

function hashOrigin(address: string | undefined): string {
  return createHash('sha256').update(`ip:${address ?? ''}`).digest('hex').slice(0, 32);
}

/** A reply as the page's protocol carries it: choices become quick replies (buttons). */
export function toMessage(reply: Reply): Record<string, unknown> {
  return {
    type: 'message', text: reply.text, lang: reply.lang,
    ...(reply.choices?.length ? { quick_replies: reply.choices.map((c) => ({ title: c.label, payload: c.value })) } : {}),
    ...(reply.from ? { from: reply.from } : {}), ...(reply.id ? { id: reply.id } : {}),
  };
}

function toActivity(reply: Reply): Partial<Activity> {
  const { text, ...rest } = toMessage(reply);
  return { type: ActivityTypes.Message, text: text as string, channelData: rest };
}

/** What the page uploaded before sending: recordings wait in the media store until their message arrives. */
export type StagedUploads = Pick<MediaStore, 'get' | 'remove'>;

export function createWebChat(kernel: Pick<Kernel, 'handle' | 'greet'>, opts: { keys: WebChatKeys; staged?: StagedUploads }): WebChat {
  const adapter = new WebAdapter();
  const open = sockets();
  let wss: WebSocketServer | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  /** `data` is the protocol's message as the client sent it; `origin` the client's address, hashed, as the server saw it. */
  function inboundOf(user: string, data: Record<string, unknown>, origin: string | undefined): InboundMessage {
    const location = data.location as { lat?: unknown; lon?: unknown } | undefined;
    return {
      channel: 'web',
      user,
      origin,
      text: typeof data.text === 'string' ? data.text : '',
      location: location && typeof location.lat === 'number' && typeof location.lon === 'number' ? { lat: location.lat, lon: location.lon } : undefined,
      messageId: typeof data.id === 'string' ? data.id.slice(0, 100) : undefined,
      // A recording's id names its staged upload (kept in fileName until withStagedAudio reads it); a photo's id is
      // already the stored photo, which the complaint checks belongs to this chat.
      attachments: Array.isArray(data.attachments)
        ? data.attachments.slice(0, 5).filter((x): x is { mediaId: string; mimeType: string; kind?: unknown } => typeof x?.mediaId === 'string' && typeof x?.mimeType === 'string')
          .map((x): Attachment => (x.kind === 'audio' ? { kind: 'audio', mimeType: x.mimeType, fileName: x.mediaId } : { kind: 'image', mimeType: x.mimeType, mediaId: x.mediaId }))
        : undefined,
    };
  }

  /**
   * Recordings the page uploaded, read from where they wait and only by the chat that uploaded them: the
   * conversation stores them for staff (or not); the staged copies are removed once the turn is over.
   */
  async function withStagedAudio(inbound: InboundMessage): Promise<InboundMessage> {
    const list: Attachment[] = [];
    for (const x of inbound.attachments ?? []) {
      if (x.kind !== 'audio') { list.push(x); continue; }
      const id = x.fileName ?? '';
      const m = opts.staged && /^[0-9a-f]{24}$/.test(id) ? await opts.staged.get(id) : null;
      if (!m || m.conversation !== stagedUploads(ChatKey.of('web', inbound.user))) continue;
      list.push({ kind: 'audio', mimeType: m.mimeType, size: m.size, fileName: id, download: async () => m.data });
    }
    return { ...inbound, attachments: list.length ? list : undefined };
  }

  /** One message of the protocol from `user`: a citizen's text, the page opening, or an acknowledgement. */
  async function turn(user: string, data: Record<string, unknown>, origin: string | undefined): Promise<Reply[]> {
    if (data.type === 'message') {
      const inbound = await withStagedAudio(inboundOf(user, data, origin));
      try {
        return await kernel.handle(inbound);
      } finally {
        for (const x of inbound.attachments ?? []) if (x.kind === 'audio' && x.fileName) await opts.staged?.remove(x.fileName);
      }
    }
    if (data.type === 'hello' || data.type === 'welcome_back') return kernel.greet({ channel: 'web', user }, PAGE_LANGS.find((l) => l === data.lang));
    if (data.type === 'ack' && typeof data.ack === 'string') open.acknowledged(user, data.ack);
    return [];
  }

  /** The webhook's turn (botkit's protocol): the replies go back in the HTTP answer. */
  async function logic(ctx: TurnContext): Promise<void> {
    const user = String(ctx.activity.from?.id ?? '');
    if (!WEB_USER.test(user)) return;
    const data = (ctx.activity.channelData ?? {}) as Record<string, unknown>;
    const given = data[ORIGIN];
    for (const reply of await turn(user, data, typeof given === 'string' ? given : undefined)) await ctx.sendActivity(toActivity(reply));
  }

  /**
   * A socket of the page. Its first message names the chat and carries the chat's key; nothing it sends is read
   * before the key is checked, and a wrong key closes it. Afterwards it speaks only for that chat: a message naming
   * another is ignored. Replies of a turn go to the socket that asked; staff messages to every socket of the chat.
   */
  function connection(ws: WebSocket, origin: string): void {
    open.add(ws, origin);
    (ws as WebSocket & { isAlive?: boolean }).isAlive = true;
    ws.on('pong', () => { (ws as WebSocket & { isAlive?: boolean }).isAlive = true; });
    ws.on('error', () => ws.terminate());
    let proof: Promise<string | undefined> | undefined;
    ws.on('message', (payload: RawData) => {
      let data: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(String(payload));
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
        data = parsed as Record<string, unknown>;
      } catch { return; }
      proof ??= prove(ws, data.user, data.key);
      void proof.then(async (user) => {
        if (!user || (data.user !== undefined && data.user !== user) || ws.readyState !== 1) return;
        const replies = await turn(user, data, open.originOf(ws));
        for (const reply of replies) if (ws.readyState === 1) ws.send(JSON.stringify(toMessage(reply)));
      }).catch(() => undefined);
    });
  }

  /** The chat the socket may speak for, once its key opened it; a wrong key closes the socket. */
  async function prove(ws: WebSocket, user: unknown, key: unknown): Promise<string | undefined> {
    let ok = false;
    try {
      ok = typeof user === 'string' && WEB_USER.test(user) && typeof key === 'string' && key.length <= 100 && (await opts.keys.verify(user, key));
    } catch {
      // The key could not be checked (the database is away): the page reconnects and tries again with the same key.
      ws.close(1011, 'try again');
      return undefined;
    }
    if (!ok) { ws.close(NOT_YOUR_CHAT, 'not-your-chat'); return undefined; }
    open.bind(ws, user as string);
    return user as string;
  }

  return {
    async webhook(req, res) {
      const r = req as { ip?: string; body?: Record<string, unknown> };
      const answer = res as { status(code: number): { json(body: unknown): void } };
      if (r.body && typeof r.body === 'object') {
        // A chat the page opened has a key: the webhook then needs it too, or anyone who saw the chat's id (staff
        // do) could ask for its status. Scripted clients' own ids have none and need none.
        const user = r.body.user, key = r.body.key;
        if (typeof user === 'string' && OPENED_WEB_CHAT.test(user)) {
          // Only an id of that shape may have been opened by the page; whether it was is asked by _id. When the
          // database is away the client is asked to try again.
          const check = async () => !(await opts.keys.opened(user)) || (typeof key === 'string' && key.length <= 100 && await opts.keys.verify(user, key));
          const ok = await check().catch(() => undefined);
          if (ok === undefined) { answer.status(503).json({ error: 'try-again' }); return; }
          if (!ok) { answer.status(403).json({ error: 'not-your-chat' }); return; }
        }
        delete r.body.key;
        r.body[ORIGIN] = hashOrigin(r.ip);
      }
      await adapter.processActivity(req as never, res as never, logic);
    },
    attach(server, path) {
      wss = new WebSocketServer({ server, path, maxPayload: 64 * 1024 });
      wss.on('connection', (ws, req) => connection(ws, hashOrigin(req.socket.remoteAddress)));
      // A phone that lost the network does not close its socket: one that missed a ping is taken for dead.
      heartbeat = setInterval(() => {
        for (const ws of wss?.clients ?? []) {
          const s = ws as WebSocket & { isAlive?: boolean };
          if (s.isAlive === false) { ws.terminate(); continue; }
          s.isAlive = false;
          ws.ping();
        }
      }, HEARTBEAT_MS);
      heartbeat.unref();
    },
    sender: {
      channel: 'web',
      connected: (user) => open.connected(user),
      async send(user, reply) {
        await open.send(user, JSON.stringify(toMessage(reply)), reply.id, ACK_TIMEOUT_MS);
      },
    },
    close() {
      if (heartbeat) clearInterval(heartbeat);
      for (const ws of wss?.clients ?? []) ws.terminate();
      wss?.close();
      wss = undefined;
    },
  };
}
