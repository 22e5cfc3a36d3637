import type { Content } from '../content/load.js';
import type { Aspect } from '../content/schema.js';
import { detectLanguage, type Lang } from '../text/language.js';
import { mentionsTrackingCode } from '../domain/tracking-code.js';
import { ExampleClassifier, type Scored } from './classifier.js';
import { SoftmaxRegression, unitLength } from './logistic.js';
import { featurize, MARK, skeleton, stemWord, stems } from './features.js';
import { ServiceFinder, type ServiceMatch } from './services.js';
import { TUNING, type Tuning } from './tuning.js';
import { Vocabulary } from './vocabulary.js';

export interface Understanding {
  text: string;
  lang: Lang | undefined;
  intent: string;
  confidence: number;
  service: string | null;
  /** Set when two or more services fit about equally well: the citizen is asked to choose. */
  serviceChoices: string[];
  serviceFromContext: boolean;
  category: string | null;
  aspect: Aspect | null;
  wantsMore: boolean;
  intents: Scored[];
  services: Scored[];
  /**
   * Set when the message reads almost as well as a handoff (a legal question, form help, a person) as it does as a
   * service question, or the other way round: the citizen is offered both rather than sent down one.
   */
  alternative: { intent: string; service: string | null } | null;
}

export interface Context { service?: string | null }

// Intents a service named outright turns into a question about that service ("مرحبا، رخصة بناء؟").
const SERVICE_WINS = new Set(['service-info', 'list-services', 'menu', 'greeting', 'office-info', 'thanks', 'goodbye', 'suggestion']);
// Intents that stay what they are when a service is named: a question about the law, a request for
// a person, a cancellation or something the municipality does not do is not a question about the service it names
// ("is it legal for my landlord to…", "cancel my building permit request", "driving licence").
const INTENT_FIRST = new Set(['legal-question', 'human-agent', 'cancel', 'out-of-scope']);
// A greeting, thanks or farewell in front of a real request ("صباح الخير، لو بدي ... شو بيطلبوا") gives way to it.
const SOCIAL = new Set(['greeting', 'thanks', 'goodbye']);
const CONTROL = new Set(['cancel', 'menu', 'out-of-scope']);
// Intents that are about one service when one is named ("وين وصل طلب رخصة البناء", "موعد لتصديق الاوراق").
const KEEPS_SERVICE = new Set(['status-check', 'form-help', 'appointment-book']);
// Asking what to bring, what it costs or how to go about it is a question about the service, not a report or a
// follow-up ("days" and "where" also come up in those).
const ASKING = new Set<Aspect>(['documents', 'fees', 'steps']);
const HANDOFF = new Set(['legal-question', 'form-help', 'human-agent']);
// Tuning values the constructor reads (the model, the function words, the service finder's word weights).
const BUILD_TIME = new Set<keyof Tuning['understand']>(['delexThreshold', 'functionWordIntents', 'spreadMany', 'spreadManyWeight', 'spreadSome', 'spreadSomeWeight', 'frequencyWeight']);
const SERVICE_TOKEN = `${MARK}service`;

/**
 * The sentence as the intent classifier sees it: the words that name a service become one placeholder, so
 * "طلعت رخصة المحل ولا لسا" and "طلعت الشهادة الصحية ولا لسا" look alike and the kind of sentence
 * (question, follow-up, complaint) decides the intent rather than which service is named.
 */
function withoutService(words: string[], origin: number[], match: ServiceMatch | undefined, threshold: number): string[] {
  if (!match || match.score < threshold || !match.at.length) return words;
  const gone = new Set(match.at.map((i) => origin[i]));
  const first = Math.min(...match.at.map((i) => origin[i]));
  const out: string[] = [];
  words.forEach((w, i) => {
    if (!gone.has(origin[i])) out.push(w);
    else if (origin[i] === first && (i === 0 || origin[i - 1] !== first)) out.push(SERVICE_TOKEN);
  });
  return out;
}

type ContentForUnderstanding = Pick<Content, 'intents' | 'services' | 'categories' | 'aspects'>;

/** The one understanding step used by the bot, `npm run classify` and the evaluation. */
export class Understander {
  private readonly model: SoftmaxRegression;
  private readonly categories: ExampleClassifier;
  private readonly finder: ServiceFinder;
  private readonly functionWords: Set<string>;
  private readonly vocabulary: Vocabulary;
  private readonly aspects: Array<{ aspect: Aspect | 'more'; phrase: string }>;
  // Arabizi asking words by their skeleton, so "rsoomo" asks about fees like "rsoom".
  private readonly aspectSkeletons = new Map<string, Aspect | 'more'>();

  private readonly t: Tuning['understand'];

