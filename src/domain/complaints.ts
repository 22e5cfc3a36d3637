import { createHash } from 'node:crypto';
import type { ChannelName } from '../shared/message.js';
import type { Lang } from '../text/language.js';
import { fill, withNote, type NotificationTexts } from './notification-texts.js';
import type { Outbox } from './notifications.js';
import { sameChat, type Chat, type ComplaintStatus, type HistoryEntry } from '../shared/statuses.js';
import { complaintProblems, fixedChoiceValue, type ComplaintProblem } from './complaint-checks.js';
import type { ComplaintLocation, ComplaintRules, FileComplaintInput, Privacy } from './complaint-input.js';

export type { ComplaintLocation, ComplaintRules, FileComplaintInput, Privacy } from './complaint-input.js';
import { newTrackingCode } from './tracking-code.js';


export { complaintProblems, fixedChoiceValue, insideBounds, parseFixedChoice, MAX_DESCRIPTION, MAX_PHOTOS, type ComplaintProblem } from './complaint-checks.js';


/** Who filed: kept only for named and confidential complaints, never for anonymous ones. */
export interface Reporter {
  name?: string;
  /** The chat updates go to. */
  contact?: Chat;
  email?: string;
  phone?: string;
}

export interface Complaint {
  code: string;
  category: string;
  department: string;
  description: string;
  location?: ComplaintLocation;
  /** Stored media ids of photos sent in the chat. */
  photos: string[];
  /** A photo link given through Open311. */
  mediaUrl?: string;
  privacy: Privacy;
  reporter?: Reporter;
  consentToContact: boolean;
  lang: Lang;
  status: ComplaintStatus;
  createdAt: Date;
  updatedAt: Date;
  /** When the municipality commits to act: filing time + the category's deadlineDays. */
  deadline: Date;
  history: HistoryEntry<ComplaintStatus>[];
  flaggedForSupervisor: boolean;
  /** When the passed deadline was escalated (escalation.ts); absent until then. */
  escalatedAt?: Date;
  /** The staff member working on it (a username of its department); absent while it waits in the department's queue. */
  assignee?: string;
  /** How it arrived; for anonymous complaints this is all that is kept about the sender. */
  via: ChannelName | 'open311';
  /** The chat it was filed from ("my requests"); absent for anonymous complaints. */
  source?: Chat;
  /** Hash of the retry key, so a redelivered message files once. Anonymous ones are forgotten after an hour. */
  idempotencyKey: string;
}

export type ComplaintChange = {
  set: Partial<Pick<Complaint, 'status' | 'department' | 'flaggedForSupervisor' | 'escalatedAt'>> & { updatedAt: Date; /** null removes it. */ assignee?: string | null };
  push: HistoryEntry<ComplaintStatus>;
};

export interface ComplaintSearch {
  codes?: string[];
  categories?: string[];
  statuses?: ComplaintStatus[];
  from?: Date;
  to?: Date;
  /** Last changed within (updatedAt), for feeds of status changes. */
  updatedFrom?: Date;
  updatedTo?: Date;
  limit: number;
}

/** Statuses in which the municipality still owes the citizen something: only these can be overdue. */
export const OPEN_STATUSES: ComplaintStatus[] = ['received', 'in-progress', 'reopened'];

/** One page of the console's complaint list; every filter is answered by the database, not in memory. */
export interface ComplaintListQuery {
  /** Absent: every department (the citizen office); otherwise only these. */
  departments?: string[];
  statuses?: ComplaintStatus[];
  categories?: string[];
  /** Open and past their deadline at this moment. */
  overdueAt?: Date;
  /** Only those whose passed deadline has not been escalated yet. */
  notEscalated?: boolean;
  /** Open and due within [dueFrom, dueBefore): "due soon". */
  dueFrom?: Date;
  dueBefore?: Date;
  /** Assigned to this username; null: assigned to nobody. */
  assignee?: string | null;
  /** Only the open statuses (the work still owed). */
  openOnly?: boolean;
  /** Filed within [from, to). */
  from?: Date;
  to?: Date;
  sort: 'newest' | 'oldest' | 'deadline';
  skip: number;
  limit: number;
}

/** `estimated`: the total was reckoned from part of the records (a filter the maintained counts cannot answer). */
export interface ComplaintPage { total: number; items: Complaint[]; estimated?: boolean }

/**
 * The views staff use all day, answered from the maintained queue index (db/complaint-queues.ts) by key lookups
 * rather than a search: open complaints of some departments, earliest deadline first.
 */
