import type { Lang } from './lang.js';

import type { ChannelName } from './chat.js';

export type { ChannelName };

export interface Attachment {
  kind: 'image' | 'file' | 'audio' | 'video' | 'sticker' | 'contact';
  mimeType: string;
  /** Size in bytes, when the platform tells it before download. */
  size?: number;
  /** Fetches the bytes (channels download lazily so the core can refuse a type or size first). */
  download?: () => Promise<Buffer>;
  /** Set once stored: the id of the stored media document. */
  mediaId?: string;
  fileName?: string;
}

/** A citizen's message as every channel hands it to the conversation core. */
export interface InboundMessage {
  channel: ChannelName;
  /** The chat to answer (Telegram chat id, WhatsApp number, web chat user id). */
  user: string;
  text?: string;
  location?: { lat: number; lon: number };
  attachments?: Attachment[];
  /** The platform's id for this update, so a redelivered update is processed once. */
  messageId?: string;
  /**
   * Where the message came from when the channel knows it and it is not the chat itself (the web chat's client
   * address, hashed): limits on guessing codes hold across chats made up per guess.
   */
  origin?: string;
  /** The name the platform shows for the citizen (kept only when the citizen files with their name). */
  displayName?: string;
}

export interface Choice { label: string; value: string }

/** What the core says back; channels render choices natively (buttons, inline keyboards, numbered lines). */
export interface Reply {
  text: string;
  choices?: Choice[];
  lang?: Lang;
  /** Written by a member of staff (the web chat shows it apart from the assistant's replies). */
  from?: 'staff';
  /** Set on messages sent outside a turn (the outbox's id), so a channel can confirm and the citizen see it once. */
  id?: string;
}

/** Sends a message to a citizen outside of a turn (staff replies, notifications). One per channel. */
export interface ChannelSender {
  channel: ChannelName;
  send(user: string, reply: Reply): Promise<void>;
}
