import type { Day, Municipality, Service } from '../content/schema.js';
import type { Lang } from '../text/language.js';
import { asciiDigits } from '../text/normalize.js';
import { fill, listOf, withNote, type NotificationTexts } from './notification-texts.js';
import type { Outbox } from './notifications.js';
import type { ApplicationStatus, Chat, HistoryEntry } from '../shared/statuses.js';
import { newTrackingCode } from './tracking-code.js';
import { addWorkingDays } from './working-days.js';

/** An application (معاملة) handed in at the counter, followed until the citizen collects the result. */
export interface Application {
  code: string;
  service: string;
  applicant: { name: string; phone: string; chat?: Chat };
  lang: Lang;
  status: ApplicationStatus;
  /** What the applicant still has to bring; only while the status is needs-documents. */
  missingDocuments: string[];
  rejectionReason?: string;
  createdAt: Date;
  updatedAt: Date;
  /** The municipality-local day it should be ready (YYYY-MM-DD), counted in working days. */
  expectedBy: string;
  history: HistoryEntry<ApplicationStatus>[];
}

/** Statuses after which nothing more is owed by the expected date. */
export const FINISHED_APPLICATION: ApplicationStatus[] = ['approved', 'delivered', 'rejected'];

/** One page of the applications registry, answered by the database. */
export interface ApplicationListQuery {
  services?: string[];
  statuses?: ApplicationStatus[];
  /** Not finished and expected before this municipality-local day (YYYY-MM-DD): overdue today. */
  overdueOn?: string;
  sort: 'newest' | 'oldest' | 'expected';
  skip: number;
  limit: number;
}

export interface ApplicationStore {
  /** 'duplicate-code' when the code is taken (then the caller draws another). */
  insert(application: Application): Promise<'inserted' | 'duplicate-code'>;
  findByCode(code: string): Promise<Application | null>;
  /** Applies the change only while the status is still `expectStatus`. */
  update(code: string, expectStatus: ApplicationStatus, change: {
    set: Pick<Application, 'status' | 'missingDocuments' | 'updatedAt'> & { rejectionReason?: string };
    push: HistoryEntry<ApplicationStatus>;
  }): Promise<Application | null>;
  linkChat(code: string, chat: Chat): Promise<Application | null>;
  listByChat(chat: Chat, limit: number): Promise<Application[]>;
  list(query: ApplicationListQuery): Promise<{ total: number; items: Application[] }>;
}

export interface ApplicationRules {
  services: { id: string; duration: Pick<Service['duration'], 'days'> }[];
  municipality: Pick<Municipality, 'timezone'> & { staffHours?: { days: Day[] }[] };
  /** Public holidays (local days YYYY-MM-DD), skipped like weekends. */
  holidays?: readonly string[];
}

export interface CreateApplicationInput {
  service: string;
  name: string;
  phone: string;
  /** The applicant's chat, when they want updates there. */
  chat?: Chat;
  lang?: Lang;
  /** The staff member who registered it. */
  by: string;
  note?: string;
}

export type ApplicationProblem = 'unknown-service' | 'name-missing' | 'phone-invalid';

export interface StatusChange {
  status: ApplicationStatus;
  by: string;
  note?: string;
  /** Required for needs-documents. */
  missingDocuments?: string[];
  /** Required for rejected. */
  reason?: string;
}

export type ApplicationChangeResult =
  | { ok: true; application: Application }
  | { ok: false; reason: 'not-found' | 'unchanged' | 'missing-documents-required' | 'reason-required' };

/** Digits only, Arabic-Indic digits read as ASCII, a leading + kept. */
export function normalizePhone(phone: string): string {
  const ascii = asciiDigits(phone).trim();
  return (ascii.startsWith('+') || ascii.startsWith('00') ? '+' : '') + ascii.replace(/\D/g, '').replace(/^00/, '');
}

/** Two ways of writing one number match when their last nine digits do (with or without country code). */
export function samePhone(a: string, b: string): boolean {
  const x = normalizePhone(a).replace(/\D/g, '');
  const y = normalizePhone(b).replace(/\D/g, '');
  return x.length >= 6 && y.length >= 6 && x.slice(-9) === y.slice(-9);
}