export interface QueueQuery {
  departments: string[];
  /** One of the open statuses; all of them when absent. */
  status?: ComplaintStatus;
  /** Only these categories (read from the day documents: the counts are by status). */
  categories?: string[];
  /** A username: what is assigned to that person; null: only what nobody holds yet. */
  assignee?: string | null;
  /** Deadline within [deadlineFrom, deadlineBefore): overdue is `deadlineBefore: now`, due soon `now … now + window`. */
  deadlineFrom?: Date;
  deadlineBefore?: Date;
  /** Only those whose passed deadline has not been escalated yet (the escalation job). */
  notEscalated?: boolean;
  skip: number;
  limit: number;
}

/**
 * The queue view that answers this list query, if it is one: open statuses only (all three or one), earliest
 * deadline first, no filing-date filter. Anything else is a search (MongoComplaintStore.list).
 */
export function queueView(q: ComplaintListQuery): QueueQuery | undefined {
  if (q.sort !== 'deadline' || q.from || q.to || !q.departments) return undefined;
  const onlyOpen = q.openOnly || q.overdueAt || q.dueBefore;
  if (!q.statuses && !onlyOpen) return undefined;
  const statuses = q.statuses ?? OPEN_STATUSES;
  const open = statuses.filter((s) => OPEN_STATUSES.includes(s));
  if (open.length !== statuses.length || (open.length !== 1 && new Set(open).size !== OPEN_STATUSES.length)) return undefined;
  const before = [q.overdueAt, q.dueBefore].filter((d): d is Date => !!d).sort((x, y) => x.getTime() - y.getTime())[0];
  return {
    departments: q.departments, ...(open.length === 1 ? { status: open[0] } : {}),
    ...(q.categories ? { categories: q.categories } : {}),
    ...(q.assignee !== undefined ? { assignee: q.assignee } : {}),
    ...(q.dueFrom ? { deadlineFrom: q.dueFrom } : {}),
    ...(before ? { deadlineBefore: before } : {}),
    ...(q.notEscalated ? { notEscalated: true } : {}),
    skip: q.skip, limit: q.limit,
  };
}

/** Storage port for complaints. */
export interface ComplaintStore {
  /** Stores a new complaint unless one with the same code or idempotency key exists. */
  insert(complaint: Complaint): Promise<'inserted' | 'duplicate-key' | 'duplicate-code'>;
  findByCode(code: string): Promise<Complaint | null>;
  findByIdempotencyKey(key: string): Promise<Complaint | null>;
  /** Applies the change only if the complaint still matches `expect`; returns the changed complaint or null. */
  update(code: string, expect: { statuses?: ComplaintStatus[]; source?: Chat; /** null: held by nobody. */ assignee?: string | null }, change: ComplaintChange): Promise<Complaint | null>;
  listBySource(source: Chat, limit: number): Promise<Complaint[]>;
  search(query: ComplaintSearch): Promise<Complaint[]>;
  /** The console's list: filtered, sorted and paged by the database, with the number of matches. */
  list(query: ComplaintListQuery): Promise<ComplaintPage>;
  /** Replaces the idempotency key of anonymous complaints filed before `before`, so nothing links them to a chat. */
  forgetAnonymousKeys(before: Date): Promise<number>;
}


const FORGET_ANONYMOUS_KEYS_AFTER_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;


export interface Receipt { code: string; department: string; deadline: Date; category: string; privacy: Privacy }

export type FileResult =
  | { ok: true; receipt: Receipt; complaint: Complaint; duplicate: boolean }
  | { ok: false; problems: ComplaintProblem[] };

export type ChangeResult =
  | { ok: true; complaint: Complaint }
  | { ok: false; reason: 'not-found' | 'unchanged' | 'not-yours' | 'not-resolved' | 'unknown-department' | 'not-open' };

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function retryKey(input: FileComplaintInput, at: Date): string {
  if (input.idempotencyKey) return hash(`key:${input.idempotencyKey}`);
  const chat = input.from ? `${input.from.channel}:${input.from.user}` : `via:${input.via ?? 'unknown'}`;
  if (input.messageId) return hash(`message:${chat}:${input.messageId}`);
  const minute = Math.floor(at.getTime() / 60_000);
  return hash(`text:${chat}:${input.category}:${input.description.trim()}:${minute}`);
}

function receiptOf(c: Complaint): Receipt {
  return { code: c.code, department: c.department, deadline: c.deadline, category: c.category, privacy: c.privacy };
}

