// Wires content, database, domain, conversation and HTTP together; used by main.ts and by the tests' server.
import type express from 'express';
import type { Config } from '../config.js';
import type { Content } from '../content/load.js';
import { createKernel, type Kernel } from '../conversation/kernel.js';
import { createWebChat, type WebChat } from '../channels/webchat/index.js';
import { citizenFlows } from '../conversation/flows/index.js';
import { ChatKey } from '../shared/chat.js';
import type { ChannelSender } from '../shared/message.js';
import type { MongoChatStates } from '../db/chat-states.js';
import { complaintDraft, upgradeState } from '../conversation/state.js';
import { ChannelSet, type ChannelFactory, type Mount } from './channels.js';
import { createStores, type Stores } from './stores.js';
import { createServices } from './services.js';
import type { BookingService } from '../domain/bookings.js';
import { countingConversations } from '../db/conversation-days.js';
import { isDatabaseUnavailable, type Database } from '../db/connection.js';
import { MAX_MEDIA_BYTES, type MongoMediaStore } from '../db/media.js';
import type { TranscriptStore } from '../domain/transcript.js';
import type { MongoOutboxStore } from '../db/notifications.js';
import { ApplicationService } from '../domain/applications.js';
import { ComplaintService } from '../domain/complaints.js';
import type { NotificationTexts } from '../domain/notification-texts.js';
import { NotificationDispatcher } from '../domain/notifications.js';
import { StatusLookup } from '../domain/status-lookup.js';
import { SuggestionService } from '../domain/suggestions.js';
import { createOpen311Router } from '../http/open311.js';
import { createApp } from '../http/server.js';
import { uploadRoute } from '../http/upload.js';
import { webChatHistoryRoutes } from '../http/webchat-history.js';
import { Understander } from '../understanding/understand.js';

export interface Nafidha {
  /** Every repository, made once (src/app/stores.ts). */
  stores: Stores;
  kernel: Kernel;
  webchat: WebChat;
  texts: NotificationTexts;
  complaints: ComplaintService;
  applications: ApplicationService;
  suggestions: SuggestionService;
  bookings: BookingService;
  lookup: StatusLookup;
  media: MongoMediaStore;
  outbox: MongoOutboxStore;
  /**
   * Delivers the outbox through `senders`: status notifications, and (as the handoff's CitizenOutbox) live staff
   * messages, which it sends as soon as they are stored.
   */
  dispatcher: NotificationDispatcher;
  transcripts: TranscriptStore;
  /** The citizen channels that are on besides the web chat (src/app/channels.ts); started once the server listens. */
  channels: ChannelSet;
  /** Every channel's sender, the web chat's first. */
  readonly senders: readonly ChannelSender[];
  /** Open311, the web chat upload and the channels' webhooks. */
  readonly mounts: readonly Mount[];
  /** The HTTP app with these routes and `more` (the console). */
  app(more?: Mount[]): express.Express;
  /** Starts background work (the dispatcher's polling). */
  start(): void;
  /** Stops the channels and the background work. */
  stop(): Promise<void>;
}

export interface ComposeOptions {
  config: Pick<Config, 'knowledgeDir' | 'open311Keys' | 'webchatEmbedOrigins'>;
  content: Content;
  db: Database;
  understander?: Understander;
  log?: (l: string) => void;
  dispatchIntervalMs?: number;
  /** The channel table (`channelTable(config)` in main.ts; tests give their own rows). */
  channels?: ChannelFactory[];
  /** More senders; one for a channel that already has one takes its place (tests record what citizens receive). */
  senders?: ChannelSender[];
}

