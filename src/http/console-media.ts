import express, { type Router } from 'express';
import type { Handoff } from '../domain/handoff.js';
import type { StaffStore } from '../domain/staff.js';
import { z } from 'zod';
import { refuse, SENT, staffRoutes } from './staff-route.js';

export interface ConversationMedia {
  listFor(conversation: string): Promise<Array<{ _id: string; mimeType: string; size: number; createdAt: Date }>>;
  get(id: string): Promise<{ conversation: string; mimeType: string; data: Buffer } | null>;
}

export interface ConsoleMediaDeps {
  staff: StaffStore;
  handoffs: { get(id: string): Promise<Handoff | null> };
  media: ConversationMedia;
  audit: { record(entry: { who: string; what: string; target?: string; detail?: string }): Promise<void> };
}

// Played in the page only for what a browser plays safely; anything else is a download (never rendered as HTML).
const INLINE = /^(audio|video)\/[a-z0-9.+-]+(;[ a-z0-9=.+-]*)?$/i;

/**
 * What a citizen sent in a handed-off conversation besides text (voice notes, videos, files), for the
 * staff who can open that conversation: listed beside the transcript and streamed through the session, never
 * from a public URL. Each playback is audited.
 */
export function consoleMediaApi(deps: ConsoleMediaDeps): Router {
  const router = express.Router();
  const staffRoute = staffRoutes(deps.staff);
  const Id = z.object({ id: z.string().min(1).max(100) });

  const MediaList = z.object({ media: z.array(z.object({ id: z.string(), mimeType: z.string(), size: z.number(), at: z.union([z.date(), z.string()]) })) });
  router.get('/conversations/:id/media', ...staffRoute('agent', { params: Id, output: MediaList }, async ({ params }) => {
    const handoff = await deps.handoffs.get(params.id);
    if (!handoff) return refuse(404, 'not-found');
    // Photos belong to complaints, whose views decide who sees them; here only what was sent for staff.
    const items = (await deps.media.listFor(handoff.conversation)).filter((m) => !m.mimeType.startsWith('image/'));
    return { media: items.map((m) => ({ id: m._id, mimeType: m.mimeType, size: m.size, at: m.createdAt })) };
  }));

  router.get('/conversations/:id/media/:mediaId', ...staffRoute('agent', { params: Id.extend({ mediaId: z.string().min(1).max(100) }) }, async ({ staff, params, res }) => {
    const handoff = await deps.handoffs.get(params.id);
    const item = handoff ? await deps.media.get(params.mediaId) : null;
    if (!handoff || !item || item.conversation !== handoff.conversation || item.mimeType.startsWith('image/')) return refuse(404, 'not-found');
    await deps.audit.record({ who: staff.username, what: 'media-open', target: handoff.id, detail: params.mediaId });
    const inline = INLINE.test(item.mimeType);
    // setHeader, not res.set: express would add a text charset to the stored type.
    res.setHeader('content-type', inline ? item.mimeType : 'application/octet-stream');
    res.setHeader('content-disposition', inline ? 'inline' : `attachment; filename="${params.mediaId}"`);
    res.setHeader('cache-control', 'private, no-store');
    res.end(item.data);
    return SENT;
  }));

  return router;
}
