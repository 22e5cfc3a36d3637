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
  /** Handed over to staff (queued or held) as far as this chat knows; staff may have handed it back since. */
  withStaff?: boolean;
  /** Media stored while the citizen decides whether to pass it to staff; removed unless they accept. */
  pendingMedia?: string[];
  /** What the chat is in the middle of, if anything: the next message answers it. */
  flow?: CurrentFlow;
  /** The name the citizen last gave for a booking or a complaint filed with their name: what staff call them. */
  givenName?: string;
}

/** The name the citizen gave in this chat: the one being typed into a booking or a named filing, else the last one kept. */
export function givenName(state: ChatState): string | undefined {
  const complaint = complaintDraft(state);
  const draft = bookingDraft(state)?.name ?? (complaint?.privacy === 'named' ? complaint.name : undefined);
  return draft?.trim() || state.givenName;
}

/**
 * The one flow a chat can be in. Starting another replaces it, and "cancel", "menu" or a menu button ends it, so
 * a chat is never half in two flows.
 */
export type CurrentFlow =
  | { kind: 'complaint'; draft: ComplaintDraft }
  | { kind: 'booking'; draft: BookingDraft }
  /** Waiting for the text of a suggestion. */
  | { kind: 'suggestion' }
  /** Waiting for a tracking code. */
  | { kind: 'awaiting-code' }
  /** Waiting for the comment after "no, it is not fixed" about complaint `code`. */
  | { kind: 'not-fixed'; code: string }
  /** Waiting (until `until`, ms) for the optional comment after a satisfaction rating. */
  | { kind: 'rating-comment'; token: string; until: number; score: number };

export type FlowKind = CurrentFlow['kind'];
type FlowOf<K extends FlowKind> = Extract<CurrentFlow, { kind: K }>;

/** The chat's current flow if it is of this kind. */
export function inFlow<K extends FlowKind>(state: ChatState, kind: K): FlowOf<K> | undefined {
  return state.flow?.kind === kind ? state.flow as FlowOf<K> : undefined;
}

/** The draft of the complaint being filed, if that is what the chat is doing. */
export const complaintDraft = (state: ChatState): ComplaintDraft | undefined => inFlow(state, 'complaint')?.draft;
export const bookingDraft = (state: ChatState): BookingDraft | undefined => inFlow(state, 'booking')?.draft;

/** Ends the current flow; with a kind, only if it is of that kind. True when one ended. */
export function leaveFlow(state: ChatState, kind?: FlowKind): boolean {
  if (!state.flow || (kind && state.flow.kind !== kind)) return false;
  state.flow = undefined;
  return true;
}

/** Old states kept a flag or draft per flow; read them as the one flow they stood for (the first one set wins). */
export function upgradeState(state: ChatState): ChatState {
  const old = state as ChatState & { complaint?: ComplaintDraft; booking?: BookingDraft; suggesting?: boolean; awaitingCode?: boolean; notFixed?: string; ratingComment?: { token: string; until: number; score: number } };
  if (!('complaint' in old || 'booking' in old || 'suggesting' in old || 'awaitingCode' in old || 'notFixed' in old || 'ratingComment' in old)) return state;
  const { complaint, booking, suggesting, awaitingCode, notFixed, ratingComment, ...rest } = old;
  const flow: CurrentFlow | undefined = rest.flow
    ?? (booking ? { kind: 'booking', draft: booking }
      : complaint ? { kind: 'complaint', draft: complaint }
        : notFixed ? { kind: 'not-fixed', code: notFixed }
          : ratingComment ? { kind: 'rating-comment', ...ratingComment }
            : suggesting ? { kind: 'suggestion' }
              : awaitingCode ? { kind: 'awaiting-code' } : undefined);
  return { ...rest, ...(flow ? { flow } : {}) };
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