export interface ApplicationDeps {
  store: ApplicationStore;
  outbox: Outbox;
  rules: ApplicationRules;
  texts: NotificationTexts;
  now?: () => Date;
}

export class ApplicationService {
  private readonly now: () => Date;

  constructor(private readonly deps: ApplicationDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async createApplication(input: CreateApplicationInput): Promise<{ ok: true; application: Application } | { ok: false; problems: ApplicationProblem[] }> {
    const service = this.deps.rules.services.find((s) => s.id === input.service);
    const problems: ApplicationProblem[] = [];
    if (!service) problems.push('unknown-service');
    if (!input.name.trim()) problems.push('name-missing');
    const phone = normalizePhone(input.phone);
    if (phone.replace(/\D/g, '').length < 6) problems.push('phone-invalid');
    if (!service || problems.length) return { ok: false, problems };

    const now = this.now();
    const m = this.deps.rules.municipality;
    const workingDays = m.staffHours?.length ? [...new Set(m.staffHours.flatMap((h) => h.days))] : undefined;
    const base = {
      service: service.id,
      applicant: { name: input.name.trim(), phone, ...(input.chat ? { chat: { ...input.chat } } : {}) },
      lang: input.lang ?? 'ar',
      status: 'received' as const,
      missingDocuments: [],
      createdAt: now,
      updatedAt: now,
      expectedBy: addWorkingDays(now, service.duration.days, m.timezone, workingDays, this.deps.rules.holidays),
      history: [{ at: now, by: input.by, status: 'received' as const, ...(input.note?.trim() ? { note: input.note.trim() } : {}) }],
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      const application: Application = { code: newTrackingCode('application'), ...base };
      if (await this.deps.store.insert(application) === 'inserted') return { ok: true, application };
    }
    throw new Error('could not store the application: no free tracking code after 5 tries');
  }

  async find(code: string): Promise<Application | null> {
    return this.deps.store.findByCode(code);
  }

  async changeStatus(code: string, change: StatusChange): Promise<ApplicationChangeResult> {
    const missing = (change.missingDocuments ?? []).map((d) => d.trim()).filter(Boolean);
    const reason = change.reason?.trim();
    if (change.status === 'needs-documents' && !missing.length) return { ok: false, reason: 'missing-documents-required' };
    if (change.status === 'rejected' && !reason) return { ok: false, reason: 'reason-required' };
    const current = await this.deps.store.findByCode(code);
    if (!current) return { ok: false, reason: 'not-found' };
    const sameMissing = missing.join('\n') === current.missingDocuments.join('\n');
    if (current.status === change.status && (change.status !== 'needs-documents' || sameMissing)) return { ok: false, reason: 'unchanged' };

    const now = this.now();
    const note = [change.note?.trim(), change.status === 'needs-documents' ? `missing: ${missing.join('; ')}` : undefined,
      change.status === 'rejected' ? `reason: ${reason}` : undefined].filter(Boolean).join(' | ');
    const updated = await this.deps.store.update(code, current.status, {
      set: {
        status: change.status,
        missingDocuments: change.status === 'needs-documents' ? missing : [],
        updatedAt: now,
        ...(change.status === 'rejected' ? { rejectionReason: reason } : {}),
      },
      push: { at: now, by: change.by, status: change.status, ...(note ? { note } : {}) },
    });
    if (!updated) return { ok: false, reason: 'unchanged' };
    await this.notifyApplicant(updated, change.note);
    return { ok: true, application: updated };
  }

  private async notifyApplicant(a: Application, note?: string): Promise<void> {
    const chat = a.applicant.chat;
    if (!chat) return;
    const t = this.deps.texts;
    const lang = a.lang;
    const vars = { code: a.code, status: t.statuses.application[a.status][lang], missing: listOf(a.missingDocuments, lang), reason: a.rejectionReason ?? '' };
    const key = a.status === 'needs-documents' || a.status === 'approved' || a.status === 'rejected' ? `application.${a.status}` as const : 'application.status';
    await this.deps.outbox.enqueue({
      to: chat,
      about: { kind: 'application', code: a.code },
      reply: { lang, text: withNote(fill(t.messages[key][lang], vars), note, t, lang) },
    });
  }
}