export function composeNafidha(opts: ComposeOptions): Nafidha {
  const { content, db, config } = opts;
  const log = opts.log ?? ((l: string) => console.log(l));
  const stores = createStores(db.connection, content.municipality.timezone);
  const texts = content.notifications;
  const { transcripts, outbox, media, complaints: complaintStore } = stores;
  const { complaints, applications, suggestions, bookings, lookup } = createServices(stores, content);

  // Every line written (the assistant's and staff's) also feeds the dashboard's counters.
  const counted = countingConversations(transcripts, stores.conversationDays, log,
    { counters: stores.counters, timeZone: content.municipality.timezone, staffLine: (conversation, at) => stores.handoffs.staffLine(conversation, at) });
  const kernel = createKernel({
    content, understander: opts.understander ?? new Understander(content), states: stores.chatStates, log,
    transcripts: counted,
  });
  kernel.use(citizenFlows({ content, phrases: kernel.phrases, texts, complaints, suggestions, lookup, media, bookings }));
  const webchat = createWebChat(kernel, { keys: stores.webchatKeys, staged: media });
  const channels = new ChannelSet((opts.channels ?? []).flatMap((make) => make({ kernel, stores, log }) ?? []), log);

  // The dispatcher takes the last sender of a channel: given ones after the channels' own.
  const senders: ChannelSender[] = [webchat.sender, ...channels.channels.map((c) => c.sender), ...(opts.senders ?? [])];
  const mounts: Mount[] = [
    ...channels.channels.flatMap((c) => c.routes ?? []),
    { path: '/open311/v2', router: createOpen311Router({ complaints, store: complaintStore, categories: content.categories, departments: content.departments, apiKeys: config.open311Keys, texts, timeZone: content.municipality.timezone, contact: content.municipality.phone }) },
    { path: '/chat/upload', router: uploadRoute({ media, maxBytes: MAX_MEDIA_BYTES, filingSince: (user) => webComplaintSince(stores.chatStates, user),
      stores: { perChat: stores.limits.uploadPerChat, perAddress: stores.limits.uploadPerAddress } }) },
    { path: '/chat', router: webChatHistoryRoutes({ keys: stores.webchatKeys, transcripts, state: (chat) => stores.chatStates.read(chat), languages: content.municipality.languages }) },
  ];
  // Polls for what was not sent at once: retries, messages another instance stored, web chats that reconnect.
  const dispatcher = new NotificationDispatcher({ store: outbox, senders, intervalMs: opts.dispatchIntervalMs ?? 300, log, digits: content.municipality.digits });

  const reminders = reminderSweep(bookings, log);

  return {
    stores, kernel, webchat, texts, complaints, applications, suggestions, bookings, lookup, media, outbox, dispatcher, transcripts: counted, senders, mounts, channels,
    app: (more = []) => createApp({ webchat, mounts: [...mounts, ...more], log, unavailable: isDatabaseUnavailable, embedOrigins: config.webchatEmbedOrigins,
      health: async () => ((await db.ping(1_500)) ? { ok: true, database: 'up' } : { ok: false, database: 'down' }) }),
    start() { dispatcher.start(); reminders.start(); },
    async stop() { await channels.stop(); webchat.close(); reminders.stop(); await dispatcher.stop(); await stores.settled(); },
  };
}

/**
 * When the web chat `user` began the complaint it is filing, from its chat state as botkit keeps it (one state per
 * web chat mode, websocket or webhook).
 */
async function webComplaintSince(states: MongoChatStates, user: string): Promise<Date | undefined> {
  const stored = await states.read(ChatKey.of('web', user));
  const draft = stored && complaintDraft(upgradeState(stored));
  return draft ? new Date(draft.startedAt ?? 0) : undefined;
}

/** Looks for due appointment reminders every minute; each is queued once whichever instance finds it. */
function reminderSweep(bookings: BookingService, log: (l: string) => void, everyMs = 60_000) {
  let timer: NodeJS.Timeout | undefined;
  const sweep = () => { bookings.sendDueReminders().catch((err: unknown) => log(`booking reminders: ${err instanceof Error ? err.message : String(err)}`)); };
  return {
    start() { timer ??= setInterval(sweep, everyMs); timer.unref(); sweep(); },
    stop() { if (timer) clearInterval(timer); timer = undefined; },
  };
}
