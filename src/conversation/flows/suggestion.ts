import { fill, type NotificationTexts } from '../../domain/notification-texts.js';
import type { SuggestionService } from '../../domain/suggestions.js';
import type { Phrasebook } from '../replies.js';
import type { Turn } from '../respond.js';
import type { Reply } from '../../shared/message.js';
import { leaveFlow } from '../state.js';

/** Ideas for the municipality: stored, then acknowledged with a reference. */
export class SuggestionFlow {
  constructor(private readonly deps: { suggestions: SuggestionService; phrases: Phrasebook; texts: NotificationTexts }) {}

  /** A message that already carries the idea ("اقترح تزرعوا شجر على الطريق العام") is stored at once. */
  async start(turn: Turn): Promise<Reply[]> {
    if (!turn.text.startsWith('/') && turn.text.trim().split(/\s+/).length >= 6) return this.submit(turn);
    turn.state.flow = { kind: 'suggestion' };
    return [this.deps.phrases.reply(turn.lang, 'suggestion.ask')];
  }

  async resume(turn: Turn): Promise<Reply[] | undefined> {
    if (turn.state.flow?.kind !== 'suggestion' || turn.text.startsWith('/')) return undefined;
    leaveFlow(turn.state);
    return this.submit(turn);
  }

  private async submit(turn: Turn): Promise<Reply[]> {
    const { inbound, lang } = turn;
    const result = await this.deps.suggestions.submitSuggestion({ text: turn.text, lang, from: { channel: inbound.channel, user: inbound.user }, messageId: inbound.messageId });
    if (!result.ok) return [{ text: fill(this.deps.texts.problems[result.problem][lang], 'max' in result ? { max: result.max } : {}), lang }];
    return [this.deps.phrases.reply(lang, 'suggestion.thanks', { code: result.code }, this.deps.phrases.menuChoices(lang))];
  }
}
