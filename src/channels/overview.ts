import type { WhatsAppWebStatus } from './whatsapp-web/status.js';

/** What this instance's channels look like now, for the admins' "Channels" view in the console. */
export interface ChannelOverview {
  telegram: { on: boolean; state?: 'starting' | 'on' | 'off'; username?: string; mode?: 'polling' | 'webhook' };
  /** The live status object of the WhatsApp Web session; absent when WHATSAPP_WEB is not 1. */
  whatsappWeb?: WhatsAppWebStatus;
  whatsappCloud: { on: boolean; template?: string };
}
