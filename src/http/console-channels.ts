import express, { type Router } from 'express';
import type { ChannelOverview } from '../shared/channel-overview.js';
import type { TemplateDelivery } from '../domain/template-deliveries.js';
import type { StaffStore } from '../domain/staff.js';
import { z } from 'zod';
import { staffRoutes } from './staff-route.js';

// The admins' view of the channels: the WhatsApp Web link (QR code, state, linked phone), Telegram, and the messages
// the WhatsApp Cloud API had to send as the approved template. Read-only, so nothing here is audited.

export interface ChannelsApiDeps {
  staff: StaffStore;
  /** This instance's channels now; everything reads as off when absent (a console without channels). */
  overview?: () => ChannelOverview;
  templates: { latest(limit?: number, filter?: { user?: string; since?: Date }): Promise<TemplateDelivery[]> };
}

const OFF: ChannelOverview = { telegram: { on: false }, whatsappCloud: { on: false } };
const QR_IMAGE = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;

export function channelsApi(deps: ChannelsApiDeps): Router {
  const router = express.Router();

  const staffRoute = staffRoutes(deps.staff);
  const At = z.union([z.date(), z.string()]);
  const Overview = z.object({
    now: At,
    whatsappWeb: z.object({ on: z.boolean(), state: z.string().optional(), since: At.optional(), phone: z.string().optional(), qr: z.string().regex(QR_IMAGE).optional(), loggedOutAt: At.optional() }),
    whatsappCloud: z.object({ on: z.boolean(), templates: z.array(z.object({ user: z.string(), template: z.string(), at: At, messages: z.number() })) }),
    telegram: z.object({ on: z.boolean() }),
  });
  router.get('/channels', ...staffRoute('admin', { output: Overview }, async () => {
    const o = deps.overview?.() ?? OFF;
    const wa = o.whatsappWeb;
    const templates = await deps.templates.latest(50);
    return {
      now: new Date(),
      whatsappWeb: wa
        ? {
          on: true, state: wa.state, since: wa.since, phone: wa.state === 'ready' ? wa.phone : undefined,
          // Only an image we made ourselves, and only while it is the one to scan.
          qr: wa.state === 'qr' && wa.qr && QR_IMAGE.test(wa.qr) ? wa.qr : undefined,
          loggedOutAt: wa.state === 'ready' ? undefined : wa.loggedOutAt,
        }
        : { on: false },
      whatsappCloud: { ...o.whatsappCloud, templates: templates.map((t) => ({ user: t.user, template: t.template, at: t.at, messages: t.messageIds.length })) },
      telegram: o.telegram,
    };
  }));

  return router;
}
