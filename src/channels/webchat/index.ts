import { ActivityTypes, TurnContext, type Activity } from 'botbuilder';
import { WebAdapter } from 'botbuilder-adapter-web';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Kernel } from '../../conversation/kernel.js';
import type { Attachment, ChannelSender, InboundMessage, Reply } from '../../shared/message.js';
import { ChatKey } from '../../shared/chat.js';
import { stagedUploads, type MediaStore } from '../../domain/media.js';
import { sockets } from './sockets.js';

// The web chat: the page (and any client of botkit's web protocol) talks to botkit's web adapter over a websocket
// or, for scripted clients, POST /api/messages. Each message goes to the kernel exactly as Telegram's and
// WhatsApp's do; the adapter only carries the protocol.

/** Web chat ids are chosen by the browser: only long random ids are accepted, so none can be guessed. */
export const WEB_USER = /^[A-Za-z0-9_-]{16,64}$/;
const ORIGIN = 'nafidhaOrigin';
/** How long a staff message waits for the page to say it arrived before the socket is taken for dead. */
const ACK_TIMEOUT_MS = 5_000;

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

export function createWebChat(kernel: Pick<Kernel, 'handle' | 'greet'>, opts: { staged?: StagedUploads } = {}): WebChat {
  const adapter = new WebAdapter();
  const open = sockets();

  /** The client's address, hashed, as the server saw it (never as the client says). */
  function originOf(ctx: TurnContext): string | undefined {
    if (ctx.activity.channelId === 'webhook') {
      const given = (ctx.activity.channelData as Record<string, unknown> | undefined)?.[ORIGIN];
      return typeof given === 'string' ? given : undefined;
    }
    return open.originOf(String(ctx.activity.from?.id ?? ''));
  }

  function inboundOf(ctx: TurnContext): InboundMessage {
    const a = ctx.activity;
    const data = (a.channelData ?? {}) as Record<string, unknown>;
    const location = data.location as { lat?: unknown; lon?: unknown } | undefined;
    return {
      channel: 'web',
      user: String(a.from?.id ?? ''),
      origin: originOf(ctx),
      text: typeof a.text === 'string' ? a.text : '',
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

  /** One message of the protocol: a citizen's text, the page opening, or an acknowledgement. */
  async function logic(ctx: TurnContext): Promise<void> {
    const user = String(ctx.activity.from?.id ?? '');
    if (!WEB_USER.test(user)) return;
    const data = (ctx.activity.channelData ?? {}) as Record<string, unknown>;
    let replies: Reply[] = [];
    if (ctx.activity.type === ActivityTypes.Message) {
      const inbound = await withStagedAudio(inboundOf(ctx));
      try {
        replies = await kernel.handle(inbound);
      } finally {
        for (const x of inbound.attachments ?? []) if (x.kind === 'audio' && x.fileName) await opts.staged?.remove(x.fileName);
      }
    }
    else if (data.type === 'hello' || data.type === 'welcome_back') replies = await kernel.greet({ channel: 'web', user }, data.lang === 'en' ? 'en' : data.lang === 'ar' ? 'ar' : undefined);
    else if (data.type === 'ack' && typeof data.ack === 'string') open.acknowledged(user, data.ack);
    for (const reply of replies) await ctx.sendActivity(toActivity(reply));
  }

  return {
    async webhook(req, res) {
      const r = req as { ip?: string; body?: Record<string, unknown> };
      if (r.body && typeof r.body === 'object') r.body[ORIGIN] = hashOrigin(r.ip);
      await adapter.processActivity(req as never, res as never, logic);
    },
    attach(server, path) {
      adapter.createSocketServer(server, { path, maxPayload: 64 * 1024 }, logic);
      // Registered after the adapter's own listener, so each socket is known by the time its first message is read.
      const wss = (adapter as unknown as { wss: WebSocketServer }).wss;
      wss.on('connection', (ws: WebSocket, req) => { open.add(ws, hashOrigin(req.socket.remoteAddress)); });
    },
    sender: {
      channel: 'web',
      connected: (user) => open.connected(user),
      async send(user, reply) {
        await open.send(user, JSON.stringify(toMessage(reply)), reply.id, ACK_TIMEOUT_MS);
      },
    },
    close() {
      const wss = (adapter as unknown as { wss?: WebSocketServer }).wss;
      // botkit's heartbeat timer keeps reading `wss.clients` after a close (a server restarted in-process): an empty stand-in.
      (adapter as unknown as { wss?: { clients: Set<WebSocket> } }).wss = { clients: new Set() };
      for (const ws of wss?.clients ?? []) ws.terminate();
      wss?.close();
    },
  };
}