  constructor(content: ContentForUnderstanding, readonly tuning: Tuning = TUNING) {
    const t = (this.t = tuning.understand);
    const data: Array<{ label: string; words: string[] }> = [];
    for (const intent of content.intents) {
      for (const ex of Object.values(intent.examples).flat()) data.push({ label: intent.id, words: stems(ex) });
    }
    // How people describe problems is also how they file complaints.
    for (const c of content.categories) for (const ex of c.examples) data.push({ label: 'complaint-file', words: stems(ex) });
    // Words found in messages of many intents ("على", "the", "بدي") say nothing about what the problem is.
    const intentsOf = new Map<string, Set<string>>();
    for (const intent of content.intents) {
      for (const ex of Object.values(intent.examples).flat()) for (const w of stems(ex)) intentsOf.set(w, (intentsOf.get(w) ?? new Set()).add(intent.id));
    }
    this.functionWords = new Set([...intentsOf].filter(([, ids]) => ids.size >= t.functionWordIntents).map(([w]) => w));
    this.categories = new ExampleClassifier(content.categories.flatMap((c) =>
      [c.name.ar, c.name.en, ...c.examples].map((ex) => ({ label: c.id, words: this.content(stems(ex)) }))), tuning.features);
    this.aspects = (Object.keys(content.aspects) as Array<Aspect | 'more'>).flatMap((aspect) =>
      content.aspects[aspect].map((p) => ({ aspect, phrase: ` ${stems(p).join(' ')} ` })));
    // Words frequent in messages that are not about a service ("ما", "في", "help"), and the words of asking
    // ("اوراق", "fees"), must not name a service. A word used in messages of many kinds ("في", "the", "بدي") is a
    // function word, whatever its frequency. Service names inside those messages ("وين وصل طلب رخصة البناء") are
    // left out of the count, found with a first, rougher finder.
    // (Out-of-scope requests are left out too: they are full of words like the services' own, "رخصة قيادة".)
    const other = [...data.filter((d) => d.label !== 'service-info' && d.label !== 'complaint-file' && d.label !== 'out-of-scope'),
      ...content.intents.filter((i) => i.id === 'complaint-file').flatMap((i) => Object.values(i.examples).flat().map((ex) => ({ label: i.id, words: stems(ex) }))),
      ...content.categories.flatMap((c) => c.examples.map((ex) => ({ label: `category:${c.id}`, words: stems(ex) })))];
    // (Only one-word asking phrases: "قسم" of "اي قسم" is also the "قسمة" of a plot.)
    const asking = new Set(this.aspects.map((a) => a.phrase.trim()).filter((p) => !p.includes(' ')));
    for (const a of this.aspects) {
      const k = a.phrase.trim().includes(' ') ? undefined : skeleton(a.phrase.trim());
      if (k && !this.aspectSkeletons.has(k)) this.aspectSkeletons.set(k, a.aspect);
    }
    const ordinariness = (sentences: string[][]) => {
      const df = new Map<string, number>();
      const kinds = new Map<string, Set<string>>();
      sentences.forEach((words, i) => {
        for (const w of new Set(words)) {
          df.set(w, (df.get(w) ?? 0) + 1);
          kinds.set(w, (kinds.get(w) ?? new Set()).add(other[i].label));
        }
      });
      const spread = (w: string) => { const n = kinds.get(w)?.size ?? 0; return n >= t.spreadMany ? t.spreadManyWeight : n >= t.spreadSome ? t.spreadSomeWeight : 0; };
      return (w: string) => (asking.has(w) ? 1 : Math.min(1, spread(w) + t.frequencyWeight * (df.get(w) ?? 0) / Math.max(1, other.length)));
    };
    const rough = new ServiceFinder(content.services, ordinariness(other.map((d) => d.words)), undefined, tuning.services);
    const seen = new Set(other.flatMap((d) => d.words));
    this.finder = new ServiceFinder(content.services, ordinariness(other.map((d) => {
      const m = rough.rank(d.words)[0];
      return m && m.score >= t.delexThreshold ? d.words.filter((_, i) => !m.all.includes(i)) : d.words;
    })), (w) => seen.has(w), tuning.services);
    // Examples that are nothing but a service name say nothing about the intent.
    // What the municipality does not do is told by the words around a service's words ("رخصة قيادة", "register my
    // car"), not by those words: learning them as out of scope would turn "نبي رخصة لمحل" away.
    const delexicalised = data.map((d) => {
      const origin = d.words.map((_, i) => i);
      const match = this.finder.rank(d.words)[0];
      if (d.label === 'out-of-scope') return { label: d.label, words: d.words.filter((_, i) => !match?.at.includes(i)) };
      return { label: d.label, words: withoutService(d.words, origin, match, t.delexThreshold) };
    }).filter((d) => d.words.some((w) => w !== SERVICE_TOKEN));
    this.model = new SoftmaxRegression(delexicalised.map((d) => ({ label: d.label, features: this.features(d.words) })), tuning.training);
    this.vocabulary = new Vocabulary([...data.flatMap((d) => d.words), ...this.finder.words(),
      ...this.aspects.flatMap((a) => a.phrase.trim().split(' '))], tuning.vocabulary);
  }

