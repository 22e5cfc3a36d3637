import type { Lang } from '../text/language.js';
import type { Choice } from './types.js';

/** What the assistant remembers about one chat between messages (kept in MongoDB through botkit's state). */
export interface ChatState {
  lang: Lang;
  /** Set when the citizen asked for a language; otherwise replies follow the language of each message. */
  langChosen?: boolean;
  /** The service being discussed, for follow-ups like "and the fees?". */
  service?: string | null;
  /** The choices last offered, so "2", "٢" or the option's words select one on any channel. */
  choices?: Choice[];
  /** Misunderstood messages in a row; two offer staff. */
  misses: number;
  /** Platform message ids already handled, so a redelivered update is processed once. */
  seen: string[];
  /** Recent message times, for the flood limit. */
  recent: number[];
  floodWarned?: boolean;
  welcomed?: boolean;
}

export function freshState(lang: Lang): ChatState {
  return { lang, misses: 0, seen: [], recent: [] };
}
