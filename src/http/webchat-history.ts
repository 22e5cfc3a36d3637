import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import { ChatKey } from '../shared/chat.js';
import type { Choice } from '../shared/message.js';
import type { TranscriptStore } from '../domain/transcript.js';
import type { Lang } from '../shared/lang.js';
import { clientError, jsonBody, parseBody, shaped } from './input.js';

// The web chat's own identity and memory. The server opens each chat: a random id (which staff see, as the
// chat's name) and a separate random key that only the browser holds. Reading the chat's history back needs both,
// so an id seen in the console, in a log, or guessed reads nothing.

export interface WebChatHistoryDeps {
  keys: { create(user: string, key: string): Promise<boolean>; verify(user: string, key: string): Promise<boolean> };
  transcripts: Pick<TranscriptStore, 'list'>;
  /** The chat's language and the buttons of its last reply, from its state. */
  state(chatKey: string): Promise<{ lang?: string; choices?: Choice[] } | undefined>;
  /** The languages the municipality answers in (municipality.yaml): the page's language button goes round them. */
  languages: readonly Lang[];
  /** Attempts per address per window (both routes together). */
  limit?: number;
}

const WEB_USER = /^[A-Za-z0-9_-]{16,64}$/;
const HistoryRequest = z.strictObject({ user: z.string().regex(WEB_USER), key: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
/** What the citizen saw: their lines, the assistant's and staff's. Staff notes and system lines stay in the console. */
const SHOWN = new Set(['citizen', 'bot', 'staff']);
const Opened = z.strictObject({ user: z.string().regex(WEB_USER), key: z.string() });
/** The chat as the browser redraws it: who said what and when (no staff names, notes or intents), and the last buttons. */
const History = z.strictObject({
  lines: z.array(z.strictObject({ from: z.enum(['citizen', 'bot', 'staff']), text: z.string(), at: z.union([z.date(), z.string()]) })),
  choices: z.array(z.strictObject({ title: z.string(), payload: z.string() })),
  lang: z.enum(['ar', 'en', 'fr']).optional(),
});
const LINES = 200;
/** What the page needs to know before it greets: which languages it may be shown in. */
const ChatConfig = z.object({ languages: z.array(z.enum(['ar', 'en', 'fr'])).min(1) }).strict();

export function webChatHistoryRoutes(deps: WebChatHistoryDeps): Router {
  const router = express.Router();
  // Only these two routes are counted (the router is mounted at /chat, where the page's own files are served too).
  const limited = rateLimit({
    windowMs: 60_000, limit: deps.limit ?? 120, standardHeaders: 'draft-7', legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    handler: (req, res) => clientError(req, res, 429, 'too-many-requests', 'too many requests from this address; try again in a minute'),
  });

  // The same for every visitor and public: cached briefly, not counted against the address.
  router.get('/config', (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json(ChatConfig.parse({ languages: deps.languages }));
  });

  router.post('/session', limited, async (_req, res, next) => {
    try {
      for (let i = 0; i < 3; i++) {
        const user = `w${randomBytes(18).toString('base64url')}`; // OPENED_WEB_CHAT's shape
        const key = randomBytes(32).toString('base64url');
        if (await deps.keys.create(user, key)) { res.status(201).set('cache-control', 'no-store').json(shaped(Opened, { user, key }, 'POST /chat/session')); return; }
      }
      throw new Error('could not open a web chat');
    } catch (err) { next(err); }
  });

  router.post('/history', limited, jsonBody('2kb'), async (req, res, next) => {
    const asked = parseBody(HistoryRequest, req, res, 'expected {"user":"<chat id>","key":"<chat key>"}');
    if (!asked) return;
    try {
      // The same answer for an unknown chat and a wrong key: neither says whether the id exists.
      if (!(await deps.keys.verify(asked.user, asked.key))) { clientError(req, res, 403, 'not-your-chat', 'this key does not open that chat'); return; }
      const chat = ChatKey.of('web', asked.user);
      const [lines, state] = await Promise.all([deps.transcripts.list(chat, LINES), deps.state(chat)]);
      res.set('cache-control', 'no-store').json(shaped(History, {
        lines: lines.filter((l) => SHOWN.has(l.from)).map((l) => ({ from: l.from as 'citizen' | 'bot' | 'staff', text: l.text, at: l.at })),
        choices: (state?.choices ?? []).map((c) => ({ title: c.label, payload: c.value })),
        lang: state?.lang && (deps.languages as readonly string[]).includes(state.lang) ? state.lang as Lang : undefined,
      }, 'POST /chat/history'));
    } catch (err) { next(err); }
  });
  return router;
}
