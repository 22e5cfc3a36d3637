import type { Content } from '../../content/load.js';
import type { ComplaintService } from '../../domain/complaints.js';
import { parseFixedChoice } from '../../domain/complaints.js';
import { fill, type NotificationTexts } from '../../domain/notification-texts.js';
import { describeStatus, statusWords, type LookupResult, type StatusLookup } from '../../domain/status-lookup.js';
import type { Lang } from '../../text/language.js';
import { codeShaped } from '../../domain/tracking-code.js';
import type { Phrasebook } from '../replies.js';
import { recentReceipts } from './complaint.js';
import type { Turn } from '../respond.js';
import { inFlow, leaveFlow } from '../state.js';
import type { Reply } from '../../shared/message.js';

export interface StatusFlowDeps {
  content: Pick<Content, 'municipality'>;
  lookup: StatusLookup;
  complaints: ComplaintService;
  phrases: Phrasebook;
  texts: NotificationTexts;
}

export function findCode(text: string): string | undefined {
  return codeShaped(text)[0];
}

/** "Where is my request?": by tracking code, or everything this chat filed; and the "was it fixed?" answers. */
export class StatusFlow {
  constructor(private readonly deps: StatusFlowDeps) {}

  async start(turn: Turn): Promise<Reply[]> {
    const code = findCode(turn.text);
    if (code) return this.lookup(turn, code);
    const { lang, inbound } = turn;
    const p = this.deps.phrases;
    const mine = await this.deps.lookup.myRequests(inbound.channel, inbound.user, 5);
    // Codes this chat holds but cannot be found by (anonymous ones): the chat proves it was told them.
    const listed = new Set(mine.map((m) => m.summary.code));
    const held = await this.deps.lookup.summaries(recentReceipts(turn.state).filter((c) => !listed.has(c)));
    turn.state.flow = { kind: 'awaiting-code' };
    const summaries = [...held, ...mine.map((m) => m.summary)];
    // Codes not linked to the chat are anonymous complaints: this turn's lines must not link them to it either.
    if (held.length) turn.forgetSince ??= Date.now();
    if (mine.some((m) => m.record.kind === 'complaint' && m.record.complaint.privacy === 'confidential')) this.confidential(turn);
    const list = summaries.map((s) => `• ${s.code}: ${statusWords(s, this.deps.texts, lang)}`).join('\n');
    return [p.reply(lang, summaries.length ? 'status.mine' : 'status.ask', { list })];
  }

  /** This turn links the chat to a confidential complaint: its lines are for the citizen office only. */
  private confidential(turn: Turn): void {
    turn.confidentialSince ??= Date.now();
  }

  async resume(turn: Turn): Promise<Reply[] | undefined> {
    const { state, text, lang } = turn;
    const fixed = parseFixedChoice(text);
    if (fixed) {
      if (fixed.yes) return this.answerFixed(turn, fixed.code, true, undefined);
      state.flow = { kind: 'not-fixed', code: fixed.code };
      return [this.deps.phrases.reply(lang, 'status.notfixed.ask')];
    }
    const notFixed = inFlow(state, 'not-fixed');
    if (notFixed && !text.startsWith('/')) {
      leaveFlow(state);
      return this.answerFixed(turn, notFixed.code, false, text);
    }
    if (leaveFlow(state, 'awaiting-code')) {
      const code = findCode(text);
      if (code) return this.lookup(turn, code);
    }
    return undefined;
  }

  private async answerFixed(turn: Turn, code: string, yes: boolean, comment: string | undefined): Promise<Reply[]> {
    const { inbound, lang } = turn;
    const result = await this.deps.complaints.answerFixed(code, yes, comment, { channel: inbound.channel, user: inbound.user });
    const t = this.deps.texts.messages;
    if (result.ok && result.complaint.privacy === 'confidential') this.confidential(turn);
    if (!result.ok) return [this.deps.phrases.reply(lang, 'status.notfixed.late')];
    return [{ text: fill(t[yes ? 'complaint.fixed.thanks' : 'complaint.fixed.reopened'][lang], { code }), lang }];
  }

  private async lookup(turn: Turn, code: string): Promise<Reply[]> {
    const { inbound, lang } = turn;
    const result = await this.deps.lookup.lookupStatus(code, inbound.channel, inbound.user, inbound.origin);
    if (result.ok && result.owner && result.record.kind === 'complaint' && result.record.complaint.privacy === 'confidential') this.confidential(turn);
    if (result.ok && recentReceipts(turn.state).includes(result.summary.code) && !result.owner) turn.forgetSince ??= Date.now();
    return [{ text: this.describe(result, lang), lang }];
  }

  private describe(result: LookupResult, lang: Lang): string {
    const t = this.deps.texts;
    if (!result.ok) {
      // "{minutes}" is the counted phrase: "دقيقتين", "5 دقائق", "1 minute".
      const vars: Record<string, string> = result.problem === 'code.throttled' ? { minutes: this.deps.phrases.count(lang, 'minute', Math.max(1, Math.ceil(result.retryAfterSeconds / 60))) } : {};
      return fill(t.problems[result.problem][lang], vars);
    }
    const reason = result.owner && result.record.kind === 'application' ? result.record.application.rejectionReason : undefined;
    return describeStatus(result.summary, t, lang, this.deps.content.municipality.timezone, { rejectionReason: reason });
  }
}
