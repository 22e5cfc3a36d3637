import type { Content } from '../content/load.js';
import type { Aspect, ReplyKey } from '../content/schema.js';
import { detectLanguage, type Lang } from '../text/language.js';
import { codeShaped, parseTrackingCode } from '../domain/tracking-code.js';
import { asciiDigits, cleanInput, normalize } from '../text/normalize.js';
import type { Understander, Understanding } from '../understanding/understand.js';
import type { Phrasebook } from './replies.js';
import { complaintDraft, type ChatState } from './state.js';
import type { InboundMessage, Reply } from '../shared/message.js';

export const MAX_TEXT = 2000;
/** What staff are told about why a chat came to them; any other handoff intent counts as asked for. */
const HANDOFF_REASONS: Record<string, 'requested' | 'legal-question' | 'form-help'> = { 'human-agent': 'requested', 'legal-question': 'legal-question', 'form-help': 'form-help' };
const FLOOD_WINDOW_MS = 10_000;
const FLOOD_LIMIT = 20;
const GLOBAL_COMMANDS = new Set(['start', 'help', 'menu', 'services', 'service', 'aspect', 'more', 'offices', 'lang', 'complaint', 'status', 'suggest', 'agent']);
const ASPECTS = new Set(['documents', 'fees', 'duration', 'location', 'steps']);
const LANGUAGE_WORDS: Record<string, Lang> = {
  english: 'en', 'in english': 'en', انجليزي: 'en', انكليزي: 'en', بالانجليزي: 'en', بالانكليزي: 'en', inglizi: 'en',
  arabic: 'ar', عربي: 'ar', بالعربي: 'ar', 'in arabic': 'ar', '3arabi': 'ar', arabi: 'ar', العربيه: 'ar',
  francais: 'fr', 'en francais': 'fr', french: 'fr', 'in french': 'fr', فرنسي: 'fr', بالفرنسي: 'fr', بالفرنساوي: 'fr',
  fransawi: 'fr', 'bel fransawi': 'fr', 'bil fransawi': 'fr', 'parlez francais': 'fr',
};
// Politeness around a language's name ("français s'il vous plaît", "English please") does not make it a sentence.
const POLITE = new Set(['svp', 'stp', 's', 'il', 'vous', 'te', 'plait', 'please', 'pls', 'plz', 'merci', 'لو', 'سمحت', 'من', 'فضلك', 'law', 'samaht', 'min', 'fadlak']);

/** "English please", "بالعربي لو سمحت": a short message naming a language asks to switch to it. */
function languageRequest(text: string): Lang | undefined {
  const words = normalize(text).split(' ').filter((w) => !POLITE.has(w));
  if (words.length > 4) return undefined;
  for (let i = 0; i < words.length; i++) {
    const hit = LANGUAGE_WORDS[words[i]] ?? LANGUAGE_WORDS[`${words[i]} ${words[i + 1]}`];
    if (hit) return hit;
  }
  return undefined;
}

