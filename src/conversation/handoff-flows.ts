import type { Content } from '../content/load.js';
import type { HandoffService } from '../domain/handoff.js';
import { normalize } from '../text/normalize.js';
import type { Flows, Turn } from './respond.js';
import { givenName } from './state.js';

/**
 * The conversation's side of handing a chat to staff: queue it, keep the assistant silent while staff have it
 * (the message is already in the transcript, where the console reads it), and leave on "cancel".
 */
export function handoffFlows(handoffs: HandoffService, commands: Content['commands']): Required<Pick<Flows, 'handoff' | 'relay' | 'cancel'>> {
  const keywords = new Set([...commands.cancel, ...commands.menu, 'cancel', 'menu', '/cancel'].map(normalize));
  // "cancel" and "menu" must reach the responder, which then calls `cancel` to leave the queue.
  const isKeyword = (text: string) => keywords.has(normalize(text)) || text.trim() === '/cancel';

  return {
    async handoff(turn: Turn, reason) {
      // The "talk to staff" button offered after two misunderstood messages arrives as an ordinary request.
      const why = reason === 'requested' && turn.state.misses >= 2 ? 'misunderstood' : reason;
      const guess = turn.understanding ? { intent: turn.understanding.intent, confidence: Math.round(turn.understanding.confidence * 1000) / 1000 } : undefined;
      const replies = await handoffs.request({ conversation: turn.conversation, chat: { channel: turn.inbound.channel, user: turn.inbound.user }, reason: why, lang: turn.lang, guess, name: nameOf(turn) });
      turn.state.withStaff = true;
      return replies;
    },
    // Only a chat that was handed over looks its handoff up, so ordinary messages cost no extra query.
    async relay(turn: Turn) {
      if (!turn.state.withStaff || isKeyword(turn.text)) return undefined;
      const replies = await handoffs.relay(turn.conversation, turn.state.langChosen ? turn.lang : undefined);
      if (!replies) turn.state.withStaff = false;
      return replies;
    },
    async cancel(turn: Turn) {
      if (!turn.state.withStaff) return false;
      turn.state.withStaff = false;
      return handoffs.leave(turn.conversation);
    },
  };
}

/** What staff may call the citizen: the name they gave in this chat, else the Telegram or WhatsApp profile's. */
function nameOf(turn: Turn): string | undefined {
  return givenName(turn.state) || turn.inbound.displayName?.trim() || undefined;
}
