import type { Booking as BookingRulesT, BookableService, Branch, Service } from '../content/schema.js';
import type { Lang } from '../text/language.js';
import { BOOKING_STATUSES, sameChat, type BookingStatus, type Chat, type HistoryEntry } from '../shared/statuses.js';
import { normalizePhone } from './applications.js';
import { fill, formatDate, listOf, type NotificationTexts } from './notification-texts.js';
import type { Outbox } from './notifications.js';
import { newTrackingCode } from './tracking-code.js';
import { dayFormat, localDay, nextDay, weekday, zonedInstant } from './working-days.js';

export { BOOKING_STATUSES, type BookingStatus };

/** An appointment at a counter: one place (seat) of one slot of one service at one branch. */
export interface Booking {
  code: string;
  service: string;
  branch: string;
  /** Local day and time of the slot (YYYY-MM-DD, HH:MM) and the instant it starts. */
  day: string;
  time: string;
  start: Date;
  /** Which of the slot's places (counters) it holds. */
  seat: number;
  status: BookingStatus;
  /** The clerk needs a name and a phone; the chat is kept only to answer and remind the citizen. */
  citizen: { name: string; phone: string; chat?: Chat };
  lang: Lang;
  /** A meeting request: what the citizen wants to talk about. */
  subject?: string;
  via: string;
  createdAt: Date;
  updatedAt: Date;
  history: HistoryEntry<BookingStatus>[];
  /** Retry key: the same confirm (chat + draft) never books twice. */
  idempotencyKey: string;
  /** When the reminder is due; unset once it is sent or no longer wanted. */
  remindAt?: Date;
  /** Its place was closed (a clerk absent, the branch shut): the citizen was offered other times; it keeps its code. */
  displaced?: { at: Date; block: string };
}

/** Counters (or a whole branch) closed for a period: their places are taken by the block, so no one can book them. */
export interface BookingBlock {
  id: string;
  branch: string;
  /** Local days, first and last included, and optionally the times within each (HH:MM, `to` excluded). */
  fromDay: string;
  toDay: string;
  from?: string;
  to?: string;
  /** One service, or every service of the branch. */
  service?: string;
  /** How many counters close per slot; absent: the whole branch. */
  counters?: number;
  reason: string;
  by: string;
  at: Date;
  /** The bookings whose places it took. */
  displaced: string[];
}

export interface BlockInput {
  branch: string;
  fromDay: string;
  toDay?: string;
  from?: string;
  to?: string;
  service?: string;
  counters?: number;
  reason: string;
  by: string;
  /** The same request sent twice (or to two servers) makes one block. */
  requestId: string;
}

/** One place of one slot: what the unique index is on, so a place is taken by exactly one booking. */
export interface Place { branch: string; service: string; day: string; time: string; seat: number }

export const OPEN_STATUSES: BookingStatus[] = ['booked', 'requested'];

export interface BookingStore {
  /** Takes a place with a unique-index insert: true for exactly one of any number of concurrent callers. */
  takePlace(place: Place, code: string, at: Date): Promise<boolean>;
  /** Who holds a place, and since when. */
  placeHolder(place: Place): Promise<{ code: string; at: Date } | null>;
  /** Frees a place, only if `code` still holds it. */
  releasePlace(place: Place, code: string): Promise<void>;
  /** Which of these places are taken: one lookup by the places' own ids (the index every database uses). */
  takenAmong(places: Place[]): Promise<Place[]>;
  /** A once-only claim (a chat's one booking per service and day; a reminder sent): true for the first caller. */
  claim(key: string, code: string, at: Date, /** The day it is about: forgotten with the day (forgetPast). */ day?: string): Promise<boolean>;
  unclaim(key: string, code: string): Promise<void>;
  claimHolder(key: string): Promise<{ code: string; at: Date } | null>;
  insert(booking: Booking): Promise<'inserted' | 'duplicate-key' | 'duplicate-code'>;
  findByCode(code: string): Promise<Booking | null>;
  findByIdempotencyKey(key: string): Promise<Booking | null>;
  listByChat(chat: Chat, statuses: BookingStatus[]): Promise<Booking[]>;
  listByDay(branch: string, day: string): Promise<Booking[]>;
  /** Changes a booking under its record lock, if its status is one of `expect`; null when it is not. */
  update(code: string, expect: BookingStatus[], change: (current: Booking) => Partial<Booking> & { push: HistoryEntry<BookingStatus> }): Promise<Booking | null>;
  dueReminders(now: Date, limit: number): Promise<Booking[]>;
  /** Stores a block once per id: false when it already exists. */
  insertBlock(block: BookingBlock): Promise<boolean>;
  addDisplaced(id: string, codes: string[]): Promise<void>;
  findBlock(id: string): Promise<BookingBlock | null>;
  /** Blocks of a branch that include the day. */
  blocksOn(branch: string, day: string): Promise<BookingBlock[]>;
  deleteBlock(id: string): Promise<void>;
  /** Frees every place one holder took (a lifted block). */
  releaseAllOf(code: string): Promise<void>;
  /** Deletes the places and dated claims of days before `today`, so looking places up reads only what is ahead. */
  forgetPast(today: string): Promise<number>;
}

