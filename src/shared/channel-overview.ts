/** What admins see in the console about the linked WhatsApp phone; mutated in place as the session changes. */
export interface WhatsAppWebStatus {
  state: 'qr' | 'ready' | 'disconnected' | 'logged-out';
  /** The latest QR code to scan, as a data: URL image (only while state is 'qr'). */
  qr?: string;
  /** The linked number, once ready. */
  phone?: string;
  /** When the phone last logged this device out (the console keeps saying so until it is linked again). */
  loggedOutAt?: Date;
  since: Date;
}

/** What this instance's channels look like now, for the admins' "Channels" view in the console. */
export interface ChannelOverview {
  telegram: { on: boolean; state?: 'starting' | 'on' | 'off'; username?: string; mode?: 'polling' | 'webhook' };
  /** The live status object of the WhatsApp Web session; absent when WHATSAPP_WEB is not 1. */
  whatsappWeb?: WhatsAppWebStatus;
  whatsappCloud: { on: boolean; template?: string };
}
