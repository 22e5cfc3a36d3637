import type { RequestHandler, Router } from 'express';
import type { Config } from '../config.js';
import type { Kernel } from '../conversation/kernel.js';
import type { ReplyKey } from '../content/reply-keys.js';
import type { ChannelOverview } from '../shared/channel-overview.js';
import type { ChannelSender } from '../shared/message.js';
import type { Stores } from './stores.js';
import { commandMenu, createTelegramChannel } from '../channels/telegram/index.js';
import { createWhatsAppCloudRouter, DEFAULT_TEMPLATE } from '../channels/whatsapp-cloud/index.js';
import { createWhatsAppWebChannel } from '../channels/whatsapp-web/index.js';

export interface Mount { path: string; router: Router | RequestHandler }

/** A citizen channel as the product sees it: how to reach a citizen, its webhooks, its life cycle and its state. */
export interface Channel {
  sender: ChannelSender;
  /** Webhooks, mounted before any body parser (each reads its own body). */
  routes?: Mount[];
  /** Starts what needs the server listening (polling, a linked phone); a refused credential logs, it does not throw. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Its part of the admins' Channels view. */
  overview(): Partial<ChannelOverview>;
}

/** What a channel is built from besides its configuration. */
export interface ChannelDeps { kernel: Kernel; stores: Stores; log: (line: string) => void }

/** One row of the table: a channel from its settings, or undefined (after saying why) when it is off. */
export type ChannelFactory = (deps: ChannelDeps) => Channel | undefined;

/** Every channel Nafidha has besides the web chat, switched on by configuration. */
export function channelTable(config: Config): ChannelFactory[] {
  return [telegram(config), whatsappWeb(config), whatsappCloud(config)];
}

const telegram = (config: Config): ChannelFactory => ({ kernel, log }) => {
  if (!config.telegram.token) { log('Telegram: off (set TELEGRAM_TOKEN to switch it on)'); return undefined; }
  const channel = createTelegramChannel({
    token: config.telegram.token, apiRoot: config.telegram.apiRoot, core: kernel, log,
    commands: commandMenu((lang, key) => kernel.phrases.t(lang, key)),
    webhook: config.publicUrl ? { publicUrl: config.publicUrl, secret: config.telegram.webhookSecret } : undefined,
  });
  const state: ChannelOverview['telegram'] = { on: true, state: 'starting', mode: channel.webhook ? 'webhook' : 'polling' };
  return {
    sender: channel.sender,
    routes: channel.webhook && [{ path: channel.webhook.path, router: channel.webhook.handler }],
    async start() {
      const ok = await channel.start().catch((err: unknown) => { state.state = 'off'; throw err; });
      Object.assign(state, { state: ok ? 'on' : 'off', username: channel.username() });
    },
    stop: () => channel.stop(),
    overview: () => ({ telegram: { ...state } }),
  };
};

const whatsappWeb = (config: Config): ChannelFactory => ({ kernel, log }) => {
  if (!config.whatsappWeb) return undefined;
  const channel = createWhatsAppWebChannel({ dataDir: config.dataDir, core: kernel, log });
  return { sender: channel.sender, start: () => channel.start(), stop: () => channel.stop(), overview: () => ({ whatsappWeb: channel.status }) };
};

const whatsappCloud = (config: Config): ChannelFactory => ({ kernel, stores, log }) => {
  const wc = config.whatsappCloud;
  if (!(wc.token && wc.phoneNumberId && wc.appSecret && wc.verifyToken)) {
    if (wc.token || wc.phoneNumberId || wc.appSecret || wc.verifyToken) {
      log('WhatsApp Cloud: off; set all of WHATSAPP_CLOUD_TOKEN, WHATSAPP_CLOUD_PHONE_NUMBER_ID, WHATSAPP_CLOUD_APP_SECRET, WHATSAPP_CLOUD_VERIFY_TOKEN');
    }
    return undefined;
  }
  const both = (key: ReplyKey) => ({ ar: kernel.phrases.t('ar', key), en: kernel.phrases.t('en', key), fr: kernel.phrases.t('fr', key) });
  const cloud = createWhatsAppCloudRouter({
    verifyToken: wc.verifyToken, appSecret: wc.appSecret, token: wc.token, phoneNumberId: wc.phoneNumberId,
    graphRoot: wc.graphRoot, apiVersion: wc.apiVersion, templateName: wc.template, core: kernel, log,
    windows: stores.windows, identities: stores.identities, listButton: both('choices.button'),
    // Kept in the database so the console (of any instance) can say which messages went as the template.
    onTemplate: (d) => { void stores.templates.record(d).catch((err) => log(`WhatsApp Cloud: the template delivery to ${d.user} was not recorded: ${err}`)); },
  });
  const template = wc.template ?? DEFAULT_TEMPLATE;
  return {
    sender: cloud.sender, routes: [{ path: '/webhooks/whatsapp', router: cloud.router }],
    start: async () => undefined, stop: async () => undefined,
    overview: () => ({ whatsappCloud: { on: true, template } }),
  };
};

/** The channels that are on, as one: their overview for the console, started and stopped together. */
export class ChannelSet {
  constructor(readonly channels: Channel[], private readonly log: (line: string) => void) {}

  overview(): ChannelOverview {
    return Object.assign({ telegram: { on: false }, whatsappCloud: { on: false } }, ...this.channels.map((c) => c.overview()));
  }

  async start(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.start().catch((err: unknown) => this.log(`channel start failed: ${err}`))));
  }

  async stop(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.stop().catch(() => undefined)));
  }
}