/** Three words or more in the script of `lang` (Arabizi counts as Arabic): enough to tell the citizen now writes it. */
function clearSentence(text: string, lang: Lang): boolean {
  const words = text.split(/[^\p{L}\p{N}']+/u).filter((w) => w.length >= 2);
  const arabic = words.filter((w) => /[\u0600-\u06FF]/.test(w)).length;
  const latin = words.filter((w) => /[A-Za-z]/.test(w)).length;
  return (lang === 'ar' ? Math.max(arabic, latin) : latin) >= 3;
}

/** A message that is a tracking code and nothing else ("c 3qwjw wr72d", "C-7KQ2X-M4PR9"), even one mistyped. */
function onlyCode(text: string): boolean {
  const shaped = codeShaped(text);
  if (shaped.length !== 1 || asciiDigits(text).replace(shaped[0], '').replace(/[\s.,:;!?؟،#-]/g, '') !== '') return false;
  const parsed = parseTrackingCode(shaped[0]);
  return parsed.ok || parsed.problem === 'typo';
}

/** Everything a turn needs; flows for complaints, status and staff plug in here. */
export interface Turn {
  conversation: string;
  inbound: InboundMessage;
  state: ChatState;
  lang: Lang;
  text: string;
  /** Set by a flow when the transcript must forget the conversation from this time on (ms). */
  forgetSince?: number;
  /** Set by a flow when this turn's lines (and the chat's lines from this time on, ms) are about a confidential complaint. */
  confidentialSince?: number;
  /** The first message of a visit: "سلام" then greets rather than says goodbye. */
  firstMessage?: boolean;
  understanding?: Understanding;
}

/** A conversation feature outside plain guidance: complaints, status lookups, handoff to staff. */
export type FlowStarter = (turn: Turn) => Promise<Reply[]>;
export interface Flows {
  /**
   * Runs before anything else while a conversation is with staff (queued or held): it relays the message and
   * returns what the citizen is told (often nothing). Returns undefined when the bot should answer as usual.
   */
  relay?: (turn: Turn) => Promise<Reply[] | undefined>;
  /**
   * Runs first on every message: a request this chat confirmed may have been stored without the citizen ever seeing
   * its receipt (a crash between the two); this returns that receipt, or undefined.
   */
  recover?: (turn: Turn) => Promise<Reply[] | undefined>;
  /** Continues a multi-step flow the chat is in (a complaint being filed...); undefined when there is none. */
  resume?: (turn: Turn) => Promise<Reply[] | undefined>;
  /** "cancel" anywhere: ends whatever flow or queue the chat is in; true when there was one. */
  cancel?: (turn: Turn) => Promise<boolean>;
  complaint?: FlowStarter;
  suggestion?: FlowStarter;
  status?: FlowStarter;
  /** Booking an appointment at a counter. */
  booking?: FlowStarter;
  handoff?: (turn: Turn, reason: 'requested' | 'legal-question' | 'form-help' | 'misunderstood') => Promise<Reply[]>;
  /** Voice notes, videos, files, stickers and contacts: answered (or kept for staff) before anything else. */
  media?: (turn: Turn) => Promise<Reply[] | undefined>;
}

export interface Result {
  replies: Reply[];
  understanding?: Understanding;
  /** Transcript lines from this time on (this turn's included) must not keep what was said: an anonymous complaint. */
  forgetSince?: number;
  /** Transcript lines from this time on (this turn's included) may be read only by the citizen office. */
  confidentialSince?: number;
}

/** Decides the replies to one citizen message. Pure conversation logic; storage and channels are elsewhere. */
export class Responder {
  private readonly commands: { cancel: Set<string>; menu: Set<string> };
  private readonly handoffIntents: Set<string>;

  constructor(
    private readonly content: Pick<Content, 'services' | 'municipality' | 'commands' | 'intents'>,
    private readonly understander: Understander,
    private readonly phrases: Phrasebook,
    private readonly features: () => Flows = () => ({}),
  ) {
    this.handoffIntents = new Set(content.intents.filter((i) => i.handoff).map((i) => i.id));
    this.commands = { cancel: new Set(content.commands.cancel.map(normalize)), menu: new Set(content.commands.menu.map(normalize)) };
  }

  /** The features as composed now (channels and the console add theirs after start-up). */
  private flows(): Flows {
    return this.features();
  }

  /**
   * The language to answer in. A chat's first message sets it; after that (or once the citizen chose one) it stays
   * until the citizen asks to switch or clearly writes a sentence in the other language: a tracking code, a button,
   * "cancel", a name, a typo or one or two words do not switch it.
   */
  language(state: ChatState, text: string): Lang {
    if (state.langChosen || text.startsWith('/')) return state.lang;
    // A tracking code is Latin letters in any language: "C-7KQ2X-M4PR9" alone does not switch to English.
    const withoutCodes = codeShaped(text).reduce((t, code) => t.replace(code, ' '), asciiDigits(text));
    const written = this.offered(detectLanguage(withoutCodes));
    if (!written || written === state.lang) return state.lang;
    const established = state.lastAt !== undefined || state.langSet;
    if (!established) return written;
    // A name or a phone typed while filing is not a change of language.
    const step = complaintDraft(state)?.step;
    if (step === 'name' || step === 'phone') return state.lang;
    return clearSentence(withoutCodes, written) && !this.keyword(text) ? written : state.lang;
  }

  async respond(conversation: string, inbound: InboundMessage, state: ChatState, now = Date.now()): Promise<Result> {
    const flows = this.flows();
    const raw = cleanInput(inbound.text ?? '');
    const lang = this.language(state, raw);
    state.lang = lang;
    const p = this.phrases;

    const firstMessage = !state.lastAt || now - state.lastAt > 6 * 60 * 60_000;
    state.lastAt = now;
    state.recent = [...state.recent.filter((t) => now - t < FLOOD_WINDOW_MS), now];
    if (state.recent.length > FLOOD_LIMIT) {
      if (state.floodWarned) return { replies: [] };
      state.floodWarned = true;
      return { replies: [p.reply(lang, 'flood')] };
    }
    state.floodWarned = false;

    const replies: Reply[] = [];
    let text = raw;
    if (text.length > MAX_TEXT) {
      text = text.slice(0, MAX_TEXT);
      replies.push(p.reply(lang, 'too.long', { max: p.count(lang, 'character', MAX_TEXT) }));
    }
    const turn: Turn = { conversation, inbound, state, lang, text, firstMessage };
    if (!text && !inbound.location && !inbound.attachments?.length) return this.marked(turn, { replies: [p.reply(lang, 'empty', {}, p.menuChoices(lang))] });

    if (flows.recover) {
      const recovered = await flows.recover(turn);
      if (recovered) return this.marked(turn, { replies: [...replies, ...recovered] });
    }
    const chosen = this.pickChoice(state, text);
    if (chosen) text = turn.text = chosen;

    const media = await flows.media?.(turn);
    if (media) return this.marked(turn, { replies: [...replies, ...media] });

    if (flows.relay) {
      const relayed = await flows.relay(turn);
      if (relayed) return this.marked(turn, { replies: [...replies, ...relayed] });
    }
    const word = this.keyword(text);
    if (word === 'cancel') {
      const had = (await flows.cancel?.(turn)) ?? false;
      return this.marked(turn, { replies: [...replies, p.reply(lang, had ? 'cancelled' : 'nothing.to.cancel', {}, p.menuChoices(lang))] });
    }
    if (word === 'menu') {
      await flows.cancel?.(turn);
      return this.marked(turn, { replies: [...replies, p.reply(lang, 'menu', {}, p.menuChoices(lang))] });
    }
    const command = text.startsWith('/') ? text.slice(1).split(/\s+/)[0].toLowerCase() : undefined;
    if (command && GLOBAL_COMMANDS.has(command)) {
      // A menu button pressed mid-flow starts over from that button; the unfinished flow is dropped.
      if (command !== 'lang') await flows.cancel?.(turn);
      return this.marked(turn, { replies: [...replies, ...(await this.command(turn, text))] });
    }
    // "I want to talk to staff" in the middle of a complaint is offered staff rather than asked the step again.
    if (complaintDraft(state) && !command && flows.handoff) {
      const u = this.understander.understand(text, { service: null });
      if (u.intent === 'human-agent' && u.confidence >= this.understander.tuning.respond.staffInFlow) {
        return this.marked(turn, { replies: [...replies, p.reply(lang, 'flow.staff.offer', {}, [
          { label: p.t(lang, 'menu.agent'), value: '/agent' }, { label: p.t(lang, 'flow.continue'), value: '/continue' },
        ])], understanding: u });
      }
    }
    if (flows.resume) {
      const resumed = await flows.resume(turn);
      if (resumed) return this.marked(turn, { replies: [...replies, ...resumed] });
    }
    if (command) return this.marked(turn, { replies: [...replies, ...(await this.command(turn, text))] });

    if (!normalize(text) && !inbound.location && !inbound.attachments?.length) {
      return this.marked(turn, { replies: [...replies, p.reply(lang, 'emoji.only', {}, p.menuChoices(lang))] });
    }
    const switched = languageRequest(text);
    if (switched) return this.marked(turn, { replies: [...replies, ...this.switchLanguage(state, switched)] });
    // A code alone, however typed, asks where that request is (the classifier might read it as a word).
    if (onlyCode(text)) return this.marked(turn, { replies: [...replies, ...(await this.flow(turn, 'status'))] });

    const u = this.understander.understand(text, { service: state.service ?? null });
    turn.understanding = u;
    const understood = await this.byIntent(turn, u);
    return this.marked(turn, { replies: [...replies, ...understood], understanding: u });
  }

  /** Adds what the flows asked the transcript to hide. */
  private marked(turn: Turn, result: Result): Result {
    return { ...result, forgetSince: turn.forgetSince, confidentialSince: turn.confidentialSince };
  }

  /** The words that work anywhere, even inside a flow: "cancel"/"إلغاء", "menu"/"القائمة". */
  private keyword(text: string): 'cancel' | 'menu' | undefined {
    const t = normalize(text);
    if (t === 'cancel' || text.trim() === '/cancel' || this.commands.cancel.has(t)) return 'cancel';
    if (t === 'menu' || this.commands.menu.has(t)) return 'menu';
    return undefined;
  }

  /** "2", "٢" or an option's own words select one of the choices last offered. */
  private pickChoice(state: ChatState, text: string): string | undefined {
    const choices = state.choices;
    if (!choices?.length) return undefined;
    const t = normalize(asciiDigits(text));
    const n = /^\d{1,2}$/.test(t) ? Number(t) : NaN;
    if (n >= 1 && n <= choices.length) return choices[n - 1].value;
    return choices.find((c) => normalize(c.label) === t)?.value;
  }

  /** A language the municipality does not answer in (French when municipality.yaml does not list fr) reads as English. */
  private offered(lang: Lang | undefined): Lang | undefined {
    return lang && !this.content.municipality.languages.includes(lang) ? 'en' : lang;
  }

  private switchLanguage(state: ChatState, wanted: Lang): Reply[] {
    const lang = this.offered(wanted) ?? wanted;
    state.lang = lang;
    state.langChosen = true;
    return [this.phrases.reply(lang, 'language.switched', {}, this.phrases.menuChoices(lang))];
  }

  private async command(turn: Turn, text: string): Promise<Reply[]> {
    const flows = this.flows();
    const { state, lang } = turn;
    const p = this.phrases;
    const [name, ...args] = text.slice(1).trim().split(/\s+/);
    switch (name.toLowerCase()) {
      case 'start':
      case 'help':
      case 'menu':
        return [p.reply(lang, 'welcome', { name: this.content.municipality.name[lang] }, p.menuChoices(lang))];
      case 'services':
        return [{ ...p.serviceList(lang, args[0]), lang }];
      case 'service': {
        const service = this.content.services.find((s) => s.id === args[0]);
        if (!service) return [{ ...p.serviceList(lang), lang }];
        state.service = service.id;
        const aspect = ASPECTS.has(args[1]) ? (args[1] as Aspect) : null;
        return [p.serviceAnswer(lang, service, aspect, args[1] === 'more')];
      }
      case 'aspect':
      case 'more': {
        const service = this.content.services.find((s) => s.id === state.service);
        if (!service) return [{ ...p.serviceList(lang), lang }];
        const aspect = name === 'aspect' && ASPECTS.has(args[0]) ? (args[0] as Aspect) : null;
        return [p.serviceAnswer(lang, service, aspect, name === 'more')];
      }
      case 'offices':
        return [p.officeInfo(lang)];
      case 'lang': {
        const want = args[0] === 'ar' || args[0] === 'en' || args[0] === 'fr' ? args[0] : lang === 'ar' ? 'en' : 'ar';
        return this.switchLanguage(state, want);
      }
      case 'complaint':
        return this.flow(turn, 'complaint');
      case 'status':
        return this.flow(turn, 'status');
      case 'suggest':
        return this.flow(turn, 'suggestion');
      case 'agent':
        return flows.handoff ? flows.handoff(turn, 'requested') : [p.reply(lang, 'office.call', { phone: this.content.municipality.phone })];
      default:
        return [p.reply(lang, 'welcome', { name: this.content.municipality.name[lang] }, p.menuChoices(lang))];
    }
  }

  private async flow(turn: Turn, name: 'complaint' | 'status' | 'suggestion'): Promise<Reply[]> {
    const flows = this.flows();
    const start = flows[name];
    if (start) return start(turn);
    return [this.phrases.reply(turn.lang, 'office.call', { phone: this.content.municipality.phone }, this.phrases.menuChoices(turn.lang))];
  }

  private async byIntent(turn: Turn, u: Understanding): Promise<Reply[]> {
    const flows = this.flows();
    const { state, lang } = turn;
    const p = this.phrases;
    const understood = u.confidence >= this.understander.tuning.respond.minConfidence && u.intent !== 'out-of-scope';
    if (understood) state.misses = 0;
    const both = understood ? this.offerBoth(turn, u) : undefined;
    if (both) return both;
    // Which intents go to staff is the content's to say (`handoff: true` in intents/<id>.yaml).
    if (understood && this.handoffIntents.has(u.intent)) {
      const reason = HANDOFF_REASONS[u.intent] ?? 'requested';
      if (flows.handoff) return await flows.handoff(turn, reason);
      return [p.reply(lang, 'office.call', { phone: this.content.municipality.phone })];
    }
    switch (understood ? u.intent : 'fallback') {
      case 'greeting':
        return [this.greeting(turn)];
      case 'thanks':
        return [p.reply(lang, 'thanks')];
      case 'goodbye':
        if (turn.firstMessage) return [this.greeting(turn)];
        return [p.reply(lang, 'goodbye')];
      case 'menu':
        return [p.reply(lang, 'menu', {}, p.menuChoices(lang))];
      case 'list-services':
        return [{ ...p.serviceList(lang), lang }];
      case 'service-info':
        return this.serviceInfo(turn, u);
      case 'office-info':
        return [p.officeInfo(lang)];
      case 'accessibility':
        return [p.accessibility(lang)];
      case 'appointment-book':
        if (flows.booking) return await flows.booking(turn);
        return [p.reply(lang, 'appointment', { phone: this.content.municipality.phone }, p.menuChoices(lang))];
      case 'cancel':
        return [p.reply(lang, 'nothing.to.cancel', {}, p.menuChoices(lang))];
      case 'complaint-file':
        return await this.flow(turn, 'complaint');
      case 'suggestion':
        return await this.flow(turn, 'suggestion');
      case 'status-check':
        return await this.flow(turn, 'status');
      case 'human-agent':
      case 'legal-question':
      case 'form-help':
        // Listed without `handoff: true`: the municipality wants these answered with its phone number.
        return [p.reply(lang, 'office.call', { phone: this.content.municipality.phone }, p.menuChoices(lang))];
      default:
        return this.fallback(turn, u);
    }
  }

  /** «السلام عليكم» is answered «وعليكم السلام»; «مرحبا», "hello" and the rest with a welcome. */
  private greeting(turn: Turn): Reply {
    const salam = /(^| )(ال)?سلام( |$)|(^| )(salam|salamu|assalamu|slm)( |$)/.test(normalize(turn.text));
    return this.phrases.reply(turn.lang, salam ? 'greeting.salam' : 'greeting', { name: this.content.municipality.name[turn.lang] }, this.phrases.menuChoices(turn.lang));
  }

  private serviceInfo(turn: Turn, u: Understanding): Reply[] {
    const { state, lang } = turn;
    const p = this.phrases;
    const byId = (id: string) => this.content.services.find((s) => s.id === id);
    if (u.serviceChoices.length > 1) {
      const options = u.serviceChoices.map(byId).filter((s) => !!s);
      const suffix = u.aspect ? ` ${u.aspect}` : u.wantsMore ? ' more' : '';
      return [p.reply(lang, 'service.which', {}, options.map((s) => ({ label: s.name[lang], value: `/service ${s.id}${suffix}` })))];
    }
    const service = u.service ? byId(u.service) : undefined;
    if (!service) return [{ ...p.serviceList(lang), text: `${p.t(lang, 'service.ask')}\n\n${p.serviceList(lang).text}`, lang }];
    state.service = service.id;
    return [p.serviceAnswer(lang, service, u.aspect, u.wantsMore && !u.aspect)];
  }

  /**
   * A message that reads as both a service question and a handoff (a question about the law that names a lease, "help
   * me fill in the building permit form") is offered both: the service's guidance and a member of staff.
   */
  private offerBoth(turn: Turn, u: Understanding): Reply[] | undefined {
    const serviceId = u.intent === 'service-info' ? u.service : u.alternative?.service;
    const service = u.alternative && this.content.services.find((s) => s.id === serviceId);
    if (!service) return undefined;
    const { lang } = turn;
    const p = this.phrases;
    return [p.reply(lang, 'fallback.guesses', {}, [
      { label: service.name[lang], value: `/service ${service.id}${u.aspect ? ` ${u.aspect}` : ''}` },
      { label: p.t(lang, 'menu.agent'), value: '/agent' },
    ])];
  }

  /** Offers the closest guesses; after two misses in a row, offers a person. */
  private fallback(turn: Turn, u: Understanding): Reply[] {
    const { state, lang } = turn;
    const p = this.phrases;
    state.misses += 1;
    const guesses = [];
    const menuFor: Record<string, { key: ReplyKey; value: string }> = {
      'service-info': { key: 'menu.services', value: '/services' }, 'list-services': { key: 'menu.services', value: '/services' },
      'complaint-file': { key: 'menu.complaint', value: '/complaint' }, 'status-check': { key: 'menu.status', value: '/status' },
      'office-info': { key: 'menu.offices', value: '/offices' }, 'human-agent': { key: 'menu.agent', value: '/agent' },
    };
    for (const s of u.services.slice(0, 2)) {
      const service = this.content.services.find((x) => x.id === s.id);
      if (service && s.score > this.understander.tuning.respond.guessService) guesses.push({ label: service.name[lang], value: `/service ${service.id}` });
    }
    for (const i of u.intents.slice(0, 3)) {
      const m = menuFor[i.id];
      if (m && i.score > this.understander.tuning.respond.guessIntent && !guesses.some((g) => g.value === m.value)) guesses.push({ label: p.t(lang, m.key), value: m.value });
    }
    if (state.misses >= 2) {
      return [p.reply(lang, 'fallback.staff', {}, [{ label: p.t(lang, 'menu.agent'), value: '/agent' }, ...guesses.slice(0, 2), { label: p.t(lang, 'menu.services'), value: '/services' }])];
    }
    if (u.intent === 'out-of-scope' && u.confidence >= this.understander.tuning.respond.minConfidence) return [p.reply(lang, 'out.of.scope', {}, p.menuChoices(lang))];
    if (guesses.length) return [p.reply(lang, 'fallback.guesses', {}, guesses)];
    return [p.reply(lang, 'fallback', {}, p.menuChoices(lang))];
  }
}
