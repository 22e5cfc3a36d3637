import type { ComplaintCategory, Municipality } from '../content/schema.js';
import type { ChannelName } from '../shared/chat.js';
import type { Lang } from '../shared/lang.js';
import type { Chat } from '../shared/statuses.js';

// What filing a complaint takes, shared by the rules that check it and the service that stores it.

export type Privacy = 'named' | 'confidential' | 'anonymous';
export type ComplaintLocation = { lat: number; lon: number } | { text: string };

export interface ComplaintRules {
  categories: Pick<ComplaintCategory, 'id' | 'department' | 'deadlineDays'>[];
  municipality: Pick<Municipality, 'bounds' | 'timezone'>;
  departments?: { id: string }[];
}

export interface FileComplaintInput {
  category: string;
  description: string;
  location?: ComplaintLocation;
  photos?: string[];
  mediaUrl?: string;
  privacy: Privacy;
  /** The chat it is filed from; kept unless anonymous. */
  from?: Chat;
  via?: ChannelName | 'open311';
  /** Who filed it when it was not the citizen themselves (the member of staff who took a call); the history's author. */
  filedBy?: string;
  name?: string;
  email?: string;
  phone?: string;
  consentToContact: boolean;
  lang: Lang;
  /** The platform's id of the message that confirmed the complaint. */
  messageId?: string;
  /** A caller-made retry key; when neither this nor messageId is given, (chat, text, minute) is used. */
  idempotencyKey?: string;
}
