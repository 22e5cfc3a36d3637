import { randomBytes } from 'node:crypto';
import type { ReplyKey } from '../content/reply-keys.js';
import type { Reply } from '../shared/message.js';
import type { Lang } from '../text/language.js';
import { sameChat, type Chat } from '../shared/statuses.js';
import type { Complaint } from './complaints.js';
import type { CitizenOutbox, Handoff } from './handoff.js';
import { dayOf } from './report-period.js';
import { maySeeIdentity } from './confidentiality.js';
import type { Role } from './staff.js';

// One question after a handoff is closed or a complaint resolved: "how was it, 1 to 5?". Asked once per handoff or
// complaint, answered once, from the chat that was asked; never of an anonymous complainant.

export const SCORES = [1, 2, 3, 4, 5] as const;

export interface SatisfactionQuestion {
  /** `handoff:<id>` or `complaint:<code>`: one question each, by a unique key. */
  key: string;
  /** What the answer button carries; random, so a rating cannot be given for another chat's question. */
  token: string;
  kind: 'handoff' | 'complaint';
  chat: Chat;
  lang: Lang;
  department?: string;
  staff?: string;
  askedAt: Date;
  /** Asked about a confidential complaint: its comment is for the citizen office only. */
  confidential?: boolean;
}

/** What a citizen wrote after their rating. */
export interface SatisfactionComment {
  token: string;
  kind: SatisfactionQuestion['kind'];
  channel: Chat['channel'];
  department?: string;
  staff?: string;
  score?: number;
  text: string;
  at: Date;
  day: string;
  confidential: boolean;
}

export const MAX_COMMENT = 1000;
/** How long after the rating the next message is taken as its comment. */
export const COMMENT_WINDOW_MS = 15 * 60_000;
export const NO_COMMENT = '/rate-no-comment';

/** Comments as a viewer may read them: one of a confidential complaint only for the citizen office (confidentiality.ts). */
export function commentsFor<C extends Pick<SatisfactionComment, 'confidential' | 'text'>>(role: Role, comments: C[]): (C & { hidden?: boolean })[] {
  return comments.map((c) => (c.confidential && !maySeeIdentity(role) ? { ...c, text: '', hidden: true } : c));
}

export interface SatisfactionAnswer {
  token: string;
  kind: SatisfactionQuestion['kind'];
  channel: Chat['channel'];
  department?: string;
  staff?: string;
  score: number;
  answeredAt: Date;
  /** The municipality's calendar day of the answer, for reports. */
  day: string;
}

export interface SatisfactionStore {
  ask(q: SatisfactionQuestion): Promise<'asked' | 'already'>;
  question(token: string): Promise<SatisfactionQuestion | null>;
  answer(a: SatisfactionAnswer): Promise<'stored' | 'already'>;
  /** Stores the comment once per question; 'already' for a second one. */
  comment(c: SatisfactionComment): Promise<'stored' | 'already'>;
}

export interface SatisfactionTexts {
  reply(lang: Lang, key: ReplyKey, vars?: Record<string, string | number>): Reply;
}

export function ratingValue(token: string, score: number): string {
  return `/rate ${token} ${score}`;
}

/** Reads a rating button press back; undefined for any other text. */
export function parseRating(text: string): { token: string; score: number } | undefined {
  const m = /^\/rate ([A-Za-z0-9_-]{16}) ([1-5])$/.exec(text.trim());
  return m ? { token: m[1]!, score: Number(m[2]) } : undefined;
}

export class SatisfactionService {
  private readonly now: () => Date;

  constructor(private readonly deps: { store: SatisfactionStore; outbox: CitizenOutbox; texts: SatisfactionTexts; timeZone: string; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  /** After staff closed a handoff with an outcome (not handed back, not left by the citizen). */
  async afterHandoff(h: Handoff): Promise<boolean> {
    if (h.status !== 'closed' || h.outcome === 'handed-back' || h.outcome === 'citizen-left') return false;
    return this.ask({ key: `handoff:${h.id}`, kind: 'handoff', chat: { channel: h.channel, user: h.user }, lang: h.lang, department: h.department, staff: h.closedBy ?? h.heldBy },
      'satisfaction.ask.handoff', {});
  }

  /** After a complaint was resolved: only a named or confidential filer who agreed to be contacted is asked. */
  async afterComplaint(c: Complaint, by: string): Promise<boolean> {
    if (c.status !== 'resolved' || c.privacy === 'anonymous' || !c.consentToContact || !c.source) return false;
    return this.ask({ key: `complaint:${c.code}`, kind: 'complaint', chat: c.source, lang: c.lang, department: c.department, staff: by, confidential: c.privacy === 'confidential' },
      'satisfaction.ask.complaint', { code: c.code });
  }

  private async ask(q: Omit<SatisfactionQuestion, 'token' | 'askedAt'>, key: ReplyKey, vars: Record<string, string>): Promise<boolean> {
    const question: SatisfactionQuestion = { ...q, token: randomBytes(12).toString('base64url'), askedAt: this.now() };
    if (await this.deps.store.ask(question) !== 'asked') return false;
    const reply = this.deps.texts.reply(q.lang, key, vars);
    await this.deps.outbox.deliver(q.chat, { ...reply, choices: SCORES.map((n) => ({ label: String(n), value: ratingValue(question.token, n) })) });
    return true;
  }

  /** The comment after a rating, from the chat that was asked; kept once, cut to MAX_COMMENT characters. */
  async comment(token: string, text: string, chat: Chat, score?: number): Promise<'stored' | 'already' | 'closed'> {
    const clean = text.trim().slice(0, MAX_COMMENT);
    const q = await this.deps.store.question(token);
    if (!q || !sameChat(q.chat, chat) || !clean) return 'closed';
    const at = this.now();
    return this.deps.store.comment({ token, kind: q.kind, channel: q.chat.channel, department: q.department, staff: q.staff, score, text: clean, at,
      day: dayOf(at, this.deps.timeZone), confidential: !!q.confidential });
  }

  /** The citizen's answer; only the chat that was asked may give it, once. */
  async answer(token: string, score: number, chat: Chat): Promise<'stored' | 'already' | 'closed'> {
    const q = await this.deps.store.question(token);
    if (!q || !sameChat(q.chat, chat) || !SCORES.includes(score as 1)) return 'closed';
    const at = this.now();
    return this.deps.store.answer({ token, kind: q.kind, channel: q.chat.channel, department: q.department, staff: q.staff, score, answeredAt: at, day: dayOf(at, this.deps.timeZone) });
  }
}
