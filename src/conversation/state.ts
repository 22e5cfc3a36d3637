import type { Lang } from '../text/language.js';
import type { Choice, Reply } from '../shared/message.js';

/** What the assistant remembers about one chat between messages (kept in MongoDB through botkit's state). */
export interface ChatState {
  lang: Lang;
  /** Set when the citizen asked for a language; otherwise replies follow the language of each message. */
  langChosen?: boolean;
  /** Set when the page the chat opened in gave the language (the web chat's "hello"): it counts as established. */
  langSet?: boolean;
  /** The service being discussed, for follow-ups like "and the fees?". */
  service?: string | null;
  /** The choices last offered, so "2", "٢" or the option's words select one on any channel. */
  choices?: Choice[];
  /** Misunderstood messages in a row; two offer staff. */
  misses: number;
  /** Platform message ids already handled, so a redelivered update is processed once. */
  seen: string[];
  /** The replies to the last few of those, so a redelivered message gets the same answer. */
  answered?: { id: string; replies: Reply[] }[];
  /**
   * Codes of what this chat filed lately, so the citizen gets a code back ("/status") even if its receipt was lost,
   * anonymous filers included: the chat holds the code, never the identity.
   */
  receipts?: { code: string; at: number }[];
  /** When the last message came (ms), to tell a new visit from a conversation going on. */
  lastAt?: number;
  /** Recent message times, for the flood limit. */
  recent: number[];
  floodWarned?: boolean;
  welcomed?: boolean;
  /** A complaint being filed, step by step. */
  complaint?: ComplaintDraft;
  /** Waiting for the text of a suggestion. */
  suggesting?: boolean;
  /** Waiting for a tracking code. */
  awaitingCode?: boolean;
  /** Handed over to staff (queued or held) as far as this chat knows; staff may have handed it back since. */
  withStaff?: boolean;
  /** Media stored while the citizen decides whether to pass it to staff; removed unless they accept. */
  pendingMedia?: string[];
  /** Waiting for the comment after "no, it is not fixed". */
  notFixed?: string;
  /** Waiting (until `until`, ms) for the optional comment after a satisfaction rating. */
  ratingComment?: { token: string; until: number; score: number };
  /** An appointment being booked (or moved), step by step. */
  booking?: BookingDraft;
  /** The name the citizen last gave for a booking or a complaint filed with their name: what staff call them. */
  givenName?: string;
}

/** The name the citizen gave in this chat: the one being typed into a booking or a named filing, else the last one kept. */
export function givenName(state: ChatState): string | undefined {
  const draft = state.booking?.name ?? (state.complaint?.privacy === 'named' ? state.complaint.name : undefined);
  return draft?.trim() || state.givenName;
}

export type BookingStep = 'service' | 'branch' | 'day' | 'time' | 'name' | 'phone' | 'subject' | 'confirm';

export interface BookingDraft {
  step: BookingStep;
  /** Random, made when booking began: the booking's retry key is (chat, draft), so a second confirm books nothing. */
  id: string;
  service?: string;
  branch?: string;
  day?: string;
  time?: string;
  name?: string;
  phone?: string;
  /** A meeting request: what the citizen wants to discuss. */
  subject?: string;
  /** Moving an existing booking: its code. */
  moving?: string;
  /** The chat's language when booking began: a typed name in another script does not switch it. */
  lang?: Lang;
}

export type ComplaintStep = 'category' | 'category-confirm' | 'description' | 'location' | 'photos' | 'privacy' | 'name' | 'phone' | 'consent' | 'confirm' | 'edit';

export interface ComplaintDraft {
  step: ComplaintStep;
  /** Random, made when filing began: the complaint's retry key is (chat, draft), so a second confirm files nothing. */
  id?: string;
  /** When filing began (ms): an anonymous complaint's lines are forgotten from here on. */
  startedAt?: number;
  category?: string;
  description?: string;
  location?: { lat: number; lon: number } | { text: string };
  photos: string[];
  photosDone?: boolean;
  privacy?: 'named' | 'confidential' | 'anonymous';
  /** Named and confidential filings: who to call back (typed, or the channel's name and WhatsApp number). */
  name?: string;
  phone?: string;
  consent?: boolean;
  /** Set while editing one field from the summary: after it, go back to the summary. */
  editing?: boolean;
}

export function freshState(lang: Lang): ChatState {
  return { lang, misses: 0, seen: [], recent: [] };
}
