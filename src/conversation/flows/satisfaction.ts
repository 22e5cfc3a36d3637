import type { ReplyKey } from '../../content/reply-keys.js';
import { parseRating, type SatisfactionService, type SatisfactionTexts } from '../../domain/satisfaction.js';
import type { Flows } from '../respond.js';

const SAID: Record<'stored' | 'already' | 'closed', ReplyKey> = { stored: 'satisfaction.thanks', already: 'satisfaction.already', closed: 'satisfaction.closed' };

/** The citizen pressed a rating button: stored once, thanked in their language. */
export function satisfactionFlows(service: SatisfactionService, texts: SatisfactionTexts): Flows {
  return {
    async resume(turn) {
      const rating = parseRating(turn.text);
      if (!rating) return undefined;
      const result = await service.answer(rating.token, rating.score, { channel: turn.inbound.channel, user: turn.inbound.user });
      return [texts.reply(turn.lang, SAID[result])];
    },
  };
}
