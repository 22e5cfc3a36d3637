import { randomBytes } from 'node:crypto';
import type { Content } from '../../content/load.js';
import type { Booking, BookingProblem, BookingService } from '../../domain/bookings.js';
import { normalizePhone } from '../../domain/applications.js';
import { codeShaped } from '../../domain/tracking-code.js';
import { dayFormat } from '../../domain/working-days.js';
import type { Lang } from '../../text/language.js';
import { normalize } from '../../text/normalize.js';
import type { Phrasebook } from '../replies.js';
import type { Turn } from '../respond.js';
import { bookingDraft, givenName, leaveFlow, type BookingDraft } from '../state.js';
import type { Choice, Reply } from '../../shared/message.js';
import { rememberReceipt } from './complaint.js';

export interface BookingFlowDeps {
  content: Pick<Content, 'services' | 'municipality' | 'booking'>;
  bookings: BookingService;
  phrases: Phrasebook;
}

/** Times shown at once: WhatsApp Cloud lists hold ten rows, and one is "later times". */
const TIMES_SHOWN = 9;
const DAYS_SHOWN = 5;
const MAX_NAME = 120;
const MAX_SUBJECT = 500;

/**
 * Booking an appointment: service → branch → day → time → name and phone → summary → confirm. Every choice is a
 * `/book…` command, so buttons, inline keyboards and numbered lines all work; "my appointments" lists, cancels
 * and moves them.
 */
export class BookingFlow {
  private readonly mine: Set<string>;

  constructor(private readonly deps: BookingFlowDeps) {
    this.mine = new Set(deps.content.booking.mine.map(normalize));
  }

  /** Starts from what the chat already said: the service asked about, or the one it was just talking about. */
  async start(turn: Turn): Promise<Reply[]> {
    const draft: BookingDraft = { step: 'service', id: randomBytes(9).toString('base64url'), lang: turn.lang };
    const service = turn.understanding?.service ?? turn.state.service ?? undefined;
    turn.state.flow = { kind: 'booking', draft };
    if (service) return this.chooseService(turn, draft, service);
    return [this.askService(turn.lang)];
  }

  /** A confirmed draft whose receipt was lost (a crash in between) gets its receipt instead of a second booking. */
  async recover(turn: Turn): Promise<Reply[] | undefined> {
    const draft = bookingDraft(turn.state);
    if (draft?.step !== 'confirm' || draft.moving) return undefined;
    const found = await this.deps.bookings.findFiled(this.retryKey(turn, draft.id));
    return found ? this.booked(turn, found) : undefined;
  }

  async resume(turn: Turn): Promise<Reply[] | undefined> {
    const text = turn.text.trim();
    if (this.mine.has(normalize(text))) return this.listMine(turn);
    if (text.startsWith('/book') || text === '/bookings') return this.command(turn, text);
    const draft = bookingDraft(turn.state);
    if (!draft || text.startsWith('/')) return undefined;
    return this.typed(turn, draft, text);
  }

  cancel(turn: Turn): boolean {
    const had = leaveFlow(turn.state, 'booking');
    return had;
  }

  private retryKey(turn: Turn, draftId: string): string {
    return `booking-draft:${turn.conversation}:${draftId}`;
  }

