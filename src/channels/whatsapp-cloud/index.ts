import express, { type Router } from 'express';
import { KeyedLock } from '../../conversation/keyed-lock.js';
import type { ChannelSender, Reply } from '../../shared/message.js';
import type { Lang } from '../../text/language.js';
import { describeError, type ConversationCore, type Log } from '../port.js';
import { RecentIds } from '../recent-ids.js';
import { GraphError, graphClient } from './graph.js';
import { identityResolver, type KnownIdentities } from './identity.js';
import { contactOf, messageToInbound, readDelivery, type CloudChange } from './inbound.js';
import { LIST_BUTTON, replyMessages, templateMessage, type GraphMessage } from './outbound.js';
import { sameText, validSignature } from './signature.js';
import { insideWindow, type CustomerServiceWindows } from './window.js';

export { DEFAULT_API_VERSION, DEFAULT_GRAPH_ROOT } from './graph.js';
export type { KnownIdentities } from './identity.js';
export { LIMITS } from './outbound.js';
export type { CustomerServiceWindows } from './window.js';

// Meta's answer when a free-form message is sent outside the 24-hour window.
const OUTSIDE_WINDOW = 131047;

/** The approved template used outside the 24-hour window when none is configured. */
export const DEFAULT_TEMPLATE = 'nafidha_update';

export interface WhatsAppCloudOptions {
  verifyToken: string;
  appSecret: string;
  token: string;
  phoneNumberId: string;
  graphRoot?: string;
  /** The Graph API version (WHATSAPP_CLOUD_API_VERSION); a current one by default. */
  apiVersion?: string;
  core: ConversationCore;
  log: Log;
  /** Where each citizen's last message time is kept (src/db/channel-windows.ts). */
  windows: CustomerServiceWindows;
  /** Which phone number each business-scoped user id came with (src/db/channel-windows.ts). */
  identities: KnownIdentities;
  /** The approved template for messages outside the 24-hour window (WHATSAPP_CLOUD_TEMPLATE). */
  templateName?: string;
  templateLanguages?: Record<Lang, string>;
  listButton?: Record<Lang, string>;
  /** Told each time a message had to go as a template, so the console can say so. */
  onTemplate?: (delivery: CloudDelivery) => void;
}

/** How a message reached the citizen: freely inside the window, or as the approved template outside it. */
export interface CloudDelivery {
  user: string;
  via: 'session' | 'template';
  template?: string;
  messageIds: string[];
}

export interface WhatsAppCloudSender extends ChannelSender {
  /** Like send, and says whether the message went freely or as the template. */
  deliver(user: string, reply: Reply): Promise<CloudDelivery>;
}

export interface WhatsAppCloudChannel {
  /** Mount at the webhook path configured in Meta's app dashboard, before any JSON body parser. */
  router: Router;
  sender: WhatsAppCloudSender;
  /** Resolves when every received message has been answered. */
  idle(): Promise<void>;
}