export interface BookingRules {
  booking: BookingRulesT;
  municipality: { timezone: string; branches: Pick<Branch, 'id' | 'name' | 'hours'>[] };
  services: Pick<Service, 'id' | 'name' | 'documents' | 'where'>[];
  holidays: readonly string[];
}

export type BookingProblem = 'unknown-service' | 'not-bookable' | 'slot-unavailable' | 'slot-taken' | 'too-many' | 'same-day'
  | 'name-missing' | 'phone-invalid' | 'not-found' | 'not-open' | 'reason-missing' | 'period-invalid';

export type BookingResult = { ok: true; booking: Booking; repeated?: boolean } | { ok: false; problem: BookingProblem };

export interface BookInput {
  service: string;
  branch: string;
  day: string;
  time: string;
  name: string;
  phone: string;
  chat?: Chat;
  lang: Lang;
  subject?: string;
  /** Staff id, or 'citizen'. */
  by: string;
  via: string;
  idempotencyKey: string;
}

/** A place is held by a booking within this long of taking it; an older place without one belongs to a crashed booking. */
const ORPHAN_AFTER_MS = 60_000;

/** A block covers at most this many days; longer closures belong in knowledge/booking.yaml. */
const MAX_BLOCK_DAYS = 31;
/** Times offered to a citizen whose place was closed (with "other times" and "cancel", a WhatsApp list still fits). */
const REOFFERED = 3;