  private async command(turn: Turn, text: string): Promise<Reply[]> {
    const [name, ...rest] = text.split(/\s+/);
    const arg = rest.join(' ');
    const { state, lang } = turn;
    if (name === '/bookings') return this.listMine(turn);
    if (name === '/book' && arg) {
      const draft: BookingDraft = { step: 'service', id: randomBytes(9).toString('base64url'), lang };
      state.flow = { kind: 'booking', draft };
      return this.chooseService(turn, draft, arg);
    }
    if (name === '/book') return this.start(turn);
    if (name === '/book-cancel') return this.askCancel(turn, arg);
    if (name === '/book-cancel-yes') return this.doCancel(turn, arg);
    if (name === '/book-keep') return [this.deps.phrases.reply(lang, 'booking.kept', {}, this.deps.phrases.menuChoices(lang))];
    if (name === '/book-move') return this.startMove(turn, arg);
    if (name === '/book-move-to') return this.moveTo(turn, rest);
    const draft = bookingDraft(state);
    if (!draft) return this.start(turn);
    switch (name) {
      case '/book-service': return this.chooseService(turn, draft, arg);
      case '/book-branch':
        if (!this.deps.bookings.offers(draft.service ?? '').some((o) => o.branch === arg)) return [await this.ask(turn, draft)];
        draft.branch = arg;
        draft.step = 'day';
        return [await this.ask(turn, draft)];
      case '/book-days':
        draft.step = 'day';
        return [await this.ask(turn, draft)];
      case '/book-day': {
        const [day, from] = rest;
        if (!draft.branch || !/^\d{4}-\d{2}-\d{2}$/.test(day ?? '')) return [await this.ask(turn, draft)];
        draft.day = day;
        draft.step = 'time';
        return [await this.askTime(turn, draft, from)];
      }
      case '/book-time':
        if (!draft.day || !/^\d{2}:\d{2}$/.test(arg)) return [await this.ask(turn, draft)];
        draft.time = arg;
        return [await this.advance(turn, draft)];
      case '/book-name-shown':
        if (draft.step !== 'name' || !turn.inbound.displayName?.trim()) return [await this.ask(turn, draft)];
        draft.name = turn.inbound.displayName.trim().slice(0, MAX_NAME);
        return [await this.advance(turn, draft)];
      case '/book-confirm':
        if (draft.step !== 'confirm') return [await this.ask(turn, draft)];
        return this.confirm(turn, draft);
      default:
        return [await this.ask(turn, draft)];
    }
  }

  /** Typed answers: the name, the phone, the meeting's subject, or a service's name. */
  private async typed(turn: Turn, draft: BookingDraft, text: string): Promise<Reply[] | undefined> {
    // "Sara Ali" typed in an Arabic chat is a name, not a wish to switch to English.
    if (draft.lang && (draft.step === 'name' || draft.step === 'phone' || draft.step === 'subject') && !turn.state.langChosen) {
      turn.lang = turn.state.lang = draft.lang;
    }
    const { lang } = turn;
    const p = this.deps.phrases;
    switch (draft.step) {
      case 'name':
        draft.name = text.slice(0, MAX_NAME);
        return [await this.advance(turn, draft)];
      case 'phone': {
        const phone = normalizePhone(text);
        if (phone.replace(/\D/g, '').length < 6 || phone.replace(/\D/g, '').length > 15) return [p.reply(lang, 'booking.phone.invalid')];
        draft.phone = phone;
        return [await this.advance(turn, draft)];
      }
      case 'subject':
        draft.subject = text.slice(0, MAX_SUBJECT);
        return [await this.advance(turn, draft)];
      case 'service': {
        const t = normalize(text);
        const found = this.deps.content.services.find((s) => [s.name.ar, s.name.en, ...s.aliases.ar, ...s.aliases.en, ...s.aliases.arabizi].some((n) => normalize(n) === t));
        return found ? this.chooseService(turn, draft, found.id) : undefined;
      }
      default:
        // Anything else typed mid-booking goes to the rest of the assistant; the draft waits.
        return undefined;
    }
  }

  private async chooseService(turn: Turn, draft: BookingDraft, id: string): Promise<Reply[]> {
    const { lang } = turn;
    const p = this.deps.phrases;
    const service = this.deps.content.services.find((s) => s.id === id);
    if (!service) return [this.askService(lang)];
    const offers = this.deps.bookings.offers(id);
    if (!offers.length) {
      leaveFlow(turn.state, 'booking');
      return [p.reply(lang, 'booking.not-bookable', { service: service.name[lang], phone: this.deps.content.municipality.phone }, this.bookChoices(lang))];
    }
    turn.state.service = id;
    draft.service = id;
    draft.branch = offers.length === 1 ? offers[0].branch : undefined;
    draft.step = draft.branch ? 'day' : 'branch';
    return [await this.ask(turn, draft)];
  }

  /** After a time is picked: what is still missing, else the summary. */
  private async advance(turn: Turn, draft: BookingDraft): Promise<Reply> {
    const { inbound } = turn;
    // WhatsApp knows the number: a Cloud user id is the number, a WhatsApp Web chat id is the number @c.us.
    const number = inbound.user.replace(/@c\.us$/, '');
    if (!draft.phone && (inbound.channel === 'whatsapp' || inbound.channel === 'whatsapp-cloud') && /^\+?\d{8,15}$/.test(number)) {
      // WhatsApp numbers are international, without the plus.
      draft.phone = normalizePhone(number.startsWith('+') ? number : `+${number}`);
    }
    const request = this.deps.bookings.terms(draft.branch!, draft.service!)?.request;
    draft.step = draft.moving ? 'confirm' : !draft.name ? 'name' : !draft.phone ? 'phone' : request && !draft.subject ? 'subject' : 'confirm';
    return this.ask(turn, draft);
  }