export function createWhatsAppCloudRouter(options: WhatsAppCloudOptions): WhatsAppCloudChannel {
  const { core, log, windows } = options;
  const graph = graphClient(options);
  const templateName = options.templateName ?? DEFAULT_TEMPLATE;
  const languages = options.templateLanguages ?? { ar: 'ar', en: 'en', fr: 'fr' };
  const queues = new KeyedLock();
  const seen = new RecentIds();
  const chatKey = identityResolver(options.identities);
  const working = new Set<Promise<unknown>>();

  const download = async (mediaId: string) => (await graph.download(mediaId)).bytes;

  /** Sends messages to one citizen in order (a reply may be several messages). */
  function sendAll(user: string, messages: GraphMessage[]): Promise<string[]> {
    return queues.run(`out:${user}`, async () => {
      const ids: string[] = [];
      for (const m of messages) ids.push((await graph.send(user, m)) ?? '');
      return ids;
    });
  }

  async function sendTemplate(user: string, reply: Reply, why: string): Promise<CloudDelivery> {
    const ids = await sendAll(user, [templateMessage(reply, templateName, languages)]);
    const delivery: CloudDelivery = { user, via: 'template', template: templateName, messageIds: ids };
    log(`WhatsApp Cloud: ${user} ${why}; the message went as the approved template '${templateName}'.`);
    options.onTemplate?.(delivery);
    return delivery;
  }

  const sender: WhatsAppCloudSender = {
    channel: 'whatsapp-cloud',
    async send(user, reply) {
      await sender.deliver(user, reply);
    },
    async deliver(user, reply) {
      const last = await windows.lastInbound(user);
      if (!insideWindow(last)) return sendTemplate(user, reply, last ? `last wrote ${last.toISOString()}, over 24 hours ago` : 'has not written to this number yet');
      try {
        return { user, via: 'session', messageIds: await sendAll(user, replyMessages(reply, options.listButton ?? LIST_BUTTON)) };
      } catch (err) {
        if (err instanceof GraphError && err.code === OUTSIDE_WINDOW) return sendTemplate(user, reply, 'is outside the 24-hour window (Meta says so)');
        throw err;
      }
    },
  };

  /** Every message and status of one change, each on its own: one that fails is logged and the rest go on. */
  function receiveChange(change: CloudChange): void {
    if (change.phoneNumberId && change.phoneNumberId !== options.phoneNumberId) return;
    for (const s of change.statuses) {
      if (s.status === 'failed') log(`WhatsApp Cloud: message ${s.id} to ${s.recipient_id ?? s.recipient_user_id ?? 'an unnamed recipient'} failed: ${s.errors?.map((e) => `${e.code} ${e.title ?? e.message ?? ''}`).join('; ')}`);
    }
    for (const m of change.messages) {
      if (!seen.first(m.id)) continue; // Meta redelivers until it gets a 200
      const at = m.timestamp ? new Date(Math.min(Number(m.timestamp) * 1000, Date.now())) : new Date();
      const contact = contactOf(m, change.contacts);
      // Queued by the sender's id as sent, at once, so one citizen's messages keep their order.
      const turn = queues.run(`in:${m.from ?? m.from_user_id}`, async () => {
        const user = await chatKey(m.from ?? contact?.wa_id, m.from_user_id ?? contact?.user_id);
        const inbound = messageToInbound(m, user, contact?.profile?.name ?? contact?.profile?.username, download);
        if (!inbound) {
          log(`WhatsApp Cloud: skipped message ${m.id} of type '${m.type}', which the assistant does not read.`);
          return;
        }
        await windows.touch(user, at);
        const replies = await core.handle(inbound);
        for (const reply of replies) await sendAll(user, replyMessages(reply, options.listButton ?? LIST_BUTTON));
      }).catch((err) => log(`WhatsApp Cloud: the message ${m.id} was not answered: ${describeError(err)}`));
      working.add(turn);
      void turn.finally(() => working.delete(turn));
    }
  }

  const router = express.Router();
  // Meta's subscription handshake.
  router.get('/', (req, res) => {
    if (req.query['hub.mode'] === 'subscribe' && sameText(req.query['hub.verify_token'], options.verifyToken)) {
      res.type('text/plain').send(String(req.query['hub.challenge'] ?? ''));
      return;
    }
    res.sendStatus(403);
  });
  // The signature covers the exact bytes Meta sent, so this route reads the raw body itself.
  router.post('/', express.raw({ type: '*/*', limit: '3mb' }), (req, res) => {
    if (!Buffer.isBuffer(req.body)) {
      log('WhatsApp Cloud: the webhook body was parsed before the signature check; mount the router before express.json().');
      res.sendStatus(500);
      return;
    }
    if (!validSignature(req.body, req.get('x-hub-signature-256'), options.appSecret)) {
      res.sendStatus(401);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    // Acknowledge at once: Meta retries anything slower or not 200; answers go out through the Graph API.
    res.sendStatus(200);
    if (body === undefined) {
      log('WhatsApp Cloud: a signed webhook could not be read (not JSON)');
      return;
    }
    const delivery = readDelivery(body);
    for (const line of delivery.skipped) log(`WhatsApp Cloud: skipped ${line}`);
    for (const change of delivery.changes) receiveChange(change);
  });

  return {
    router,
    sender,
    async idle() {
      while (working.size) await Promise.all([...working]);
    },
  };
}
