import type { ReplyKey } from '../content/reply-keys.js';
import type { Nafidha } from './compose.js';
import type { Config } from '../config.js';
import type { Database } from '../db/connection.js';
import type { ChannelOverview } from '../shared/channel-overview.js';
import { commandMenu, createTelegramChannel } from '../channels/telegram/index.js';
import { createWhatsAppCloudRouter, DEFAULT_TEMPLATE } from '../channels/whatsapp-cloud/index.js';
import { createWhatsAppWebChannel } from '../channels/whatsapp-web/index.js';

export interface Channels {
  whatsappWeb?: ReturnType<typeof createWhatsAppWebChannel>;
  /** The channels' state now, for the console's admin view. */
  overview(): ChannelOverview;
  /** Starts what needs the server listening (Telegram polling, WhatsApp Web); a bad credential logs one line. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Switches channels on from configuration; each registers its sender (and webhook) with the product. */
export function setUpChannels(config: Config, nafidha: Nafidha, db: Database, log: (l: string) => void): Channels {
  const starts: Array<() => Promise<unknown>> = [];
  const stops: Array<() => Promise<unknown>> = [];
  const telegramState: ChannelOverview['telegram'] = { on: false };
  let cloudState: ChannelOverview['whatsappCloud'] = { on: false };
  const channels: Channels = {
    overview: () => ({ telegram: { ...telegramState }, whatsappWeb: channels.whatsappWeb?.status, whatsappCloud: { ...cloudState } }),
    start: async () => { await Promise.all(starts.map((s) => s().catch((err) => log(`channel start failed: ${err}`)))); },
    stop: async () => { await Promise.all(stops.map((s) => s().catch(() => undefined))); },
  };

  const phrases = nafidha.kernel.phrases;
  const both = (key: ReplyKey) => ({ ar: phrases.t('ar', key), en: phrases.t('en', key) });
  if (config.telegram.token) {
    const commands = commandMenu((lang, key) => phrases.t(lang, key));
    const telegram = createTelegramChannel({
      token: config.telegram.token, apiRoot: config.telegram.apiRoot, core: nafidha.kernel, log, commands,
      webhook: config.publicUrl ? { publicUrl: config.publicUrl, secret: config.telegram.webhookSecret } : undefined,
    });
    nafidha.senders.push(telegram.sender);
    if (telegram.webhook) nafidha.mounts.push({ path: telegram.webhook.path, router: telegram.webhook.handler });
    Object.assign(telegramState, { on: true, state: 'starting', mode: telegram.webhook ? 'webhook' : 'polling' });
    starts.push(() => telegram.start().then(
      (ok) => { Object.assign(telegramState, { state: ok ? 'on' : 'off', username: telegram.username() }); },
      (err) => { telegramState.state = 'off'; throw err; }));
    stops.push(() => telegram.stop());
  } else log('Telegram: off (set TELEGRAM_TOKEN to switch it on)');

  if (config.whatsappWeb) {
    const whatsapp = createWhatsAppWebChannel({ dataDir: config.dataDir, core: nafidha.kernel, log });
    nafidha.senders.push(whatsapp.sender);
    channels.whatsappWeb = whatsapp;
    starts.push(() => whatsapp.start());
    stops.push(() => whatsapp.stop());
  }

  const wc = config.whatsappCloud;
  if (wc.token && wc.phoneNumberId && wc.appSecret && wc.verifyToken) {
    const { templates } = nafidha.stores;
    const cloud = createWhatsAppCloudRouter({
      verifyToken: wc.verifyToken, appSecret: wc.appSecret, token: wc.token, phoneNumberId: wc.phoneNumberId,
      graphRoot: wc.graphRoot, apiVersion: wc.apiVersion, templateName: wc.template, core: nafidha.kernel, log, windows: nafidha.stores.windows,
      identities: nafidha.stores.identities,
      listButton: both('choices.button'),
      // Kept in the database so the console (of any instance) can say which messages went as the template.
      onTemplate: (d) => { void templates.record(d).catch((err) => log(`WhatsApp Cloud: the template delivery to ${d.user} was not recorded: ${err}`)); },
    });
    cloudState = { on: true, template: wc.template ?? DEFAULT_TEMPLATE };
    nafidha.senders.push(cloud.sender);
    nafidha.mounts.push({ path: '/webhooks/whatsapp', router: cloud.router });
  } else if (wc.token || wc.phoneNumberId || wc.appSecret || wc.verifyToken) {
    log('WhatsApp Cloud: off; set all of WHATSAPP_CLOUD_TOKEN, WHATSAPP_CLOUD_PHONE_NUMBER_ID, WHATSAPP_CLOUD_APP_SECRET, WHATSAPP_CLOUD_VERIFY_TOKEN');
  }
  return channels;
}
