import type { Content } from '../content/load.js';
import type { TranscriptEntry, TranscriptStore } from '../domain/transcript.js';
import { ChatKey, type Chat } from '../shared/chat.js';
import { detectLanguage, type Lang } from '../text/language.js';
import { cleanInput } from '../text/normalize.js';
import { presentDigits, presentNumbers, type DigitStyle } from '../text/numbers.js';
import type { Understander } from '../understanding/understand.js';
import type { ChatStateStore } from './chat-state.js';
import { composeFlows } from './compose-flows.js';
import { KeyedLock } from './keyed-lock.js';
import { Phrasebook } from './replies.js';
import { Responder, type Flows, type Result } from './respond.js';
import { complaintDraft, freshState, upgradeState, type ChatState } from './state.js';
import type { InboundMessage, Reply } from '../shared/message.js';

/** Replies kept per chat so a redelivered message is answered as the first time. */
const ANSWERS_KEPT = 3;
const DEFAULT_LANG: Lang = 'ar';

export interface KernelDeps {
  content: Content;
  understander: Understander;
  states: ChatStateStore;
  transcripts: TranscriptStore;
  flows?: Flows[];
  log?: (line: string) => void;
}

/** The conversation, the same for every channel: one citizen message in, the replies out. */
export interface Kernel {
  phrases: Phrasebook;
  handle(message: InboundMessage): Promise<Reply[]>;
  /** A chat page that opens: a newcomer is welcomed once, a returning one gets nothing. */
  greet(chat: Chat, lang?: Lang): Promise<Reply[]>;
  /** Adds a feature (the console's handoff...) after the others. */
  use(flows: Flows): void;
}

