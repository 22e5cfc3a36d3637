import { ActivityTypes, BotAdapter, TurnContext, type Activity, type ConversationState, type ConversationReference, type ResourceResponse, type Storage, type StoreItems } from 'botbuilder';
import { Botkit, type BotkitMessage, type BotWorker } from 'botkit';
import { WebAdapter } from 'botbuilder-adapter-web';
import type { Server } from 'node:http';
import type { Content } from '../content/load.js';
import type { TranscriptEntry, TranscriptStore } from '../domain/transcript.js';
import { cleanInput } from '../text/normalize.js';
import type { Understander } from '../understanding/understand.js';
import { KeyedLock } from './keyed-lock.js';
import { Phrasebook } from './replies.js';
import { Responder, type Flows } from './respond.js';
import { freshState, type ChatState } from './state.js';
import type { ChannelName, ChannelSender, InboundMessage, Reply } from './types.js';

const INBOUND = 'nafidha.inbound';
const OUTBOX = 'nafidha.outbox';
const WEB_USER = /^[A-Za-z0-9_-]{16,64}$/;

/** Turns a Reply into botkit's outgoing message: choices become quick replies (web chat buttons). */
function toBotkit(reply: Reply): Partial<BotkitMessage> {
  return { text: reply.text, channelData: reply.choices?.length ? { quick_replies: reply.choices.map((c) => ({ title: c.label, payload: c.value })), lang: reply.lang } : { lang: reply.lang } };
}

function fromActivity(activity: Partial<Activity>): Reply {
  const quick = (activity.channelData?.quick_replies ?? []) as Array<{ title: string; payload: string }>;
  return { text: activity.text ?? '', choices: quick.length ? quick.map((q) => ({ label: q.title, value: q.payload })) : undefined, lang: activity.channelData?.lang };
}

/** The adapter every non-web channel speaks through: replies are collected and returned to the channel. */
class ChannelAdapter extends BotAdapter {
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const out = context.turnState.get(OUTBOX) as Reply[];
    for (const a of activities) if (a.type === ActivityTypes.Message) out.push(fromActivity(a));
    return activities.map(() => ({ id: '' }));
  }
  async updateActivity(): Promise<void> { /* replies are collected, never edited */ }
  async deleteActivity(): Promise<void> { /* nothing to delete */ }
  async continueConversation(_ref: Partial<ConversationReference>, _logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    throw new Error('proactive messages go through a ChannelSender');
  }
  run(context: TurnContext, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    return this.runMiddleware(context, logic);
  }
}

// The web adapter normally starts its socket server on botkit's own web server; ours is started by the HTTP layer.
class WebChatAdapter extends WebAdapter {
  override init(): void { /* see startWebSocket */ }
}

/**
 * botkit saves a chat's state inside its own callbacks, where a failed save is an unhandled rejection that stops the
 * whole process. Its saves are held here instead and made by the turn, after the transcript, so a database error
 * fails that one turn and a stored state always has its transcript lines.
 */
class SavesByTurn implements Storage {
  private readonly held = new Map<string, StoreItems[string]>();

  constructor(private readonly inner: Storage) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, value] of Object.entries(changes)) this.held.set(key, value);
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.held.delete(key);
    await this.inner.delete(keys);
  }

  /** Stores what the turn with this storage key left to save (nothing when it changed nothing). */
  async save(key: string): Promise<void> {
    if (!this.held.has(key)) return;
    const value = this.held.get(key);
    this.held.delete(key);
    await this.inner.write({ [key]: value });
  }

  forget(key: string): void {
    this.held.delete(key);
  }
}

export interface AssistantDeps {
  content: Content;
  understander: Understander;
  storage: Storage;
  transcripts: TranscriptStore;
  flows?: Flows;
  log?: (line: string) => void;
}

export interface Assistant {
  controller: Botkit;
  phrases: Phrasebook;
  /** One citizen message in, the replies out (Telegram, WhatsApp, tests). */
  handle(message: InboundMessage): Promise<Reply[]>;
  /** The web chat's webhook mode: POST /api/messages. */
  webhook(req: unknown, res: unknown): Promise<void>;
  /** The web chat's websocket mode, on the given HTTP server. */
  startWebSocket(server: Server, path: string): void;
  /** Sends to a web chat user connected to this instance; false when they are not connected here. */
  webSender: ChannelSender & { connected(user: string): boolean };
  conversationKey(channel: ChannelName, user: string): string;
  registerFlows(flows: Flows): void;
}