export interface ComplaintDeps {
  store: ComplaintStore;
  outbox: Outbox;
  rules: ComplaintRules;
  texts: NotificationTexts;
  now?: () => Date;
}

export class ComplaintService {
  private readonly now: () => Date;

  constructor(private readonly deps: ComplaintDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Stores the complaint first and only then returns the receipt; a retried message returns the first receipt. */
  async fileComplaint(input: FileComplaintInput): Promise<FileResult> {
    const problems = complaintProblems(input, this.deps.rules);
    if (problems.length) return { ok: false, problems };
    const category = this.deps.rules.categories.find((c) => c.id === input.category)!;
    const now = this.now();
    const idempotencyKey = retryKey(input, now);
    const existing = await this.deps.store.findByIdempotencyKey(idempotencyKey);
    if (existing) return { ok: true, receipt: receiptOf(existing), complaint: existing, duplicate: true };

    const anonymous = input.privacy === 'anonymous';
    const reporter: Reporter = {
      ...(input.name?.trim() ? { name: input.name.trim() } : {}),
      ...(input.from ? { contact: { channel: input.from.channel, user: input.from.user } } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.phone ? { phone: input.phone } : {}),
    };
    const base = {
      category: category.id,
      department: category.department,
      description: input.description.trim(),
      ...(input.location ? { location: 'text' in input.location ? { text: input.location.text.trim() } : { lat: input.location.lat, lon: input.location.lon } } : {}),
      photos: input.photos ?? [],
      ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
      privacy: input.privacy,
      ...(anonymous ? {} : { reporter, ...(input.from ? { source: { channel: input.from.channel, user: input.from.user } } : {}) }),
      // Nobody can be contacted about an anonymous complaint: there is no one on record.
      consentToContact: !anonymous && input.consentToContact && !!input.from,
      lang: input.lang,
      status: 'received' as const,
      createdAt: now,
      updatedAt: now,
      deadline: new Date(now.getTime() + category.deadlineDays * DAY_MS),
      history: [{ at: now, by: input.filedBy ?? (input.via === 'open311' ? 'open311' : 'citizen'), status: 'received' as const }],
      flaggedForSupervisor: false,
      via: input.via ?? input.from?.channel ?? 'open311',
      idempotencyKey,
    };

    // A clash of random codes is astronomically rare, but then the complaint simply gets another code.
    for (let attempt = 0; attempt < 5; attempt++) {
      const complaint: Complaint = { code: newTrackingCode('complaint'), ...base };
      const outcome = await this.deps.store.insert(complaint);
      if (outcome === 'inserted') {
        await this.deps.store.forgetAnonymousKeys(new Date(now.getTime() - FORGET_ANONYMOUS_KEYS_AFTER_MS)).catch(() => 0);
        return { ok: true, receipt: receiptOf(complaint), complaint, duplicate: false };
      }
      if (outcome === 'duplicate-key') {
        const first = await this.deps.store.findByIdempotencyKey(idempotencyKey);
        if (first) return { ok: true, receipt: receiptOf(first), complaint: first, duplicate: true };
      }
    }
    throw new Error('could not store the complaint: no free tracking code after 5 tries');
  }

  /** The complaint filed with this caller-made retry key, if any (a receipt the citizen may not have seen). */
  async findFiled(idempotencyKey: string): Promise<Receipt | null> {
    const found = await this.deps.store.findByIdempotencyKey(hash(`key:${idempotencyKey}`));
    return found && receiptOf(found);
  }

  async find(code: string): Promise<Complaint | null> {
    return this.deps.store.findByCode(code);
  }

  /** Staff move a complaint on; the filer is told on their chat if they agreed to be contacted. */
  async changeStatus(code: string, status: ComplaintStatus, by: string, note?: string): Promise<ChangeResult> {
    const current = await this.deps.store.findByCode(code);
    if (!current) return { ok: false, reason: 'not-found' };
    if (current.status === status) return { ok: false, reason: 'unchanged' };
    const now = this.now();
    const updated = await this.deps.store.update(code, { statuses: [current.status] }, {
      set: { status, updatedAt: now },
      push: { at: now, by, status, ...(note?.trim() ? { note: note.trim() } : {}) },
    });
    // Someone else changed it in between: report it as unchanged rather than overwrite their change.
    if (!updated) return { ok: false, reason: 'unchanged' };
    await this.notifyFiler(updated, note);
    return { ok: true, complaint: updated };
  }

  /** The filer's answer to "was it fixed?": yes closes the complaint, no reopens it for a supervisor. */
  async answerFixed(code: string, yes: boolean, comment: string | undefined, chat: Chat): Promise<ChangeResult> {
    const now = this.now();
    const status: ComplaintStatus = yes ? 'closed' : 'reopened';
    const updated = await this.deps.store.update(code, { statuses: ['resolved'], source: chat }, {
      set: { status, updatedAt: now, ...(yes ? {} : { flaggedForSupervisor: true }) },
      push: { at: now, by: 'citizen', status, note: comment?.trim() || (yes ? 'citizen confirmed it is fixed' : 'citizen says it is not fixed') },
    });
    if (updated) return { ok: true, complaint: updated };
    const current = await this.deps.store.findByCode(code);
    if (!current) return { ok: false, reason: 'not-found' };
    if (!sameChat(current.source, chat)) return { ok: false, reason: 'not-yours' };
    return { ok: false, reason: 'not-resolved' };
  }

  /**
   * Gives a complaint to a staff member (null: back to the department's queue). Only while it is open; the caller
   * has checked that the person works for its department. Recorded in its history.
   */
  /**
   * `seen`: who held it when the clerk looked (null: nobody). The change is made only if that is still so, so two
   * clerks taking one complaint at once cannot both get it, however late their requests are read.
   */
  async assign(code: string, assignee: string | null, by: string, note?: string, seen?: string | null): Promise<ChangeResult> {
    const current = await this.deps.store.findByCode(code);
    if (!current) return { ok: false, reason: 'not-found' };
    if ((current.assignee ?? null) === assignee) return { ok: false, reason: 'unchanged' };
    const now = this.now();
    const what = assignee ? `assigned to ${assignee}${current.assignee ? ` (was ${current.assignee})` : ''}` : `unassigned (was ${current.assignee})`;
    // Only if nobody changed who holds it or closed it in between: the one who looked decides.
    if (seen !== undefined && (current.assignee ?? null) !== seen) return { ok: false, reason: 'unchanged' };
    const updated = await this.deps.store.update(code, { statuses: OPEN_STATUSES, assignee: seen !== undefined ? seen : current.assignee ?? null }, {
      set: { assignee, updatedAt: now },
      push: { at: now, by, note: [what, note?.trim()].filter(Boolean).join(': ') },
    });
    if (!updated) {
      const again = await this.deps.store.findByCode(code);
      return { ok: false, reason: again && !OPEN_STATUSES.includes(again.status) ? 'not-open' : 'unchanged' };
    }
    return { ok: true, complaint: updated };
  }

  /** Sends a complaint to another department; the deadline stays what was promised to the citizen. */
  async reassign(code: string, department: string, by: string, note?: string): Promise<ChangeResult> {
    const known = this.deps.rules.departments;
    if (known && !known.some((d) => d.id === department)) return { ok: false, reason: 'unknown-department' };
    const current = await this.deps.store.findByCode(code);
    if (!current) return { ok: false, reason: 'not-found' };
    if (current.department === department) return { ok: false, reason: 'unchanged' };
    const now = this.now();
    // The new department's queue decides who takes it: whoever held it here lets it go.
    const updated = await this.deps.store.update(code, {}, {
      set: { department, updatedAt: now, ...(current.assignee ? { assignee: null } : {}) },
      push: { at: now, by, note: [`reassigned from ${current.department} to ${department}`, note?.trim()].filter(Boolean).join(': ') },
    });
    return updated ? { ok: true, complaint: updated } : { ok: false, reason: 'not-found' };
  }

  private async notifyFiler(c: Complaint, note?: string): Promise<void> {
    if (!c.consentToContact || c.privacy === 'anonymous' || !c.source) return;
    const t = this.deps.texts;
    const lang = c.lang;
    const vars = { code: c.code, status: t.statuses.complaint[c.status][lang] };
    if (c.status === 'resolved') {
      await this.deps.outbox.enqueue({
        to: c.source,
        about: { kind: 'complaint', code: c.code },
        reply: {
          lang,
          text: withNote(fill(t.messages['complaint.resolved'][lang], vars), note, t, lang),
          choices: [
            { label: t.messages['complaint.fixed.yes'][lang], value: fixedChoiceValue(c.code, true) },
            { label: t.messages['complaint.fixed.no'][lang], value: fixedChoiceValue(c.code, false) },
          ],
        },
      });
      return;
    }
    await this.deps.outbox.enqueue({
      to: c.source,
      about: { kind: 'complaint', code: c.code },
      reply: { lang, text: withNote(fill(t.messages['complaint.status'][lang], vars), note, t, lang) },
    });
  }
}