export function createKernel(deps: KernelDeps): Kernel {
  const log = deps.log ?? ((l: string) => console.log(l));
  const phrases = new Phrasebook(deps.content);
  const features: Flows[] = [...(deps.flows ?? [])];
  let composed = composeFlows(features);
  const responder = new Responder(deps.content, deps.understander, phrases, () => composed);
  const lock = new KeyedLock();

  /**
   * One turn, serialised per chat: the transcript and the state are stored before the replies are returned, so a
   * citizen is never told what was not kept; a turn that fails stores nothing and answers with the polite error.
   */
  async function turn(key: string, langHint: () => Lang, run: (state: ChatState, keep: (kept: Kept) => void) => Promise<Outcome>): Promise<Reply[]> {
    return lock.run(key, async () => {
      let lang = langHint();
      let kept: Kept | undefined;
      try {
        const stored = await deps.states.read(key);
        const state = stored ? upgradeState(stored) : freshState(DEFAULT_LANG);
        lang = state.lang;
        const done = await run(state, (k) => { kept = k; });
        if (done.kind === 'nothing') return [];
        if (done.kind === 'repeat') return done.replies.map((r) => present(r, lang));
        // Stored as written (no bidi controls in the database: the console isolates numbers itself); sent presented.
        await store(key, done.result, done.citizen);
        await deps.states.write(key, state);
        return done.result.replies.map((r) => present(r, state.lang));
      } catch (err) {
        log(`conversation ${key}: turn failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        const apology = phrases.reply(lang, 'error');
        // The state stays as it was (a retry starts over), but what the citizen wrote is kept for staff if the
        // database takes it, hidden as the complaint being filed requires.
        if (kept) {
          const now = Date.now();
          const hide = kept.privacy === 'anonymous' ? { forgetSince: now } : kept.privacy === 'confidential' ? { confidentialSince: now } : {};
          // Not awaited: while the database is away this would only delay the apology.
          void store(key, { replies: [apology], ...hide }, kept.line).catch(() => undefined);
        }
        return [present(apology, lang)];
      }
    });
  }

  /** What the citizen reads: numbers isolated from the Arabic around them, in the municipality's digits. */
  function present(reply: Reply, fallback: Lang): Reply {
    const lang = reply.lang ?? fallback;
    const style: DigitStyle = deps.content.municipality.digits;
    const choices = reply.choices?.map((c) => ({ ...c, label: presentDigits(c.label, lang, style) }));
    return { ...reply, text: presentNumbers(reply.text, lang, style), ...(choices ? { choices } : {}) };
  }

  /** The turn's transcript lines: what the citizen said and what they are told, hidden as the flows asked. */
  async function store(key: string, result: Result, citizen: TranscriptEntry | undefined): Promise<void> {
    const at = Date.now();
    const entries: TranscriptEntry[] = citizen ? [{ ...citizen, at: new Date(at) }] : [];
    result.replies.forEach((r, i) => entries.push({ conversation: key, from: 'bot', text: r.text, at: new Date(at + 1 + i) }));
    if (result.forgetSince !== undefined) {
      const hidden = `${phrases.t('ar', 'transcript.anonymous')} / ${phrases.t('en', 'transcript.anonymous')}`;
      for (const e of entries) { e.text = hidden; delete e.attachments; delete e.intent; delete e.confidence; delete e.tapped; }
      await deps.transcripts.redact(key, new Date(result.forgetSince), hidden);
    } else if (result.confidentialSince !== undefined) {
      for (const e of entries) e.confidential = true;
      if (result.confidentialSince < at) await deps.transcripts.markConfidential(key, new Date(result.confidentialSince));
    }
    if (entries.length) await deps.transcripts.append(entries);
  }

  return {
    phrases,
    use(flows) {
      features.push(flows);
      composed = composeFlows(features);
    },
    handle(raw) {
      // Every channel's message is cleaned once, here, before anything reads or stores it.
      const message: InboundMessage = { ...raw, text: cleanInput(typeof raw.text === 'string' ? raw.text : '') };
      const key = ChatKey.of(message.channel, message.user);
      return turn(key, () => detectLanguage(message.text ?? '') ?? DEFAULT_LANG, async (state, keep) => {
        const id = message.messageId;
        keep({ privacy: complaintDraft(state)?.privacy, line: { conversation: key, from: 'citizen', text: (message.text ?? '').slice(0, 10_000), at: new Date() } });
        // A redelivered message gets the replies it got the first time, and changes nothing.
        if (id && state.seen.includes(id)) return { kind: 'repeat', replies: state.answered?.find((a) => a.id === id)?.replies ?? [] };
        if (id) state.seen = [...state.seen.slice(-49), id];
        // A tapped button sends its payload: the transcript keeps the label the citizen saw, for staff to read.
        const tapped = state.choices?.find((c) => c.value === message.text)?.label;
        const result = await responder.respond(key, message, state);
        state.choices = result.replies.at(-1)?.choices;
        if (id) state.answered = [...(state.answered ?? []).slice(-(ANSWERS_KEPT - 1)), { id, replies: result.replies }];
        const u = result.understanding;
        const citizen: TranscriptEntry = {
          conversation: key, from: 'citizen', text: (message.text ?? '').slice(0, 10_000), at: new Date(), intent: u?.intent, confidence: u?.confidence, service: u?.service ?? undefined, ...(tapped ? { tapped } : {}),
          attachments: message.location ? [{ kind: 'location', ...message.location }] : undefined,
        };
        return { kind: 'done', result, citizen };
      });
    },
    greet(chat, wanted) {
      const key = ChatKey.of(chat.channel, chat.user);
      // A page asking for a language the municipality does not answer in (French without fr) is greeted in English.
      const asked = wanted && !deps.content.municipality.languages.includes(wanted) ? 'en' : wanted;
      return turn(key, () => asked ?? DEFAULT_LANG, async (state) => {
        // The page's language is the chat's until the citizen writes: a first message that is only a code is
        // answered in it.
        const pageLang = asked && !state.langChosen && state.lastAt === undefined && state.lang !== asked;
        if (pageLang) { state.lang = asked; state.langSet = true; }
        if (state.welcomed) return pageLang ? { kind: 'done', result: { replies: [] } } : { kind: 'nothing' };
        const lang = asked ?? state.lang;
        state.langSet ||= !!asked;
        // Welcomed in the page's language: the menu's commands (which carry no language) answer in it too.
        state.lang = lang;
        state.welcomed = true;
        const reply = phrases.reply(lang, 'welcome', { name: deps.content.municipality.name[lang] }, phrases.menuChoices(lang));
        state.choices = reply.choices;
        return { kind: 'done', result: { replies: [reply] } };
      });
    },
  };
}

/** What to store if the turn fails: the citizen's line, and the privacy of the complaint being filed, if any. */
interface Kept { line: TranscriptEntry; privacy?: 'named' | 'confidential' | 'anonymous' }

/** What a turn came to: something to store and say, a repeat of an earlier answer, or nothing at all. */
type Outcome =
  | { kind: 'done'; result: Result; citizen?: TranscriptEntry }
  | { kind: 'repeat'; replies: Reply[] }
  | { kind: 'nothing' };
