import { createHash } from 'node:crypto';
import type { ChannelName } from '../shared/message.js';
import type { Lang } from '../text/language.js';
import type { Chat, SuggestionStatus } from '../shared/statuses.js';
import { newTrackingCode } from './tracking-code.js';

/** An idea for the municipality, acknowledged with a reference code. */
export interface Suggestion {
  code: string;
  text: string;
  lang: Lang;
  status: SuggestionStatus;
  createdAt: Date;
  via: ChannelName;
  /** The chat it came from; absent when the citizen asked not to be known. */
  source?: Chat;
  idempotencyKey: string;
}

export interface SuggestionStore {
  insert(suggestion: Suggestion): Promise<'inserted' | 'duplicate-key' | 'duplicate-code'>;
  findByCode(code: string): Promise<Suggestion | null>;
  findByIdempotencyKey(key: string): Promise<Suggestion | null>;
  listBySource(source: Chat, limit: number): Promise<Suggestion[]>;
}

export const MAX_SUGGESTION = 2000;

export interface SubmitSuggestionInput {
  text: string;
  lang: Lang;
  from: Chat;
  anonymous?: boolean;
  messageId?: string;
}

export type SuggestionResult =
  | { ok: true; code: string; duplicate: boolean }
  | { ok: false; problem: 'suggestion.empty' } | { ok: false; problem: 'suggestion.too-long'; max: number };

export class SuggestionService {
  private readonly now: () => Date;

  constructor(private readonly deps: { store: SuggestionStore; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Stores the suggestion and returns its reference; a retried message returns the first reference. */
  async submitSuggestion(input: SubmitSuggestionInput): Promise<SuggestionResult> {
    const text = input.text.trim();
    if (!text) return { ok: false, problem: 'suggestion.empty' };
    if (text.length > MAX_SUGGESTION) return { ok: false, problem: 'suggestion.too-long', max: MAX_SUGGESTION };
    const now = this.now();
    const chat = `${input.from.channel}:${input.from.user}`;
    const key = input.messageId ? `message:${chat}:${input.messageId}` : `text:${chat}:${text}:${Math.floor(now.getTime() / 60_000)}`;
    const idempotencyKey = createHash('sha256').update(key).digest('hex');
    const existing = await this.deps.store.findByIdempotencyKey(idempotencyKey);
    if (existing) return { ok: true, code: existing.code, duplicate: true };

    for (let attempt = 0; attempt < 5; attempt++) {
      const suggestion: Suggestion = {
        code: newTrackingCode('suggestion'), text, lang: input.lang, status: 'received', createdAt: now,
        via: input.from.channel, ...(input.anonymous ? {} : { source: { ...input.from } }), idempotencyKey,
      };
      const outcome = await this.deps.store.insert(suggestion);
      if (outcome === 'inserted') return { ok: true, code: suggestion.code, duplicate: false };
      if (outcome === 'duplicate-key') {
        const first = await this.deps.store.findByIdempotencyKey(idempotencyKey);
        if (first) return { ok: true, code: first.code, duplicate: true };
      }
    }
    throw new Error('could not store the suggestion: no free reference code after 5 tries');
  }
}