  private askService(lang: Lang): Reply {
    const p = this.deps.phrases;
    const ids = this.deps.bookings.bookableServices();
    const choices = this.deps.content.services.filter((s) => ids.includes(s.id)).map((s) => ({ label: s.name[lang], value: `/book-service ${s.id}` }));
    return p.reply(lang, 'booking.service.ask', {}, choices);
  }

  /** The question for the step the draft is at. */
  private async ask(turn: Turn, draft: BookingDraft): Promise<Reply> {
    const { lang } = turn;
    const p = this.deps.phrases;
    const b = this.deps.bookings;
    const service = this.serviceName(lang, draft.service);
    switch (draft.step) {
      case 'service':
        return this.askService(lang);
      case 'branch':
        return p.reply(lang, 'booking.branch.ask', { service }, b.offers(draft.service!).map((o) => ({ label: this.branchName(lang, o.branch), value: `/book-branch ${o.branch}` })));
      case 'day': {
        const days = await b.nextDays(draft.branch!, draft.service!, DAYS_SHOWN);
        if (!days.length) {
          leaveFlow(turn.state, 'booking');
          return p.reply(lang, 'booking.none', { phone: this.deps.content.municipality.phone }, p.menuChoices(lang));
        }
        return p.reply(lang, 'booking.day.ask', { service, branch: this.branchName(lang, draft.branch!) },
          days.map((d) => ({ label: this.dayLabel(lang, d.day), value: `/book-day ${d.day}` })));
      }
      case 'time':
        return this.askTime(turn, draft);
      case 'name':
        // A command, not the name itself: a Latin name pressed in an Arabic chat must not switch its language.
        return p.reply(lang, 'booking.name.ask', {}, turn.inbound.displayName ? [{ label: turn.inbound.displayName.slice(0, MAX_NAME), value: '/book-name-shown' }] : undefined);
      case 'phone':
        return p.reply(lang, 'booking.phone.ask');
      case 'subject':
        return p.reply(lang, 'booking.subject.ask');
      case 'confirm':
        return p.reply(lang, 'booking.summary', {
          service, branch: this.branchName(lang, draft.branch!), window: b.window(draft.branch!, draft.service!)?.[lang] ?? '',
          date: this.dayLabel(lang, draft.day!), time: draft.time!, name: draft.name ?? '', phone: draft.phone ?? '',
        }, [{ label: p.t(lang, 'booking.confirm'), value: '/book-confirm' }, { label: p.t(lang, 'booking.change-time'), value: '/book-days' },
          { label: p.t(lang, 'booking.cancel'), value: '/cancel' }]);
    }
  }

  /** The free times of the draft's day from `from` on, as choices; "later" when more remain. */
  private async askTime(turn: Turn, draft: BookingDraft, from?: string, key: 'booking.time.ask' | 'booking.taken' = 'booking.time.ask'): Promise<Reply> {
    const { lang } = turn;
    const p = this.deps.phrases;
    const free = (await this.deps.bookings.freeSlots(draft.branch!, draft.service!, draft.day!)).filter((s) => !from || s.time >= from);
    if (!free.length) {
      draft.step = 'day';
      const again = await this.ask(turn, draft);
      return { ...again, text: `${p.t(lang, 'booking.unavailable')}\n${again.text}` };
    }
    draft.step = 'time';
    const shown = free.slice(0, TIMES_SHOWN);
    const choices: Choice[] = shown.map((s) => ({ label: s.time, value: `/book-time ${s.time}` }));
    if (free.length > TIMES_SHOWN) choices.push({ label: p.t(lang, 'booking.time.later'), value: `/book-day ${draft.day} ${free[TIMES_SHOWN].time}` });
    else choices.push({ label: p.t(lang, 'booking.time.other-day'), value: '/book-days' });
    return p.reply(lang, key, { date: this.dayLabel(lang, draft.day!) }, choices);
  }