  /**
   * The same trained model read with other run-time thresholds (no retraining): for experiments and the pinning
   * tests. Values read while training (see BUILD_TIME) need a new Understander.
   */
  retuned(changes: Partial<Tuning['understand']>, categories: Partial<Tuning['categories']> = {}, respond: Partial<Tuning['respond']> = {}): Understander {
    const moved = Object.keys(changes).filter((k) => BUILD_TIME.has(k as keyof Tuning['understand']));
    if (moved.length) throw new Error(`${moved.join(', ')} shape the training: build a new Understander instead`);
    const tuning: Tuning = { ...this.tuning, understand: { ...this.tuning.understand, ...changes }, categories: { ...this.tuning.categories, ...categories }, respond: { ...this.tuning.respond, ...respond } };
    return Object.assign(Object.create(Understander.prototype) as Understander, this, { tuning, t: tuning.understand });
  }

  /** Intents by the model's probability, most likely first. */
  private rankIntents(words: string[]): Scored[] {
    return this.model.predict(this.features(words)).map((p) => ({ id: p.id, score: p.p }));
  }

  /** What the intent model sees: words, word pairs, character trigrams and Arabizi skeletons, scaled to unit length. */
  private features(words: string[]) {
    return unitLength(featurize(words, this.tuning.features));
  }

  /** The words that say what a sentence is about. */
  private content(words: string[]): string[] {
    return words.filter((w) => !this.functionWords.has(w));
  }

