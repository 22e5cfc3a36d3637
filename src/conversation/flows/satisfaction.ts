import type { ReplyKey } from '../../content/reply-keys.js';
import { COMMENT_WINDOW_MS, NO_COMMENT, parseRating, type SatisfactionService, type SatisfactionTexts } from '../../domain/satisfaction.js';
import type { Flows } from '../respond.js';
import { inFlow, leaveFlow } from '../state.js';

const SAID: Record<'stored' | 'already' | 'closed', ReplyKey> = { stored: 'satisfaction.thanks', already: 'satisfaction.already', closed: 'satisfaction.closed' };

/**
 * The citizen pressed a rating button: stored once, thanked in their language, and offered to add a comment; the
 * next message within a quarter of an hour is that comment (or "no comment").
 */
export function satisfactionFlows(service: SatisfactionService, texts: SatisfactionTexts): Flows {
  return {
    async resume(turn) {
      const chat = { channel: turn.inbound.channel, user: turn.inbound.user };
      const rating = parseRating(turn.text);
      if (rating) {
        const result = await service.answer(rating.token, rating.score, chat);
        if (result !== 'stored') return [texts.reply(turn.lang, SAID[result])];
        // A rating pressed in the middle of another flow is thanked; its optional comment is not worth that flow.
        if (turn.state.flow) return [texts.reply(turn.lang, SAID[result])];
        turn.state.flow = { kind: 'rating-comment', token: rating.token, until: Date.now() + COMMENT_WINDOW_MS, score: rating.score };
        const ask = texts.reply(turn.lang, 'satisfaction.comment.ask');
        return [texts.reply(turn.lang, SAID[result]), { ...ask, choices: [{ label: texts.reply(turn.lang, 'satisfaction.comment.none').text, value: NO_COMMENT }] }];
      }
      const waiting = inFlow(turn.state, 'rating-comment');
      if (!waiting) return undefined;
      leaveFlow(turn.state);
      if (waiting.until < Date.now() || !turn.text.trim()) return undefined;
      if (turn.text.trim() === NO_COMMENT) return [texts.reply(turn.lang, 'satisfaction.comment.skipped')];
      const result = await service.comment(waiting.token, turn.text, chat, waiting.score);
      return result === 'closed' ? undefined : [texts.reply(turn.lang, 'satisfaction.comment.thanks')];
    },
  };
}