const dayCount = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
/** "Thu 3 Dec" / "الخميس ٣ ديسمبر": short enough for a WhatsApp list row. */
const shortDay = (day: string, lang: Lang) => dayFormat(lang, 'short').format(new Date(`${day}T12:00:00Z`));

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export class BookingService {
  private readonly now: () => Date;
  /** The local day the past places were last forgotten on by this instance. */
  private tidied: string | undefined;

  constructor(private readonly deps: { store: BookingStore; rules: BookingRules; outbox: Outbox; texts: NotificationTexts; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  get rules(): BookingRules { return this.deps.rules; }

  /** The branches where a service can be booked, with their terms. */
  offers(service: string): { branch: string; terms: BookableService }[] {
    return this.deps.rules.booking.branches.flatMap((b) => b.services.filter((s) => s.service === service).map((terms) => ({ branch: b.branch, terms })));
  }

  bookableServices(): string[] {
    return [...new Set(this.deps.rules.booking.branches.flatMap((b) => b.services.map((s) => s.service)))];
  }

  terms(branch: string, service: string): BookableService | undefined {
    return this.deps.rules.booking.branches.find((b) => b.branch === branch)?.services.find((s) => s.service === service);
  }

  /** The window the citizen goes to. */
  window(branch: string, service: string): { ar: string; en: string; fr: string } | undefined {
    return this.terms(branch, service)?.window ?? this.deps.rules.services.find((s) => s.id === service)?.where.window;
  }

  /** Whether a branch takes appointments on a day: open that weekday, not a public holiday, not closed. */
  openOn(branch: string, day: string): boolean {
    const r = this.deps.rules;
    if (r.holidays.includes(day)) return false;
    const entry = r.booking.branches.find((b) => b.branch === branch);
    if (!entry || entry.closures.some((c) => c.from <= day && day <= c.to)) return false;
    return this.hoursOn(branch, day).length > 0;
  }

  private hoursOn(branch: string, day: string) {
    const hours = this.deps.rules.municipality.branches.find((b) => b.id === branch)?.hours ?? [];
    return hours.filter((h) => h.days.includes(weekday(day)));
  }

  /** Every slot time a branch offers for a service on a day, before counting who booked (late ones dropped). */
  slotTimes(branch: string, service: string, day: string): string[] {
    if (!this.inRange(day)) return [];
    const latest = this.now().getTime() + this.deps.rules.booking.latestMinutesBefore * 60_000;
    return this.dayTimes(branch, service, day).filter((t) => zonedInstant(day, t, this.deps.rules.municipality.timezone).getTime() >= latest);
  }

  /** Every slot time of a day the branch is open, whenever it is asked. */
  private dayTimes(branch: string, service: string, day: string): string[] {
    const terms = this.terms(branch, service);
    if (!terms || !this.openOn(branch, day)) return [];
    const times: string[] = [];
    for (const h of this.hoursOn(branch, day)) {
      for (let t = minutes(h.open); t + terms.slotMinutes <= minutes(h.close); t += terms.slotMinutes) times.push(clock(t));
    }
    return times;
  }

  /** Days from today to `daysAhead` days on. */
  private inRange(day: string): boolean {
    const today = localDay(this.now(), this.deps.rules.municipality.timezone);
    return day >= today && day < nextDay(today, this.deps.rules.booking.daysAhead);
  }

  /**
   * Once a day per instance, in the background: the places of past days are deleted. Nothing needs them (no one
   * books, moves or is reminded in the past; the bookings keep their day, time and seat), and the free-place
   * lookup reads the whole places collection on FerretDB, so it must hold only the weeks ahead.
   */
  private tidy(): void {
    const today = localDay(this.now(), this.deps.rules.municipality.timezone);
    if (this.tidied === today) return;
    this.tidied = today;
    this.deps.store.forgetPast(today).catch(() => { this.tidied = undefined; });
  }

  /** Slot times with at least one free place, and how many. */
  async freeSlots(branch: string, service: string, day: string): Promise<{ time: string; free: number }[]> {
    return (await this.freeOn(branch, service, [day])).get(day) ?? [];
  }

  /** The free times of several days at once, in one lookup of their places. */
  private async freeOn(branch: string, service: string, days: string[]): Promise<Map<string, { time: string; free: number }[]>> {
    this.tidy();
    const counters = this.terms(branch, service)?.counters ?? 0;
    const slots = days.flatMap((day) => this.slotTimes(branch, service, day).map((time) => ({ day, time })));
    const result = new Map<string, { time: string; free: number }[]>();
    if (!slots.length) return result;
    const places = slots.flatMap(({ day, time }) => Array.from({ length: counters }, (_, seat) => ({ branch, service, day, time, seat })));
    const taken = new Map<string, number>();
    for (const p of await this.deps.store.takenAmong(places)) taken.set(`${p.day} ${p.time}`, (taken.get(`${p.day} ${p.time}`) ?? 0) + 1);
    for (const { day, time } of slots) {
      const free = counters - (taken.get(`${day} ${time}`) ?? 0);
      if (free > 0) result.set(day, [...(result.get(day) ?? []), { time, free }]);
    }
    return result;
  }

  /** The next days with a free slot, at most `count`. */
  async nextDays(branch: string, service: string, count = 5): Promise<{ day: string; free: number }[]> {
    const today = localDay(this.now(), this.deps.rules.municipality.timezone);
    const days = Array.from({ length: this.deps.rules.booking.daysAhead }, (_, i) => nextDay(today, i)).filter((d) => this.openOn(branch, d));
    const free = await this.freeOn(branch, service, days);
    return days.filter((d) => free.has(d)).slice(0, count).map((day) => ({ day, free: free.get(day)!.length }));
  }

  /**
   * Books a place: the slot must be offered, the chat within its limits, and a place free. The place is taken by a
   * unique-index insert (atomic on MongoDB and FerretDB alike), then the booking is stored.
   */
  async book(input: BookInput): Promise<BookingResult> {
    const store = this.deps.store;
    const earlier = await store.findByIdempotencyKey(input.idempotencyKey);
    if (earlier) return { ok: true, booking: earlier, repeated: true };
    const checked = this.check(input);
    if (checked) return { ok: false, problem: checked };
    const phone = normalizePhone(input.phone);
    if (input.chat) {
      const open = await store.listByChat(input.chat, OPEN_STATUSES);
      // Stored before a crash that lost its retry key's note: the chat's list still names it.
      const made = open.find((b) => b.idempotencyKey === input.idempotencyKey);
      if (made) return { ok: true, booking: made, repeated: true };
      if (open.length >= this.deps.rules.booking.maxOpenPerChat) return { ok: false, problem: 'too-many' };
      if (open.some((b) => b.service === input.service && b.day === input.day)) return { ok: false, problem: 'same-day' };
    }
    const now = this.now();
    const code = newTrackingCode('booking');
    const dayKey = input.chat && `day:${input.chat.channel}:${input.chat.user}:${input.service}:${input.day}`;
    // Two drafts of one chat confirmed at once: only one may hold the service on that day.
    if (dayKey && !(await this.claimDay(dayKey, code, now, input.day))) {
      const other = await this.settled(input.idempotencyKey, dayKey);
      return other ? { ok: true, booking: other, repeated: true } : { ok: false, problem: 'same-day' };
    }
    const seat = await this.takeAnyPlace(input, code, now);
    if (seat === undefined) {
      if (dayKey) await store.unclaim(dayKey, code);
      return { ok: false, problem: 'slot-taken' };
    }
    const terms = this.terms(input.branch, input.service)!;
    const start = zonedInstant(input.day, input.time, this.deps.rules.municipality.timezone);
    const status: BookingStatus = terms.request ? 'requested' : 'booked';
    const booking: Booking = {
      code, service: input.service, branch: input.branch, day: input.day, time: input.time, start, seat, status,
      citizen: { name: input.name.trim(), phone, ...(input.chat ? { chat: { ...input.chat } } : {}) },
      lang: input.lang, ...(input.subject?.trim() ? { subject: input.subject.trim().slice(0, 500) } : {}), via: input.via,
      createdAt: now, updatedAt: now, history: [{ at: now, by: input.by, status }], idempotencyKey: input.idempotencyKey,
      ...(input.chat && status === 'booked' ? { remindAt: this.reminderTime(input.day) } : {}),
    };
    const stored = await store.insert(booking);
    if (stored === 'inserted') return { ok: true, booking };
    // The same confirm arrived twice at once: the other one booked; give this place back.
    await store.releasePlace({ ...input, seat }, code);
    if (dayKey) await store.unclaim(dayKey, code);
    const other = await store.findByIdempotencyKey(input.idempotencyKey);
    if (other) return { ok: true, booking: other, repeated: true };
    throw new Error('could not store the booking: its tracking code was taken');
  }

  /** Claims the chat's day for a service; a claim left by a booking that crashed before it was stored is taken over. */
  private async claimDay(key: string, code: string, now: Date, day: string): Promise<boolean> {
    const store = this.deps.store;
    if (await store.claim(key, code, now, day)) return true;
    const holder = await store.claimHolder(key);
    if (!holder || (now.getTime() - holder.at.getTime() > ORPHAN_AFTER_MS && !(await store.findByCode(holder.code)))) {
      if (holder) await store.unclaim(key, holder.code);
      return store.claim(key, code, now, day);
    }
    return false;
  }

  /**
   * The booking stored under a retry key, waiting a moment for a confirm of the same draft still being stored.
   * The booking holding the chat's day is asked too: it is the one when a crash came between storing it and
   * noting its retry key.
   */
  private settled(idempotencyKey: string, dayKey: string): Promise<Booking | null> {
    const store = this.deps.store;
    return settle(async () => {
      const byKey = await store.findByIdempotencyKey(idempotencyKey);
      if (byKey) return byKey;
      const holder = await store.claimHolder(dayKey);
      const held = holder && await store.findByCode(holder.code);
      return held?.idempotencyKey === idempotencyKey ? held : null;
    });
  }

  private check(input: Pick<BookInput, 'service' | 'branch' | 'day' | 'time' | 'name' | 'phone'>): BookingProblem | undefined {
    if (!this.deps.rules.services.some((s) => s.id === input.service)) return 'unknown-service';
    if (!this.terms(input.branch, input.service)) return 'not-bookable';
    if (!input.name.trim()) return 'name-missing';
    if (normalizePhone(input.phone).replace(/\D/g, '').length < 6) return 'phone-invalid';
    if (!this.slotTimes(input.branch, input.service, input.day).includes(input.time)) return 'slot-unavailable';
    return undefined;
  }

  /** Tries each place of the slot in turn; a place held by a booking that crashed before it was stored is freed. */
  private async takeAnyPlace(slot: Omit<Place, 'seat'>, code: string, now: Date): Promise<number | undefined> {
    const counters = this.terms(slot.branch, slot.service)!.counters;
    const store = this.deps.store;
    const all = Array.from({ length: counters }, (_, seat) => ({ ...slot, seat }));
    // Free places first (one lookup), then the taken ones, in case one was left by a booking that crashed.
    const taken = new Set((await store.takenAmong(all)).map((p) => p.seat));
    for (const seat of [...all.map((p) => p.seat).filter((x) => !taken.has(x)), ...taken]) {
      const place = { branch: slot.branch, service: slot.service, day: slot.day, time: slot.time, seat };
      if (await store.takePlace(place, code, now)) return seat;
      const holder = await store.placeHolder(place);
      if (holder && now.getTime() - holder.at.getTime() > ORPHAN_AFTER_MS && !(await store.findByCode(holder.code))) {
        await store.releasePlace(place, holder.code);
        if (await store.takePlace(place, code, now)) return seat;
      }
    }
    return undefined;
  }

  private reminderTime(day: string): Date {
    const r = this.deps.rules.booking.reminder;
    return zonedInstant(nextDay(day, -r.daysBefore), r.at, this.deps.rules.municipality.timezone);
  }

  /** The booking a retry key stored, if any (a confirm whose receipt was lost). */
  findFiled(idempotencyKey: string): Promise<Booking | null> {
    return this.deps.store.findByIdempotencyKey(idempotencyKey);
  }

  find(code: string): Promise<Booking | null> {
    return this.deps.store.findByCode(code);
  }

  /** The chat's bookings still to come. */
  async mine(chat: Chat): Promise<Booking[]> {
    const now = this.now().getTime();
    const open = await this.deps.store.listByChat(chat, OPEN_STATUSES);
    return open.filter((b) => b.start.getTime() > now).sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  /** A day's bookings at a branch, in time order. */
  async day(branch: string, day: string): Promise<Booking[]> {
    const list = await this.deps.store.listByDay(branch, day);
    return list.sort((a, b) => a.time.localeCompare(b.time) || a.seat - b.seat);
  }

  /** Cancels an open booking (the citizen's own when `chat` is given) and frees its place. */
  async cancel(code: string, by: string, chat?: Chat): Promise<BookingResult> {
    const current = await this.deps.store.findByCode(code);
    if (!current || (chat && !sameChat(current.citizen.chat, chat))) return { ok: false, problem: 'not-found' };
    const now = this.now();
    const updated = await this.deps.store.update(code, OPEN_STATUSES, () => ({ status: 'cancelled', updatedAt: now, remindAt: undefined, push: { at: now, by, status: 'cancelled' } }));
    if (!updated) return { ok: false, problem: 'not-open' };
    await this.free(updated);
    // Cancelled by the municipality: the citizen learns it on their channel, with the way to book again.
    if (!chat && by !== 'citizen') await this.tell(updated, 'booking.cancelled-by-office');
    return { ok: true, booking: updated };
  }

  /**
   * The Mayor's Office answers a meeting request: approved, it becomes a booking with its reminder; declined (with a
   * reason), its place is freed. The citizen is told either way.
   */
  async decide(code: string, approve: boolean, by: string, reason?: string): Promise<BookingResult> {
    const now = this.now();
    const why = reason?.trim().slice(0, 500);
    if (!approve && !why) return { ok: false, problem: 'reason-missing' };
    const updated = await this.deps.store.update(code, ['requested'], (b) => approve
      ? { status: 'booked', updatedAt: now, ...(b.citizen.chat ? { remindAt: this.reminderTime(b.day) } : {}), push: { at: now, by, status: 'booked' } }
      : { status: 'declined', updatedAt: now, push: { at: now, by, status: 'declined', note: why } });
    if (!updated) return { ok: false, problem: (await this.deps.store.findByCode(code)) ? 'not-open' : 'not-found' };
    if (!approve) await this.free(updated);
    await this.tell(updated, approve ? 'booking.approved' : 'booking.declined', { reason: why ?? '' });
    return { ok: true, booking: updated };
  }

  private async tell(b: Booking, key: 'booking.cancelled-by-office' | 'booking.approved' | 'booking.declined', extra: Record<string, string> = {}): Promise<void> {
    if (!b.citizen.chat) return;
    const lang = b.lang;
    const r = this.deps.rules;
    const text = fill(this.deps.texts.messages[key][lang], {
      code: b.code, date: formatDate(b.day, lang, r.municipality.timezone), time: b.time,
      branch: r.municipality.branches.find((x) => x.id === b.branch)?.name[lang] ?? b.branch, ...extra,
    });
    await this.deps.outbox.enqueue({ to: b.citizen.chat, about: { kind: 'booking', code: b.code }, reply: { lang, text } });
  }

  /** A clerk marks a booking on its day: the citizen came (arrived), was served (done), or did not come (no-show). */
  async mark(code: string, status: 'arrived' | 'done' | 'no-show', by: string): Promise<BookingResult> {
    const from: BookingStatus[] = status === 'done' ? ['booked', 'arrived'] : ['booked'];
    const now = this.now();
    const updated = await this.deps.store.update(code, from, () => ({ status, updatedAt: now, remindAt: undefined, push: { at: now, by, status } }));
    if (updated) return { ok: true, booking: updated };
    return { ok: false, problem: (await this.deps.store.findByCode(code)) ? 'not-open' : 'not-found' };
  }

  /** Moves an open booking to another slot, keeping its code: the new place is taken before the old one is freed. */
  async reschedule(code: string, day: string, time: string, by: string, chat?: Chat): Promise<BookingResult> {
    const store = this.deps.store;
    const current = await store.findByCode(code);
    if (!current || (chat && !sameChat(current.citizen.chat, chat))) return { ok: false, problem: 'not-found' };
    if (!OPEN_STATUSES.includes(current.status)) return { ok: false, problem: 'not-open' };
    if (current.day === day && current.time === time && !current.displaced) return { ok: true, booking: current, repeated: true };
    const problem = this.check({ ...current, name: current.citizen.name, phone: current.citizen.phone, day, time });
    if (problem) return { ok: false, problem };
    const now = this.now();
    const chatOf = current.citizen.chat;
    const dayKey = chatOf && day !== current.day ? `day:${chatOf.channel}:${chatOf.user}:${current.service}:${day}` : undefined;
    if (dayKey && !(await store.claim(dayKey, code, now, day))) return { ok: false, problem: 'same-day' };
    const seat = await this.takeAnyPlace({ branch: current.branch, service: current.service, day, time }, code, now);
    if (seat === undefined) {
      if (dayKey) await store.unclaim(dayKey, code);
      return { ok: false, problem: 'slot-taken' };
    }
    const start = zonedInstant(day, time, this.deps.rules.municipality.timezone);
    const updated = await store.update(code, OPEN_STATUSES, () => ({
      day, time, start, seat, updatedAt: now, displaced: undefined, ...(chatOf && current.status === 'booked' ? { remindAt: this.reminderTime(day) } : {}),
      push: { at: now, by, note: `moved from ${current.day} ${current.time} to ${day} ${time}` },
    }));
    if (!updated) {
      await store.releasePlace({ branch: current.branch, service: current.service, day, time, seat }, code);
      if (dayKey) await store.unclaim(dayKey, code);
      return { ok: false, problem: 'not-open' };
    }
    // Same day: the chat's claim on that day stays with the booking.
    await this.free(current, current.day !== day);
    return { ok: true, booking: updated };
  }

  /** Gives back the place (and the chat's day) a booking held. */
  private async free(b: Booking, day = true): Promise<void> {
    await this.deps.store.releasePlace({ branch: b.branch, service: b.service, day: b.day, time: b.time, seat: b.seat }, b.code);
    const chat = b.citizen.chat;
    if (chat && day) await this.deps.store.unclaim(`day:${chat.channel}:${chat.user}:${b.service}:${b.day}`, b.code);
  }

  /**
   * Closes counters (or the whole branch) for a period. Each closed place is taken by the block with the same
   * unique-index insert a booking uses, so a citizen pressing at that moment either gets the place first (and is
   * then moved off it) or finds it gone. Bookings on closed places keep their code, lose their reminder and their
   * citizen is offered other times on their channel, once (a claim per booking and place) however many servers
   * or retries run the same block.
   */
  async block(input: BlockInput): Promise<{ ok: true; block: BookingBlock } | { ok: false; problem: BookingProblem }> {
    const r = this.deps.rules;
    const toDay = input.toDay ?? input.fromDay;
    const entry = r.booking.branches.find((b) => b.branch === input.branch);
    if (!entry) return { ok: false, problem: 'not-bookable' };
    if (input.service && !entry.services.some((s) => s.service === input.service)) return { ok: false, problem: 'not-bookable' };
    if (!input.reason.trim()) return { ok: false, problem: 'reason-missing' };
    const today = localDay(this.now(), r.municipality.timezone);
    const span = dayCount(input.fromDay, toDay);
    if (!Number.isFinite(span) || input.fromDay < today || span < 1 || span > MAX_BLOCK_DAYS || (input.from && input.to && input.from >= input.to)) return { ok: false, problem: 'period-invalid' };
    const now = this.now();
    const id = `block:${input.branch}:${input.requestId}`;
    const block: BookingBlock = {
      id, branch: input.branch, fromDay: input.fromDay, toDay, ...(input.from ? { from: input.from } : {}), ...(input.to ? { to: input.to } : {}),
      ...(input.service ? { service: input.service } : {}), ...(input.counters ? { counters: input.counters } : {}),
      reason: input.reason.trim().slice(0, 300), by: input.by, at: now, displaced: [],
    };
    // A repeat of the same request carries on where the first stopped (a crash, another server) and changes nothing else.
    const stored = (await this.deps.store.insertBlock(block)) ? block : (await this.deps.store.findBlock(id))!;
    const displaced: string[] = [];
    for (let i = 0; i < span; i++) {
      const day = nextDay(stored.fromDay, i);
      for (const terms of entry.services.filter((s) => !stored.service || s.service === stored.service)) {
        const closing = Math.min(stored.counters ?? terms.counters, terms.counters);
        for (const time of this.dayTimes(stored.branch, terms.service, day)) {
          if ((stored.from && time < stored.from) || (stored.to && time >= stored.to)) continue;
          displaced.push(...await this.closeSlot({ branch: stored.branch, service: terms.service, day, time }, terms.counters, closing, stored, now));
        }
      }
    }
    if (displaced.length) await this.deps.store.addDisplaced(id, displaced);
    for (const code of displaced) await this.reoffer(code, stored);
    return { ok: true, block: { ...stored, displaced: [...new Set([...stored.displaced, ...displaced])] } };
  }

  /** Takes `closing` places of one slot for the block: free ones first (highest seat first), then booked ones. */
  private async closeSlot(slot: Omit<Place, 'seat'>, counters: number, closing: number, block: BookingBlock, now: Date): Promise<string[]> {
    const store = this.deps.store;
    let held = 0;
    const booked: number[] = [];
    for (let seat = counters - 1; seat >= 0 && held < closing; seat--) {
      const place = { ...slot, seat };
      if (await store.takePlace(place, block.id, now)) { held++; continue; }
      const holder = await store.placeHolder(place);
      if (holder?.code === block.id) held++;
      else if (holder && !holder.code.startsWith('block:')) booked.push(seat);
    }
    const moved: string[] = [];
    for (const seat of booked) {
      if (held >= closing) break;
      const place = { ...slot, seat };
      const code = await this.displace(place, block, now);
      if (code) moved.push(code);
      if ((await store.placeHolder(place))?.code === block.id) held++;
    }
    return moved;
  }

  /** Moves a booking off a place the block closes, and gives the place to the block; the booking's code, or none. */
  private async displace(place: Place, block: BookingBlock, now: Date): Promise<string | undefined> {
    const store = this.deps.store;
    for (let attempt = 0; attempt < 3; attempt++) {
      const holder = await store.placeHolder(place);
      if (!holder) { if (await store.takePlace(place, block.id, now)) return undefined; continue; }
      if (holder.code.startsWith('block:')) return undefined;
      // A booking still being stored holds its place a moment before its record exists.
      const booking = await this.settledCode(holder.code);
      if (!booking) {
        if (now.getTime() - holder.at.getTime() > ORPHAN_AFTER_MS) await store.releasePlace(place, holder.code);
        continue;
      }
      const at = (b: Booking) => b.day === place.day && b.time === place.time && b.seat === place.seat;
      if (OPEN_STATUSES.includes(booking.status) && at(booking)) {
        await store.update(booking.code, OPEN_STATUSES, (b) => (at(b)
          ? { displaced: { at: now, block: block.id }, remindAt: undefined, updatedAt: now, push: { at: now, by: block.by, note: `place closed: ${block.reason}` } }
          : { push: { at: now, by: block.by, note: 'place closed after it moved' } }));
      }
      await store.releasePlace(place, holder.code);
      if (await store.takePlace(place, block.id, now)) return OPEN_STATUSES.includes(booking.status) ? booking.code : undefined;
    }
    return undefined;
  }

  private settledCode(code: string): Promise<Booking | null> {
    return settle(() => this.deps.store.findByCode(code));
  }

  /** Tells the citizen of a displaced booking, once, and offers the next free times at the same branch. */
  private async reoffer(code: string, block: BookingBlock): Promise<void> {
    const b = await this.deps.store.findByCode(code);
    if (!b?.displaced || !b.citizen.chat) return;
    if (!(await this.deps.store.claim(`displaced:${b.code}:${b.day}T${b.time}`, block.id, this.now(), b.day))) return;
    const lang = b.lang;
    const r = this.deps.rules;
    const m = this.deps.texts.messages;
    const times = await this.nextTimes(b.branch, b.service, REOFFERED);
    const text = fill(m['booking.displaced'][lang], {
      code: b.code, date: formatDate(b.day, lang, r.municipality.timezone), time: b.time, reason: block.reason,
      branch: r.municipality.branches.find((x) => x.id === b.branch)?.name[lang] ?? b.branch,
    });
    const choices = [
      ...times.map((t) => ({ label: `${shortDay(t.day, lang)} ${t.time}`, value: `/book-move-to ${b.code} ${t.day} ${t.time}` })),
      { label: m['booking.displaced.other'][lang], value: `/book-move ${b.code}` },
      { label: m['booking.displaced.cancel'][lang], value: `/book-cancel ${b.code}` },
    ];
    await this.deps.outbox.enqueue({ to: b.citizen.chat, about: { kind: 'booking', code: b.code }, reply: { lang, text, choices } });
  }

  /** The first free times from now on, across days. */
  async nextTimes(branch: string, service: string, count: number): Promise<{ day: string; time: string }[]> {
    const found: { day: string; time: string }[] = [];
    for (const { day } of await this.nextDays(branch, service, count)) {
      for (const s of await this.freeSlots(branch, service, day)) {
        if (found.length >= count) return found;
        found.push({ day, time: s.time });
      }
    }
    return found;
  }

  /** Lifts a block: its places are free again. The bookings it displaced keep the times their citizens chose since. */
  async unblock(id: string): Promise<boolean> {
    const found = await this.deps.store.findBlock(id);
    if (!found) return false;
    await this.deps.store.releaseAllOf(id);
    await this.deps.store.deleteBlock(id);
    return true;
  }

  blocksOn(branch: string, day: string): Promise<BookingBlock[]> {
    return this.deps.store.blocksOn(branch, day);
  }

  /**
   * Queues the reminders that are due, each once: a claim per booking and slot (a unique insert) decides which
   * instance sends it, so restarts and a second server never send it twice. Returns how many were queued.
   */
  async sendDueReminders(limit = 50): Promise<number> {
    this.tidy();
    const now = this.now();
    const due = await this.deps.store.dueReminders(now, limit);
    let sent = 0;
    for (const b of due) {
      if (!b.citizen.chat || b.status !== 'booked' || b.start.getTime() <= now.getTime()) continue;
      if (!(await this.deps.store.claim(`reminder:${b.code}:${b.day}T${b.time}`, b.code, now, b.day))) continue;
      await this.deps.outbox.enqueue({ to: b.citizen.chat, about: { kind: 'booking', code: b.code }, reply: { lang: b.lang, text: this.reminderText(b) } });
      await this.deps.store.update(b.code, OPEN_STATUSES, () => ({ remindAt: undefined, push: { at: now, by: 'system', note: 'reminded' } }));
      sent++;
    }
    return sent;
  }

  private reminderText(b: Booking): string {
    const lang = b.lang;
    const r = this.deps.rules;
    const branch = r.municipality.branches.find((x) => x.id === b.branch)?.name[lang] ?? b.branch;
    const documents = r.services.find((s) => s.id === b.service)?.documents.map((d) => d.name[lang]) ?? [];
    return fill(this.deps.texts.messages['booking.reminder'][lang], {
      code: b.code, date: formatDate(b.day, lang, r.municipality.timezone), time: b.time, branch,
      window: this.window(b.branch, b.service)?.[lang] ?? '', documents: listOf(documents, lang),
    });
  }
}

/** What `find` returns once it returns something, asking again for up to 2 s (a write of another request still landing). */
async function settle<T>(find: () => Promise<T | null>): Promise<T | null> {
  const until = Date.now() + 2_000;
  for (;;) {
    const found = await find();
    if (found || Date.now() > until) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