  understand(text: string, context: Context = {}): Understanding {
    const t = this.t;
    const raw = stems(text);
    // Keep the citizen's words and add the corrected spelling next to any unknown one.
    const words: string[] = [];
    const origin: number[] = [];
    const trust: number[] = [];
    raw.forEach((w, i) => {
      words.push(w); origin.push(i); trust.push(1);
      if (!this.vocabulary.has(w)) {
        const fixed = this.vocabulary.correct(w);
        if (fixed && fixed !== w) { words.push(stemWord(fixed)); origin.push(i); trust.push(t.correctionTrust); }
      }
    });
    const services = this.finder.rank(words, trust);
    const delex = withoutService(words, origin, services[0], t.delexThreshold);
    const intents = this.rankIntents(delex);
    const joined = ` ${words.join(' ')} `;
    let aspect: Aspect | null = null;
    let wantsMore = false;
    for (const a of this.aspects) {
      if (!joined.includes(a.phrase)) continue;
      if (a.aspect === 'more') wantsMore = true;
      else aspect ??= a.aspect;
    }
    for (const w of raw) {
      const k = skeleton(w);
      const a = k && this.aspectSkeletons.get(k);
      if (a === 'more') wantsMore = true;
      else if (a) aspect ??= a;
    }

    const p = (id: string) => intents.find((i) => i.id === id)?.score ?? 0;
    // Nothing left to read (only symbols, or nothing at all): the model would only give its priors.
    const empty = raw.length === 0;
    let intent = !empty && intents[0] ? intents[0].id : 'out-of-scope';
    // A greeting, thanks or farewell in front of a real question belongs to the question.
    if (SOCIAL.has(intent) && raw.length >= t.socialLength) {
      const next = intents.find((i) => !SOCIAL.has(i.id) && !CONTROL.has(i.id));
      if (next && next.score >= t.socialRatio * intents[0].score) intent = next.id;
    }
    const top = services[0];
    let service: string | null = top && top.score >= t.serviceThreshold ? top.id : null;
    // Two services fitting about equally well are offered as choices; so are all the services whose names share the
    // only words that were used ("بدي رخصة"), even when none of them is named outright.
    const sharing = top ? services.slice(1).filter((s) => s.score >= t.choiceThreshold && top.at.every((i) => s.at.includes(i))) : [];
    const serviceChoices = !top ? [] : service && !(sharing.length && top.at.length && top.score < t.choiceSure)
      ? services.filter((s) => s.score >= top.score - t.choiceBand && s.score >= t.serviceThreshold).map((s) => s.id)
      : top.score >= t.choiceThreshold ? [top.id, ...sharing.map((s) => s.id)] : [];
    if (serviceChoices.length > 1 && top.score < t.choiceSure) service = null;
    else serviceChoices.length = 0;
    const named = service !== null || serviceChoices.length > 1;
    // Only a service named outright turns a greeting, a menu request or a cancel into a question about it
    // ("القائمة الرئيسية" is not the mayor, "رئيس البلدية").
    const outright = named && (!top || top.sure);
    // A named service makes a service question the likely reading: another intent has to beat it clearly. Following
    // up, booking and form help are about a service too, so for them a small lead is enough (twice that against a
    // service named in full); a complaint rarely names a service in full, so against one it needs a large lead.
    const serviceInfoScore = intents.find((i) => i.id === 'service-info')?.score ?? 0;
    const lead = (intents[0]?.score ?? 0) - serviceInfoScore;
    const strong = !!top && top.score >= t.strongService && top.sure;
    const margin = KEEPS_SERVICE.has(intent) ? t.leadAboutService * (strong ? 2 : 1) : strong && !INTENT_FIRST.has(intent) ? t.leadAgainstOutright : t.leadAgainstWeak;
    const asking = aspect !== null && ASKING.has(aspect);
    // A message that is nothing but a service's name ("ترقين", "كرت ضي", "mayor") asks about it.
    const naming = new Set(services.filter((s) => s.id === service || serviceChoices.includes(s.id))
      .flatMap((s) => s.all.map((j) => raw[origin[j]])));
    const bare = (outright || serviceChoices.length > 1) && raw.every((w) => naming.has(w) || this.finder.isFiller(w));
    if (named && intent !== 'service-info' && ((SERVICE_WINS.has(intent) && outright) || bare || lead <= margin
      || (asking && (intent === 'status-check' || (intent === 'complaint-file' && (outright || aspect !== 'fees')))))) intent = 'service-info';
    // A tracking code in the message means the citizen is following something up.
    const tracked = mentionsTrackingCode(text);
    // ("please cancel complaint C-…" stays a cancel.)
    if (tracked && !(intent === 'cancel' && p('cancel') >= t.cancelWithCode)) intent = 'status-check';
    // Following up, booking or filling in a form keep a service only when it is named outright ("help with the
    // building permit form"); the other intents are not about one service.
    if (intent !== 'service-info' && (!KEEPS_SERVICE.has(intent) || !top || top.score < t.strongService)) { service = null; serviceChoices.length = 0; }

    let serviceFromContext = false;
    // ("وكم الرسوم؟" after a service question; but "خلص ما بدي زيادة" stays a cancel.)
    if (!named && context.service && (intent === 'service-info' || ((aspect || wantsMore) && SERVICE_WINS.has(intent)))) {
      intent = 'service-info';
      service = context.service;
      serviceFromContext = true;
    }

    let category: string | null = null;
    if (intent === 'complaint-file') {
      const cats = this.categories.rank(this.content(words), this.tuning.categories);
      if (cats[0] && cats[0].score >= t.categoryThreshold) category = cats[0].id;
      service = null;
    }
    // The model's probability of the reading chosen, softened (see CALIBRATION); a service named outright vouches for
    // a service question the model alone doubted; a service question is only as sure as the service found for it.
    const calibrated = soften(intents, t.calibration);
    const q = (id: string) => calibrated.get(id) ?? 0;
    const serviceSure = serviceFromContext ? t.contextTrust : service ? Math.min(1, top?.score ?? 0) : t.noServiceTrust;
    const confidence = empty ? 0 : tracked ? t.trackedConfidence : intent !== 'service-info' ? q(intent)
      : serviceSure * (named && intents[0]?.id !== 'service-info' ? Math.max(q(intent), (top?.score ?? 0) * (1 - q(intents[0].id)) + q(intent)) : q(intent));
    let alternative: Understanding['alternative'] = null;
    const handoff = intents.find((i) => HANDOFF.has(i.id));
    if (!tracked && intent === 'service-info' && service && handoff && handoff.score >= t.offerBoth) alternative = { intent: handoff.id, service: null };
    // (A handoff that asks what a service named outright costs, needs or takes — "can I object to the building permit
    // fees?" — is offered the service's answer too, however sure the model is of the handoff.)
    else if (!tracked && HANDOFF.has(intent) && top && top.score >= t.serviceThreshold
      && (p('service-info') >= t.offerBoth || (asking && strong))) alternative = { intent: 'service-info', service: top.id };
    return {
      text, lang: detectLanguage(text), intent, confidence: round(confidence), service, serviceChoices, serviceFromContext,
      category, aspect, wantsMore, intents: intents.slice(0, 5).map(roundScore), services: services.slice(0, 5).map(roundScore), alternative,
    };
  }

}

/** Probabilities raised to 1/T and renormalised: the softmax of the same scores divided by T. */
function soften(ranked: Scored[], t: number): Map<string, number> {
  const raised = ranked.map((r) => [r.id, r.score ** (1 / t)] as const);
  const sum = raised.reduce((a, [, x]) => a + x, 0) || 1;
  return new Map(raised.map(([id, x]) => [id, x / sum]));
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const roundScore = (s: Scored) => ({ id: s.id, score: round(s.score) });
