// Wires content, database, domain, conversation and HTTP together; used by main.ts and by the tests' server.
import express, { type RequestHandler, type Router } from 'express';
import type { Config } from './config.js';
import type { Content } from './content/load.js';
import { createAssistant, type Assistant } from './conversation/assistant.js';
import { citizenFlows } from './conversation/flows/index.js';
import type { ChannelSender } from './conversation/types.js';
import { MongoApplicationStore } from './db/applications.js';
import { MongoBotStorage } from './db/bot-storage.js';
import { MongoComplaintStore } from './db/complaints.js';
import type { Database } from './db/connection.js';
import { MongoLookupThrottleStore } from './db/lookup-throttle.js';
import { IMAGE_TYPES, MAX_MEDIA_BYTES, MongoMediaStore } from './db/media.js';
import { MongoOutboxStore } from './db/notifications.js';
import { MongoSuggestionStore } from './db/suggestions.js';
import { MongoTranscriptStore } from './db/transcripts.js';
import { ApplicationService } from './domain/applications.js';
import { ComplaintService } from './domain/complaints.js';
import { loadNotificationTexts, type NotificationTexts } from './domain/notification-texts.js';
import { NotificationDispatcher } from './domain/notifications.js';
import { StatusLookup } from './domain/status-lookup.js';
import { SuggestionService } from './domain/suggestions.js';
import { createOpen311Router } from './http/open311.js';
import { createApp } from './http/server.js';
import { Understander } from './understanding/understand.js';

export interface Nafidha {
  assistant: Assistant;
  texts: NotificationTexts;
  complaints: ComplaintService;
  applications: ApplicationService;
  suggestions: SuggestionService;
  lookup: StatusLookup;
  media: MongoMediaStore;
  outbox: MongoOutboxStore;
  /**
   * Delivers the outbox through `senders`: status notifications, and (as the handoff's CitizenOutbox) live staff
   * messages, which it sends as soon as they are stored.
   */
  dispatcher: NotificationDispatcher;
  transcripts: MongoTranscriptStore;
  /** Channel senders by name; channels add theirs before `app()` is called. */
  senders: ChannelSender[];
  mounts: Array<{ path: string; router: Router | RequestHandler }>;
  app(): express.Express;
  /** Starts background work (the dispatcher's polling). */
  start(): void;
  stop(): Promise<void>;
}

export function composeNafidha(opts: { config: Pick<Config, 'knowledgeDir' | 'open311Keys'>; content: Content; db: Database; understander?: Understander; log?: (l: string) => void; dispatchIntervalMs?: number }): Nafidha {
  const { content, db, config } = opts;
  const log = opts.log ?? ((l: string) => console.log(l));
  const conn = db.connection;
  const texts = loadNotificationTexts(config.knowledgeDir);
  const transcripts = new MongoTranscriptStore(conn);
  const outbox = new MongoOutboxStore(conn);
  const complaintStore = new MongoComplaintStore(conn);
  const applicationStore = new MongoApplicationStore(conn);
  const suggestionStore = new MongoSuggestionStore(conn);
  const media = new MongoMediaStore(conn);
  const complaints = new ComplaintService({ store: complaintStore, outbox, texts, rules: { categories: content.categories, municipality: content.municipality, departments: content.departments } });
  const applications = new ApplicationService({ store: applicationStore, outbox, texts, rules: { services: content.services, municipality: content.municipality } });
  const suggestions = new SuggestionService({ store: suggestionStore });
  const lookup = new StatusLookup({ complaints: complaintStore, applications: applicationStore, suggestions: suggestionStore, throttle: new MongoLookupThrottleStore(conn) });

  const assistant = createAssistant({
    content, understander: opts.understander ?? new Understander(content), storage: new MongoBotStorage(conn), transcripts, log,
  });
  assistant.registerFlows(citizenFlows({ content, phrases: assistant.phrases, texts, complaints, suggestions, lookup, media }));

  const senders: ChannelSender[] = [assistant.webSender];
  const mounts: Nafidha['mounts'] = [
    { path: '/open311/v2', router: createOpen311Router({ complaints, store: complaintStore, categories: content.categories, departments: content.departments, apiKeys: config.open311Keys, texts, timeZone: content.municipality.timezone }) },
    { path: '/chat/upload', router: uploadRoute(media) },
  ];
  // Polls for what was not sent at once: retries, messages another instance stored, web chats that reconnect.
  const dispatcher = new NotificationDispatcher({ store: outbox, senders, intervalMs: opts.dispatchIntervalMs ?? 300, log });

  return {
    assistant, texts, complaints, applications, suggestions, lookup, media, outbox, dispatcher, transcripts, senders, mounts,
    app: () => createApp({ assistant, mounts, log }),
    start() { dispatcher.start(); },
    async stop() { await dispatcher.stop(); },
  };
}

/** The web chat's photo upload: raw image bytes in, a media id out; the id only works for the same chat. */
function uploadRoute(media: MongoMediaStore): Router {
  const router = express.Router();
  router.post('/', express.raw({ type: IMAGE_TYPES, limit: MAX_MEDIA_BYTES }), async (req, res, next) => {
    try {
      const user = typeof req.query.user === 'string' ? req.query.user : '';
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(user)) { res.status(400).json({ error: 'missing user' }); return; }
      if (!Buffer.isBuffer(req.body) || !req.body.length) { res.status(415).json({ error: 'send a JPEG, PNG or WebP photo' }); return; }
      const mediaId = await media.save(`web:${user}`, String(req.headers['content-type']), req.body);
      res.status(201).json({ mediaId });
    } catch (err) { next(err); }
  });
  router.use(((err, _req, res, next) => {
    if ((err as { type?: string }).type === 'entity.too.large') { res.status(413).json({ error: `photos up to ${MAX_MEDIA_BYTES / 1024 / 1024} MB` }); return; }
    next(err);
  }) as express.ErrorRequestHandler);
  return router;
}