export function createAssistant(deps: AssistantDeps): Assistant {
  const log = deps.log ?? ((l: string) => console.log(l));
  const web = new WebChatAdapter();
  const channels = new ChannelAdapter();
  const saves = new SavesByTurn(deps.storage);
  const controller = new Botkit({ adapter: web, storage: saves, disable_webserver: true, disable_console: true });
  const phrases = new Phrasebook(deps.content);
  const flows: Flows = { ...deps.flows };
  const responder = new Responder(deps.content, deps.understander, phrases, flows);
  // botkit keeps its conversation state private in its types; our chat state lives in the same storage document.
  const conversationState = (controller as unknown as { conversationState: ConversationState }).conversationState;
  const chatState = conversationState.createProperty<ChatState>('nafidha');
  const lock = new KeyedLock();
  const defaultLang = 'ar' as const;

  const key = (channel: ChannelName, user: string) => `${channel}:${user}`;

  function inboundOf(ctx: TurnContext): InboundMessage | undefined {
    const given = ctx.turnState.get(INBOUND) as InboundMessage | undefined;
    if (given) return given;
    const a = ctx.activity;
    const data = (a.channelData ?? {}) as Record<string, unknown>;
    const location = data.location as { lat?: unknown; lon?: unknown } | undefined;
    return {
      channel: 'web',
      user: String(a.from?.id ?? ''),
      text: typeof a.text === 'string' ? a.text : '',
      location: location && typeof location.lat === 'number' && typeof location.lon === 'number' ? { lat: location.lat, lon: location.lon } : undefined,
      messageId: typeof data.id === 'string' ? data.id.slice(0, 100) : undefined,
      attachments: Array.isArray(data.attachments)
        ? data.attachments.slice(0, 5).filter((x): x is { mediaId: string; mimeType: string } => typeof x?.mediaId === 'string' && typeof x?.mimeType === 'string')
          .map((x) => ({ kind: 'image' as const, mimeType: x.mimeType, mediaId: x.mediaId }))
        : undefined,
    };
  }

  controller.on('message', async (bot: BotWorker, message: BotkitMessage) => {
    const ctx = message.context as TurnContext;
    const inbound = inboundOf(ctx)!;
    const conversation = key(inbound.channel, inbound.user);
    const state = await chatState.get(ctx, freshState(defaultLang));
    if (inbound.messageId) {
      if (state.seen.includes(inbound.messageId)) return;
      state.seen = [...state.seen.slice(-49), inbound.messageId];
    }
    let result;
    try {
      result = await responder.respond(conversation, inbound, state);
    } catch (err) {
      log(`conversation ${conversation}: ${err instanceof Error ? err.stack : err}`);
      result = { replies: [phrases.reply(state.lang, 'error')] };
    }
    state.choices = result.replies.at(-1)?.choices;
    ctx.turnState.set('nafidha.understanding', result.understanding);
    if ('forgetSince' in result && result.forgetSince !== undefined) ctx.turnState.set('nafidha.forgetSince', result.forgetSince);
    for (const reply of result.replies) await bot.say(toBotkit(reply));
  });

  // The web chat greets a newcomer once; a returning page just reconnects.
  controller.on('hello', async (bot: BotWorker, message: BotkitMessage) => {
    const ctx = message.context as TurnContext;
    const state = await chatState.get(ctx, freshState(defaultLang));
    const lang: 'ar' | 'en' = (message as { lang?: string }).lang === 'en' ? 'en' : state.lang;
    if (state.welcomed) return;
    state.welcomed = true;
    const reply = phrases.reply(lang, 'welcome', { name: deps.content.municipality.name[lang] }, phrases.menuChoices(lang));
    state.choices = reply.choices;
    await bot.say(toBotkit(reply));
  });

  /** Runs one turn: serialised per chat; the transcript, then the state, stored before any reply is returned. */
  async function turn(ctx: TurnContext, inbound: InboundMessage | undefined): Promise<void> {
    const conversation = key(inbound?.channel ?? 'web', inbound?.user ?? String(ctx.activity.from?.id));
    const sent: Reply[] = [];
    ctx.onSendActivities(async (_c, activities, next) => {
      for (const a of activities) if (a.type === ActivityTypes.Message) sent.push(fromActivity(a));
      return next();
    });
    await lock.run(conversation, async () => {
      const stateKey = conversationState.getStorageKey(ctx) as string;
      try {
        await controller.handleTurn(ctx);
        const u = ctx.turnState.get('nafidha.understanding') as { intent: string; confidence: number } | undefined;
        const at = Date.now();
        const entries: TranscriptEntry[] = [];
        if (ctx.activity.type === ActivityTypes.Message) {
          const text = cleanInput(inbound?.text ?? ctx.activity.text ?? '').slice(0, 10_000);
          entries.push({ conversation, from: 'citizen', text, at: new Date(at), intent: u?.intent, confidence: u?.confidence,
            attachments: inbound?.location ? [{ kind: 'location', ...inbound.location }] : undefined });
        }
        sent.forEach((r, i) => entries.push({ conversation, from: 'bot', text: r.text, at: new Date(at + 1 + i) }));
        const forgetSince = ctx.turnState.get('nafidha.forgetSince') as number | undefined;
        if (forgetSince !== undefined) {
          const hidden = `${phrases.t('ar', 'transcript.anonymous')} / ${phrases.t('en', 'transcript.anonymous')}`;
          for (const e of entries) { e.text = hidden; delete e.attachments; delete e.intent; delete e.confidence; }
          await deps.transcripts.redact(conversation, new Date(forgetSince), hidden);
        }
        await deps.transcripts.append(entries);
        await saves.save(stateKey);
      } finally {
        saves.forget(stateKey);
      }
    });
  }

  const logic = async (ctx: TurnContext) => {
    const user = String(ctx.activity.from?.id ?? '');
    // Web chat ids are chosen by the browser: only long random ids are accepted, so none can be guessed.
    if (ctx.activity.channelId !== 'nafidha' && !WEB_USER.test(user)) return;
    await turn(ctx, ctx.turnState.get(INBOUND));
  };

  return {
    controller,
    phrases,
    conversationKey: key,
    registerFlows(more) {
      // Several features may resume or cancel: each gets its turn, in the order registered.
      const { resume, cancel, ...rest } = more;
      Object.assign(flows, rest);
      if (resume) {
        const before = flows.resume;
        flows.resume = async (turn) => (before ? await before(turn) : undefined) ?? resume(turn);
      }
      if (cancel) {
        const before = flows.cancel;
        flows.cancel = async (turn) => ((before ? await before(turn) : false) ? (await cancel(turn), true) : cancel(turn));
      }
    },
    async handle(message) {
      const activity: Partial<Activity> = {
        type: ActivityTypes.Message, channelId: 'nafidha', timestamp: new Date(),
        conversation: { id: key(message.channel, message.user), isGroup: false, conversationType: 'personal', name: '' },
        from: { id: message.user, name: '' }, recipient: { id: 'bot', name: 'bot' }, text: message.text ?? '',
      };
      const ctx = new TurnContext(channels, activity);
      const out: Reply[] = [];
      ctx.turnState.set(OUTBOX, out);
      ctx.turnState.set(INBOUND, message);
      await channels.run(ctx, logic);
      return out;
    },
    async webhook(req, res) {
      await web.processActivity(req as never, res as never, logic);
    },
    startWebSocket(server, path) {
      web.createSocketServer(server, { path, maxPayload: 64 * 1024 }, logic);
    },
    webSender: {
      channel: 'web',
      connected: (user) => web.isConnected(user),
      async send(user, reply) {
        if (!web.isConnected(user)) throw new Error(`web chat user ${user} is not connected here`);
        web.getConnection(user).send(JSON.stringify({ type: 'message', text: reply.text, ...toBotkit(reply).channelData, ...(reply.from ? { from: reply.from } : {}) }));
      },
    },
  };
}
