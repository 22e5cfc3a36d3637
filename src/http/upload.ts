import { z } from 'zod';
import express, { type Request, type Router } from 'express';
import rateLimit, { ipKeyGenerator, type Store } from 'express-rate-limit';
import { AUDIO_TYPES, audioTypeOf, stagedUploads } from '../domain/media.js';
import { PHOTO_LIMITS, PHOTO_TYPES, photoTypeOf } from '../domain/photos.js';
import { ChatKey } from '../shared/chat.js';
import { clientError } from './input.js';

// The web chat's photo upload: raw image bytes in, a media id out; the id only works for the same chat.
// Only a chat that is filing a complaint may upload, only real JPEG/PNG/WebP bytes are kept, and each chat,
// each address and each complaint draft has a ceiling, so the database cannot be filled from outside.
// A recording (a voice note) may be sent at any time: it waits, staged, for the message that carries it, and the
// conversation decides whether staff keep it; a few at most wait per chat.

export interface UploadDeps {
  media: {
    saveWithin(conversation: string, mimeType: string, data: Buffer, since: Date, max: { photos: number; bytes: number }):
      Promise<{ ok: true; mediaId: string } | { ok: false; reason: 'busy' | 'too-many-photos' | 'too-many-bytes' }>;
  };
  /** When the web chat `user` began the complaint it is filing now; undefined when it is filing none. */
  filingSince(user: string): Promise<Date | undefined>;
  maxBytes: number;
  /** Where uploads are counted (shared by instances); in memory when absent. */
  stores?: { perChat: Store; perAddress: Store };
  limits?: Partial<typeof PHOTO_LIMITS>;
}

const WEB_USER = /^[A-Za-z0-9_-]{16,64}$/;

/** The one query field: the web chat the bytes are for. */
const UploadQuery = z.object({ user: z.string().regex(WEB_USER) });

export function uploadRoute(deps: UploadDeps): Router {
  const limits = { ...PHOTO_LIMITS, ...deps.limits };
  const router = express.Router();
  const mb = `${Math.round(deps.maxBytes / 1024 / 1024)} MB`;
  const userOf = (req: Request) => (typeof req.query.user === 'string' ? req.query.user : '');
  const perAddress = rateLimit({
    windowMs: limits.windowMs, limit: limits.uploadsPerAddress, standardHeaders: 'draft-7', legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''), ...(deps.stores ? { store: deps.stores.perAddress } : {}),
    handler: (req, res) => clientError(req, res, 429, 'too-many-uploads', 'too many photos from this address; try again in a few minutes'),
  });
  const perChat = rateLimit({
    windowMs: limits.windowMs, limit: limits.uploadsPerChat, standardHeaders: 'draft-7', legacyHeaders: false,
    keyGenerator: (req) => `web:${userOf(req)}`, ...(deps.stores ? { store: deps.stores.perChat } : {}),
    handler: (req, res) => clientError(req, res, 429, 'too-many-uploads', 'too many photos from this chat; try again in a few minutes'),
  });
  const readPhoto = express.raw({ type: () => true, limit: deps.maxBytes });

  const declaredOf = (req: Request) => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const isAudio = (req: Request) => (AUDIO_TYPES as readonly string[]).includes(declaredOf(req));

  router.post('/', (req, res, next) => {
    if (!UploadQuery.safeParse(req.query).success) { clientError(req, res, 400, 'missing-user', 'add ?user=<the web chat id>'); return; }
    next();
  }, perAddress, perChat, (req, res, next) => {
    if (!isAudio(req)) { next(); return; }
    if (Number(req.headers['content-length'] ?? 0) > deps.maxBytes) { clientError(req, res, 413, 'audio-too-large', `recordings up to ${mb}`); return; }
    readPhoto(req, res, (err?: unknown) => {
      if (err) { next(err); return; }
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const actual = audioTypeOf(bytes);
      if (!actual) { clientError(req, res, 415, 'not-audio', `send a recording (WebM, Ogg, MP3, M4A or WAV) up to ${mb}`); return; }
      const since = new Date(Date.now() - limits.windowMs);
      deps.media.saveWithin(stagedUploads(ChatKey.of('web', userOf(req))), actual, bytes, since, { photos: 3, bytes: 3 * deps.maxBytes })
        .then((saved) => {
          if (saved.ok) { res.status(201).json({ mediaId: saved.mediaId, kind: 'audio', mimeType: actual }); return; }
          clientError(req, res, 429, saved.reason === 'busy' ? 'upload-in-progress' : 'too-many-uploads', 'send the recordings you made first, or wait a few minutes');
        }, next);
    });
  }, (req, res, next) => {
    const declared = declaredOf(req);
    if (!(PHOTO_TYPES as readonly string[]).includes(declared)) { clientError(req, res, 415, 'not-a-photo', `send a JPEG, PNG or WebP photo up to ${mb}`); return; }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > deps.maxBytes) { clientError(req, res, 413, 'photo-too-large', `photos up to ${mb}`); return; }
    deps.filingSince(userOf(req)).then((since) => {
      if (!since) { clientError(req, res, 409, 'not-filing-a-complaint', 'photos are added while filing a complaint'); return; }
      res.locals.filingSince = since;
      next();
    }, next);
  }, readPhoto, (req, res, next) => {
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const declared = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const actual = photoTypeOf(bytes);
    if (!actual || actual !== declared) { clientError(req, res, 415, 'not-a-photo', `send a JPEG, PNG or WebP photo up to ${mb}`); return; }
    deps.media.saveWithin(`web:${userOf(req)}`, actual, bytes, res.locals.filingSince as Date, { photos: limits.photosPerDraft, bytes: limits.bytesPerDraft })
      .then((saved) => {
        if (saved.ok) { res.status(201).json({ mediaId: saved.mediaId }); return; }
        if (saved.reason === 'busy') { clientError(req, res, 429, 'upload-in-progress', 'one photo at a time, please'); return; }
        clientError(req, res, 413, saved.reason, `a complaint takes up to ${limits.photosPerDraft} photos, ${Math.round(limits.bytesPerDraft / 1024 / 1024)} MB in all`);
      }, next);
  });
  return router;
}
