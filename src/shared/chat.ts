// A chat is a citizen on one channel. Its key ("telegram:12345", "web:<id>") is built and read only here.

export const CHANNELS = ['web', 'telegram', 'whatsapp', 'whatsapp-cloud'] as const;
/** Where a citizen talks to us. `web` covers the web chat's websocket and webhook modes. */
export type ChannelName = (typeof CHANNELS)[number];

export interface Chat { channel: ChannelName; user: string }

export const ChatKey = {
  of(channel: ChannelName, user: string): string {
    return `${channel}:${user}`;
  },
  /** The chat a key names, or undefined when it names none. */
  parse(key: string): Chat | undefined {
    const at = key.indexOf(':');
    const channel = key.slice(0, at) as ChannelName;
    const user = key.slice(at + 1);
    return at > 0 && user && CHANNELS.includes(channel) ? { channel, user } : undefined;
  },
};

/**
 * The shape of a web chat id the server opens (POST /chat/session: "w" and 24 random base64url characters). Only
 * an id of this shape can have a key; other ids are scripted clients' own and are never looked up.
 */
export const OPENED_WEB_CHAT = /^w[A-Za-z0-9_-]{24}$/;
