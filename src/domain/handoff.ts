import type { ReplyKey } from '../content/reply-keys.js';
import type { Hours } from '../content/schema.js';
import type { ChannelName, Reply } from '../shared/message.js';
import type { Lang } from '../text/language.js';
import { atLeast, type Actor } from './staff.js';
import { isStaffOpen, nextStaffOpening } from './staff-hours.js';
import type { Chat } from '../shared/statuses.js';
import type { TranscriptEntry, TranscriptStore } from './transcript.js';

// A conversation handed from the assistant to a person: queued, held by one staff member, then closed.

export const HANDOFF_REASONS = ['requested', 'legal-question', 'form-help', 'misunderstood'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];
export type HandoffStatus = 'queued' | 'held' | 'closed';
/** How a handoff ended; staff choose the first four, the last two happen on their own. */
export const OUTCOMES = ['answered', 'referred', 'follow-up', 'no-response', 'handed-back', 'citizen-left'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface StaffNote { by: string; text: string; at: Date }

export interface Handoff {
  id: string;
  conversation: string;
  channel: ChannelName;
  user: string;
  reason: HandoffReason;
  lang: Lang;
  status: HandoffStatus;
  heldBy?: string;
  /** Set when transferred to a department: it waits in the queue marked for them. */
  department?: string;
  queuedAt: Date;
  takenAt?: Date;
  closedAt?: Date;
  closedBy?: string;
  outcome?: Outcome;
  notes: StaffNote[];
  /** What the assistant thought the citizen wanted, for staff to start from. */
  assistantGuess?: { intent: string; confidence: number };
  /** The name the citizen goes by (given in the chat, or the Telegram/WhatsApp profile's); shown as confidentiality allows. */
  citizenName?: string;
  /** Queued while no staff were at work: the citizen was told when they would answer. */
  outOfHours: boolean;
  remindedAt?: Date;
  updatedAt: Date;
}

export type NewHandoff = Pick<Handoff, 'conversation' | 'channel' | 'user' | 'reason' | 'lang' | 'queuedAt' | 'assistantGuess' | 'outOfHours' | 'citizenName'>;
export type HandoffChange = Partial<Pick<Handoff, 'status' | 'heldBy' | 'department' | 'takenAt' | 'closedAt' | 'closedBy' | 'outcome' | 'lang' | 'remindedAt'>>;

/** Storage port. At most one handoff per conversation is open (queued or held) at a time. */
export interface HandoffStore {
  /** Opens a handoff unless the conversation already has an open one; returns the open one either way. */
  open(handoff: NewHandoff): Promise<{ handoff: Handoff; created: boolean }>;
  findOpen(conversation: string): Promise<Handoff | null>;
  get(id: string): Promise<Handoff | null>;
  /** 1 for the handoff that has waited longest. */
  position(handoff: Handoff): Promise<number>;
  /** Oldest first. */
  list(filter: { statuses: HandoffStatus[]; heldBy?: string }, limit: number): Promise<Handoff[]>;
  /** Applies the change only while the handoff still matches `expect` (atomically); null when it no longer does. */
  update(id: string, expect: { statuses: HandoffStatus[]; heldBy?: string }, change: HandoffChange & { updatedAt: Date }, note?: StaffNote): Promise<Handoff | null>;
  changedSince(since: Date, limit: number): Promise<Handoff[]>;
  history(conversation: string, limit: number): Promise<Handoff[]>;
}

/** Messages to a citizen outside a turn: stored first, delivered when their channel can reach them. */
export interface CitizenOutbox { deliver(to: Chat, reply: Reply): Promise<void> }

/** The citizen-facing sentences (knowledge/replies.yaml); the Phrasebook fits. */
export interface HandoffTexts {
  t(lang: Lang, key: ReplyKey, vars?: Record<string, string | number>): string;
  reply(lang: Lang, key: ReplyKey, vars?: Record<string, string | number>): Reply;
}

export interface HandoffDeps {
  store: HandoffStore;
  transcripts: TranscriptStore;
  outbox: CitizenOutbox;
  texts: HandoffTexts;
  /** When staff work; `clock` decides "now" for that check only (tests set it, everything else uses real time). */
  staffHours: { hours: Hours; timeZone: string; clock?: () => Date };
  /** Whether a username is an active staff member (for transfers). */
  isStaff: (username: string) => Promise<boolean>;
  departments: string[];
  now?: () => Date;
  /** A citizen waiting in the queue is reminded of their position at most this often. */
  remindEveryMs?: number;
}

export type HandoffResult =
  | { ok: true; handoff: Handoff }
  | { ok: false; reason: 'not-found' | 'closed' | 'taken' | 'not-yours' | 'empty' | 'unknown-staff' | 'unknown-department'; heldBy?: string };

export const MAX_STAFF_TEXT = 4000;

export class HandoffService {
  private readonly now: () => Date;

  constructor(private readonly deps: HandoffDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  isOpenNow(): boolean {
    return isStaffOpen(this.hoursNow(), this.deps.staffHours.hours, this.deps.staffHours.timeZone);
  }

  private hoursNow(): Date {
    return (this.deps.staffHours.clock ?? this.now)();
  }

  /** The citizen asked for a person (or the assistant offered one): queue them and say what happens next. */
  async request(input: { conversation: string; chat: Chat; reason: HandoffReason; lang: Lang; guess?: { intent: string; confidence: number }; name?: string }): Promise<Reply[]> {
    const now = this.now();
    const name = input.name?.trim().slice(0, 80);
    const { handoff } = await this.deps.store.open({
      conversation: input.conversation, channel: input.chat.channel, user: input.chat.user, reason: input.reason, lang: input.lang,
      queuedAt: now, assistantGuess: input.guess, outOfHours: !this.isOpenNow(), ...(name ? { citizenName: name } : {}),
    });
    return [await this.waitingMessage(handoff, input.lang)];
  }

  /**
   * A citizen message while their conversation is with staff. It is already in the transcript; the assistant
   * stays silent, except for an occasional reminder of the queue position. Undefined when no handoff is open.
   * `chosenLang` is set when the citizen picked a language (not merely wrote in one).
   */
  async relay(conversation: string, chosenLang?: Lang): Promise<Reply[] | undefined> {
    const handoff = await this.deps.store.findOpen(conversation);
    if (!handoff) return undefined;
    const now = this.now();
    // Staff write in the handoff's language; only an explicit choice changes it (one line of code or a URL is not English).
    const lang = chosenLang ?? handoff.lang;
    if (handoff.lang !== lang) await this.deps.store.update(handoff.id, { statuses: ['queued', 'held'] }, { lang, updatedAt: now });
    if (handoff.status !== 'queued') return [];
    // The first message in the queue is acknowledged at once ("staff will answer here"), later ones at most once
    // every few minutes (with the place in the queue), so writing more does not bring a reply to each line.
    const reminded = handoff.remindedAt?.getTime();
    if (reminded !== undefined && now.getTime() - reminded < (this.deps.remindEveryMs ?? 3 * 60_000)) return [];
    const stamped = await this.deps.store.update(handoff.id, { statuses: ['queued'] }, { remindedAt: now, updatedAt: now });
    if (!stamped) return [];
    if (reminded !== undefined) return [await this.waitingMessage(handoff, lang)];
    return [this.isOpenNow() ? this.deps.texts.reply(lang, 'handoff.ack') : this.deps.texts.reply(lang, 'handoff.ack.later', { when: this.whenOpen(lang) })];
  }

  /** The citizen leaves the queue or the staff member ("cancel", "رجوع للبوت"); false when nothing was open. */
  async leave(conversation: string): Promise<boolean> {
    const handoff = await this.deps.store.findOpen(conversation);
    if (!handoff) return false;
    const now = this.now();
    const closed = await this.deps.store.update(handoff.id, { statuses: ['queued', 'held'] }, { status: 'closed', closedAt: now, closedBy: 'citizen', outcome: 'citizen-left', updatedAt: now });
    if (closed) await this.system(closed, 'citizen left the conversation');
    return !!closed;
  }

  async get(id: string): Promise<Handoff | null> {
    return this.deps.store.get(id);
  }

  async queue(limit = 200): Promise<{ waiting: Handoff[]; held: Handoff[] }> {
    const [waiting, held] = await Promise.all([
      this.deps.store.list({ statuses: ['queued'] }, limit),
      this.deps.store.list({ statuses: ['held'] }, limit),
    ]);
    return { waiting, held };
  }

  /** Only one staff member can hold a conversation: the take is a single conditional update. */
  async take(id: string, actor: Actor): Promise<HandoffResult> {
    const now = this.now();
    const taken = await this.deps.store.update(id, { statuses: ['queued'] }, { status: 'held', heldBy: actor.username, takenAt: now, updatedAt: now });
    if (!taken) return this.refusal(id);
    await this.system(taken, `${actor.username} took the conversation`);
    await this.tell(taken, this.deps.texts.reply(taken.lang, 'handoff.joined'));
    return { ok: true, handoff: taken };
  }

  async reply(id: string, actor: Actor, text: string): Promise<HandoffResult> {
    const clean = text.trim().slice(0, MAX_STAFF_TEXT);
    if (!clean) return { ok: false, reason: 'empty' };
    const now = this.now();
    const held = await this.deps.store.update(id, { statuses: ['held'], heldBy: actor.username }, { updatedAt: now });
    if (!held) return this.refusal(id);
    await this.deps.transcripts.append([{ conversation: held.conversation, from: 'staff', staff: actor.username, text: clean, at: now }]);
    await this.deps.outbox.deliver({ channel: held.channel, user: held.user }, { ...this.deps.texts.reply(held.lang, 'handoff.staff.says', { text: clean }), from: 'staff' });
    return { ok: true, handoff: held };
  }

  /** A private note: staff see it, the citizen never does. */
  async note(id: string, actor: Actor, text: string): Promise<HandoffResult> {
    const clean = text.trim().slice(0, MAX_STAFF_TEXT);
    if (!clean) return { ok: false, reason: 'empty' };
    const now = this.now();
    const noted = await this.deps.store.update(id, { statuses: ['queued', 'held', 'closed'] }, { updatedAt: now }, { by: actor.username, text: clean, at: now });
    return noted ? { ok: true, handoff: noted } : { ok: false, reason: 'not-found' };
  }

  /** To a colleague (they hold it now) or to a department (it waits in the queue marked for them, keeping its place). */
  async transfer(id: string, actor: Actor, to: { staff?: string; department?: string }): Promise<HandoffResult> {
    const now = this.now();
    const expect = { statuses: ['queued', 'held'] as HandoffStatus[], ...(this.mayOverride(actor) ? {} : { heldBy: actor.username }) };
    let moved: Handoff | null;
    if (to.staff) {
      if (!(await this.deps.isStaff(to.staff))) return { ok: false, reason: 'unknown-staff' };
      moved = await this.deps.store.update(id, expect, { status: 'held', heldBy: to.staff, takenAt: now, updatedAt: now });
    } else if (to.department && this.deps.departments.includes(to.department)) {
      moved = await this.deps.store.update(id, expect, { status: 'queued', heldBy: undefined, department: to.department, updatedAt: now });
    } else {
      return { ok: false, reason: 'unknown-department' };
    }
    if (!moved) return this.refusal(id);
    await this.system(moved, `${actor.username} transferred the conversation to ${to.staff ?? to.department}`);
    await this.tell(moved, this.deps.texts.reply(moved.lang, 'handoff.transferred'));
    return { ok: true, handoff: moved };
  }

  /** The assistant answers again from the citizen's next message, and says so now. */
  async handBack(id: string, actor: Actor): Promise<HandoffResult> {
    return this.end(id, actor, 'handed-back', 'handoff.back');
  }

  async close(id: string, actor: Actor, outcome: Outcome): Promise<HandoffResult> {
    return this.end(id, actor, outcome, 'handoff.ended');
  }

  private async end(id: string, actor: Actor, outcome: Outcome, key: ReplyKey): Promise<HandoffResult> {
    const now = this.now();
    const expect = this.mayOverride(actor) ? { statuses: ['queued', 'held'] as HandoffStatus[] } : { statuses: ['held'] as HandoffStatus[], heldBy: actor.username };
    const closed = await this.deps.store.update(id, expect, { status: 'closed', closedAt: now, closedBy: actor.username, outcome, updatedAt: now });
    if (!closed) return this.refusal(id);
    await this.system(closed, `${actor.username} ${outcome === 'handed-back' ? 'handed the conversation back to the assistant' : `closed the conversation (${outcome})`}`);
    await this.tell(closed, this.deps.texts.reply(closed.lang, key));
    return { ok: true, handoff: closed };
  }

  /** Supervisors may move or end a conversation someone else holds (an agent went home). */
  private mayOverride(actor: Actor): boolean {
    return atLeast(actor.role, 'supervisor');
  }

  private async refusal(id: string): Promise<HandoffResult> {
    const current = await this.deps.store.get(id);
    if (!current) return { ok: false, reason: 'not-found' };
    if (current.status === 'closed') return { ok: false, reason: 'closed' };
    if (current.status === 'held') return { ok: false, reason: 'taken', heldBy: current.heldBy };
    return { ok: false, reason: 'not-yours' };
  }

  private async waitingMessage(handoff: Handoff, lang: Lang): Promise<Reply> {
    const t = this.deps.texts;
    if (handoff.status === 'held') return t.reply(lang, 'handoff.with.staff');
    if (!this.isOpenNow()) return t.reply(lang, 'handoff.out.of.hours', { when: this.whenOpen(lang) });
    return t.reply(lang, 'handoff.queued', { position: await this.deps.store.position(handoff) });
  }

  /** When staff are next at work, as the citizen reads it ("الأحد 08:00", "tomorrow 08:00"). */
  private whenOpen(lang: Lang): string {
    const t = this.deps.texts;
    const opening = nextStaffOpening(this.hoursNow(), this.deps.staffHours.hours, this.deps.staffHours.timeZone);
    if (!opening) return '';
    const day = opening.daysAhead === 0 ? t.t(lang, 'handoff.today') : opening.daysAhead === 1 ? t.t(lang, 'handoff.tomorrow') : t.t(lang, `day.${opening.weekday}`);
    return `${day} ${opening.time}`;
  }

  /** Sends to the citizen and writes what they were sent into the transcript. */
  private async tell(handoff: Handoff, reply: Reply): Promise<void> {
    await this.deps.transcripts.append([{ conversation: handoff.conversation, from: 'bot', text: reply.text, at: this.now() }]);
    await this.deps.outbox.deliver({ channel: handoff.channel, user: handoff.user }, reply);
  }

  private async system(handoff: Handoff, text: string): Promise<void> {
    const entry: TranscriptEntry = { conversation: handoff.conversation, from: 'system', text, at: this.now() };
    await this.deps.transcripts.append([entry]);
  }
}
