import express, { type Express, type RequestHandler, type Router } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import helmet from 'helmet';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { errorHandler, jsonBody, parseBody, requestId } from './input.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEBCHAT_DIR = path.resolve(here, '../channels/webchat/public');

export interface HttpDeps {
  /** The web chat's webhook mode (the channel speaks its protocol). */
  webchat: { webhook(req: unknown, res: unknown): Promise<void> };
  /** Extra routers mounted by path (Open311, console API, channel webhooks). */
  mounts?: Array<{ path: string; router: Router | RequestHandler }>;
  /** What /healthz reports (a bounded database ping); always healthy when absent. */
  health?: () => Promise<{ ok: boolean; database: 'up' | 'down' }>;
  /** True for errors that mean the database is unreachable: answered 503, not 500. */
  unavailable?: (err: unknown) => boolean;
  /** The server's log (HTTP error lines: route, status, request id; never what the client sent). */
  log?: (line: string) => void;
  /** Websites that may show the web chat in a frame (the widget); `*` for any. */
  embedOrigins?: string[];
}

// The webhook's own fields; botkit reads the rest (channelData, id).
const WebhookMessage = z.looseObject({
  type: z.string().max(40),
  user: z.string().max(200),
  text: z.string().max(10_000).optional(),
});

/** Routes only parse, call the core or domain, and respond. */
export function createApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestId);
  const directives = { 'default-src': ["'self'"], 'connect-src': ["'self'", 'ws:', 'wss:'], 'img-src': ["'self'", 'data:', 'blob:'], 'media-src': ["'self'", 'blob:'], 'script-src': ["'self'"], 'style-src': ["'self'"] };
  app.use(helmet({ contentSecurityPolicy: { directives }, crossOriginEmbedderPolicy: false }));
  // The chat page may be framed by the websites that embed the widget; every other page (the console) never.
  const embedders = deps.embedOrigins ?? [];
  const chatPolicy = helmet.contentSecurityPolicy({ directives: { ...directives, 'frame-ancestors': ["'self'", ...embedders] } });
  const chatPage: RequestHandler = (req, res, next) => {
    if (embedders.length) res.removeHeader('x-frame-options');
    chatPolicy(req, res, next);
  };
  // widget.js is loaded by <script> from other origins: it is public and carries no data.
  app.get('/chat/widget.js', (_req, res, next) => { res.set({ 'cross-origin-resource-policy': 'cross-origin', 'access-control-allow-origin': '*' }); next(); });
  app.get('/healthz', (_req, res, next) => {
    (deps.health?.() ?? Promise.resolve({ ok: true, database: 'up' as const })).then((h) => { res.set('cache-control', 'no-store').status(h.ok ? 200 : 503).json(h); }, next);
  });

  for (const m of deps.mounts ?? []) app.use(m.path, m.router);

  // The web chat's webhook mode, for scripted clients and the benchmark.
  const webhookLimit = rateLimit({ windowMs: 10_000, limit: 200, standardHeaders: 'draft-7', legacyHeaders: false,
    keyGenerator: (req) => {
      const user = (req.body as { user?: unknown })?.user;
      return typeof user === 'string' ? `u:${user}` : ipKeyGenerator(req.ip ?? '');
    } });
  app.post('/api/messages', jsonBody('64kb'), webhookLimit, (req, res, next) => {
    if (!parseBody(WebhookMessage, req, res, 'expected {"type":"message","user":"<16-64 chars [A-Za-z0-9_-]>","text":"..."}')) return;
    deps.webchat.webhook(req, res).catch(next);
  });

  app.use('/chat', express.static(WEBCHAT_DIR, { index: false }));
  app.get('/', chatPage, (_req, res) => { res.sendFile(path.join(WEBCHAT_DIR, 'index.html')); });
  app.use(((err, _req, res, next) => {
    if (!deps.unavailable?.(err)) { next(err); return; }
    if (!res.headersSent) res.status(503).json({ error: 'database unavailable, try again in a moment' });
  }) as express.ErrorRequestHandler);
  app.use(errorHandler(deps.log));
  return app;
}