  /** Books (or moves) and answers only once the booking is stored. */
  private async confirm(turn: Turn, draft: BookingDraft): Promise<Reply[]> {
    const { lang, inbound } = turn;
    const p = this.deps.phrases;
    const chat = { channel: inbound.channel, user: inbound.user };
    const result = draft.moving
      ? await this.deps.bookings.reschedule(draft.moving, draft.day!, draft.time!, 'citizen', chat)
      : await this.deps.bookings.book({
        service: draft.service!, branch: draft.branch!, day: draft.day!, time: draft.time!, name: draft.name ?? '', phone: draft.phone ?? '',
        chat, lang, subject: draft.subject, by: 'citizen', via: inbound.channel, idempotencyKey: this.retryKey(turn, draft.id),
      });
    if (result.ok) return draft.moving ? this.moved(turn, result.booking) : this.booked(turn, result.booking);
    return this.refused(turn, draft, result.problem, p);
  }

  private async refused(turn: Turn, draft: BookingDraft, problem: BookingProblem, p: Phrasebook): Promise<Reply[]> {
    const { lang } = turn;
    switch (problem) {
      case 'slot-taken':
        draft.time = undefined;
        return [await this.askTime(turn, draft, undefined, 'booking.taken')];
      case 'slot-unavailable': {
        draft.time = undefined;
        draft.step = 'day';
        const days = await this.ask(turn, draft);
        return [{ ...days, text: `${p.t(lang, 'booking.unavailable')}\n${days.text}` }];
      }
      case 'name-missing':
        draft.step = 'name';
        return [await this.ask(turn, draft)];
      case 'phone-invalid':
        draft.step = 'phone';
        return [p.reply(lang, 'booking.phone.invalid')];
      case 'too-many':
        leaveFlow(turn.state, 'booking');
        return [p.reply(lang, 'booking.too-many', { max: this.deps.content.booking.maxOpenPerChat }, [{ label: p.t(lang, 'menu.status'), value: '/bookings' }])];
      case 'same-day':
        leaveFlow(turn.state, 'booking');
        return [p.reply(lang, 'booking.same-day', {}, [{ label: p.t(lang, 'menu.status'), value: '/bookings' }])];
      default:
        leaveFlow(turn.state, 'booking');
        return [p.reply(lang, 'booking.not-found', {}, p.menuChoices(lang))];
    }
  }

  /** The booking is stored: the chat remembers the code, and the citizen reads the receipt with what to bring. */
  private booked(turn: Turn, b: Booking): Reply[] {
    const { lang } = turn;
    const p = this.deps.phrases;
    turn.state.givenName = givenName(turn.state);
    leaveFlow(turn.state, 'booking');
    rememberReceipt(turn.state, b.code);
    const where = { branch: this.branchName(lang, b.branch), date: this.dayLabel(lang, b.day), time: b.time };
    if (b.status === 'requested') return [p.reply(lang, 'booking.requested', { code: b.code, ...where }, p.menuChoices(lang))];
    const service = this.deps.content.services.find((s) => s.id === b.service);
    const documents = (service?.documents ?? []).map((d, i) => `${i + 1}. ${d.name[lang]}${d.note ? ` (${d.note[lang]})` : ''}`).join('\n');
    return [p.reply(lang, 'booking.receipt', {
      code: b.code, service: this.serviceName(lang, b.service), window: this.deps.bookings.window(b.branch, b.service)?.[lang] ?? '', documents, ...where,
    }, p.menuChoices(lang))];
  }

  private moved(turn: Turn, b: Booking): Reply[] {
    const { lang } = turn;
    const p = this.deps.phrases;
    leaveFlow(turn.state, 'booking');
    return [p.reply(lang, 'booking.moved', {
      code: b.code, date: this.dayLabel(lang, b.day), time: b.time, branch: this.branchName(lang, b.branch), window: this.deps.bookings.window(b.branch, b.service)?.[lang] ?? '',
    }, p.menuChoices(lang))];
  }

  private async listMine(turn: Turn): Promise<Reply[]> {
    const { lang, inbound } = turn;
    const p = this.deps.phrases;
    const mine = await this.deps.bookings.mine({ channel: inbound.channel, user: inbound.user });
    if (!mine.length) return [p.reply(lang, 'booking.mine.none', {}, this.bookChoices(lang))];
    const list = mine.map((b) => p.t(lang, 'booking.line', { code: b.code, service: this.serviceName(lang, b.service), date: this.dayLabel(lang, b.day), time: b.time, branch: this.branchName(lang, b.branch) })
      + (b.displaced ? ` ${p.t(lang, 'booking.line.displaced')}` : '')).join('\n');
    const choices = mine.flatMap((b) => [
      { label: p.t(lang, 'booking.choice.move', { code: b.code }), value: `/book-move ${b.code}` },
      { label: p.t(lang, 'booking.choice.cancel', { code: b.code }), value: `/book-cancel ${b.code}` },
    ]);
    return [p.reply(lang, 'booking.mine', { list }, choices)];
  }

  /** The booking a command names, if it is this chat's and still to come. */
  private async own(turn: Turn, arg: string): Promise<Booking | undefined> {
    const code = codeShaped(arg)[0] ?? arg;
    const mine = await this.deps.bookings.mine({ channel: turn.inbound.channel, user: turn.inbound.user });
    const compact = (c: string) => c.toUpperCase().replace(/[\s-]/g, '');
    return mine.find((b) => compact(b.code) === compact(code));
  }

  private async askCancel(turn: Turn, arg: string): Promise<Reply[]> {
    const { lang } = turn;
    const p = this.deps.phrases;
    const b = await this.own(turn, arg);
    if (!b) return [p.reply(lang, 'booking.not-found', {}, this.bookChoices(lang))];
    return [p.reply(lang, 'booking.cancel.ask', { code: b.code, date: this.dayLabel(lang, b.day), time: b.time }, [
      { label: p.t(lang, 'booking.cancel.yes'), value: `/book-cancel-yes ${b.code}` }, { label: p.t(lang, 'booking.cancel.no'), value: '/book-keep' },
    ])];
  }

  private async doCancel(turn: Turn, arg: string): Promise<Reply[]> {
    const { lang, inbound } = turn;
    const p = this.deps.phrases;
    const b = await this.own(turn, arg);
    const result = b && await this.deps.bookings.cancel(b.code, 'citizen', { channel: inbound.channel, user: inbound.user });
    if (!result?.ok) return [p.reply(lang, 'booking.not-found', {}, this.bookChoices(lang))];
    return [p.reply(lang, 'booking.cancelled', { code: result.booking.code }, p.menuChoices(lang))];
  }

  private async startMove(turn: Turn, arg: string): Promise<Reply[]> {
    const { lang } = turn;
    const b = await this.own(turn, arg);
    if (!b) return [this.deps.phrases.reply(lang, 'booking.not-found', {}, this.bookChoices(lang))];
    const draft: BookingDraft = { step: 'day', id: randomBytes(9).toString('base64url'), service: b.service, branch: b.branch, moving: b.code, lang, name: b.citizen.name, phone: b.citizen.phone };
    turn.state.flow = { kind: 'booking', draft };
    return [await this.ask(turn, draft)];
  }

  /** A time offered after the citizen's place was closed: pressed, the booking moves there at once. */
  private async moveTo(turn: Turn, [code, day, time]: string[]): Promise<Reply[]> {
    const { lang } = turn;
    const b = await this.own(turn, code ?? '');
    if (!b || !/^\d{4}-\d{2}-\d{2}$/.test(day ?? '') || !/^\d{2}:\d{2}$/.test(time ?? '')) return [this.deps.phrases.reply(lang, 'booking.not-found', {}, this.bookChoices(lang))];
    const draft: BookingDraft = { step: 'confirm', id: randomBytes(9).toString('base64url'), service: b.service, branch: b.branch, moving: b.code, lang, day, time, name: b.citizen.name, phone: b.citizen.phone };
    turn.state.flow = { kind: 'booking', draft };
    return this.confirm(turn, draft);
  }

  private bookChoices(lang: Lang): Choice[] {
    const p = this.deps.phrases;
    // The main menu has the "book an appointment" button.
    return p.menuChoices(lang);
  }

  private serviceName(lang: Lang, id?: string): string {
    return this.deps.content.services.find((s) => s.id === id)?.name[lang] ?? id ?? '';
  }

  private branchName(lang: Lang, id: string): string {
    return this.deps.content.municipality.branches.find((b) => b.id === id)?.name[lang] ?? id;
  }

  /** "Monday 28 December" / "الاثنين ٢٨ ديسمبر": a local day as citizens say it. */
  private dayLabel(lang: Lang, day: string): string {
    return dayFormat(lang, 'long').format(new Date(`${day}T12:00:00Z`));
  }
}
