import type { Content } from '../content/load.js';
import type { Aspect } from '../content/schema.js';
import { detectLanguage, type Lang } from '../text/language.js';
import { normalize } from '../text/normalize.js';
import { findTrackingCode } from '../domain/tracking-code.js';
import { ExampleClassifier, type Scored } from './classifier.js';
import { MARK, stemWord, stems } from './features.js';
import { ServiceFinder, type ServiceMatch } from './services.js';
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
}

export interface Context { service?: string | null }

// Intents a named service turns into a question about that service ("مرحبا، رخصة بناء؟").
const SERVICE_WINS = new Set(['service-info', 'list-services', 'menu', 'greeting', 'out-of-scope', 'office-info', 'thanks', 'goodbye', 'suggestion', 'accessibility']);
const SERVICE_THRESHOLD = 0.5;
const CHOICE_THRESHOLD = Number(process.env.CT ?? 0.4);
const STRONG_SERVICE = 0.85;
const CATEGORY_THRESHOLD = 0.12;
// A guessed spelling counts for less than what the citizen wrote.
const CORRECTION_TRUST = 0.8;
const SERVICE_TOKEN = `${MARK}service`;

// Something shaped like a tracking code (C-7KQ2X-M4PR9, A-…, S-…, or the older NF-…): a kind prefix, a dash and
// letters mixed with digits. Codes with a typo still say "I am following something up".
const CODE_SHAPE = /(?:^|[^a-z0-9])(?:nf|[cas])\s*[-_#]\s*(?=[a-z0-9]*\d)[a-z0-9]{3,6}(?:\s*[-_ ]\s*[a-z0-9]{1,6})?(?![a-z0-9])/i;

/**
 * The sentence as the intent classifier sees it: the words that name a service become one placeholder, so
 * "طلعت رخصة المحل ولا لسا" and "طلعت الشهادة الصحية ولا لسا" look alike and the kind of sentence
 * (question, follow-up, complaint) decides the intent rather than which service is named.
 */
function withoutService(words: string[], origin: number[], match: ServiceMatch | undefined): string[] {
  if (process.env.NODELEX || !match || match.score < Number(process.env.DT ?? 0.65) || !match.at.length) return words;
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
  private readonly intents: ExampleClassifier;
  private readonly categories: ExampleClassifier;
  private readonly finder: ServiceFinder;
  private readonly vocabulary: Vocabulary;
  private readonly aspects: Array<{ aspect: Aspect | 'more'; phrase: string }>;

  constructor(content: ContentForUnderstanding) {
    const data: Array<{ label: string; words: string[] }> = [];
    for (const intent of content.intents) {
      for (const ex of Object.values(intent.examples).flat()) data.push({ label: intent.id, words: stems(ex) });
    }
    // How people describe problems is also how they file complaints.
    for (const c of content.categories) for (const ex of c.examples) data.push({ label: 'complaint-file', words: stems(ex) });
    this.categories = new ExampleClassifier(content.categories.flatMap((c) =>
      [c.name.ar, c.name.en, ...c.examples].map((ex) => ({ label: c.id, words: stems(ex) }))));
    this.aspects = (Object.keys(content.aspects) as Array<Aspect | 'more'>).flatMap((aspect) =>
      content.aspects[aspect].map((p) => ({ aspect, phrase: ` ${stems(p).join(' ')} ` })));
    // Words frequent in messages that are not about a service ("ما", "في", "help"), and the words of asking
    // ("اوراق", "fees"), must not name a service.
    // A word used in messages of many different kinds ("في", "the", "بدي") is a function word, whatever its frequency.
    const other = [...data.filter((d) => d.label !== 'service-info' && d.label !== 'complaint-file'),
      ...content.intents.filter((i) => i.id === 'complaint-file').flatMap((i) => Object.values(i.examples).flat().map((ex) => ({ label: i.id, words: stems(ex) }))),
      ...content.categories.flatMap((c) => c.examples.map((ex) => ({ label: `category:${c.id}`, words: stems(ex) })))];
    const df = new Map<string, number>();
    const kinds = new Map<string, Set<string>>();
    for (const d of other) {
      for (const w of new Set(d.words)) {
        df.set(w, (df.get(w) ?? 0) + 1);
        kinds.set(w, (kinds.get(w) ?? new Set()).add(d.label));
      }
    }
    const asking = new Set(this.aspects.flatMap((a) => a.phrase.trim().split(' ')));
    const spread = (w: string) => { const n = kinds.get(w)?.size ?? 0; return n >= 5 ? 0.9 : n >= 3 ? 0.2 : 0; };
    this.finder = new ServiceFinder(content.services, (w) => (asking.has(w) ? 1 : Math.min(1, spread(w) + 4 * (df.get(w) ?? 0) / Math.max(1, other.length))));
    // Examples that are nothing but a service name say nothing about the intent.
    this.intents = new ExampleClassifier(data.map((d) => {
      const origin = d.words.map((_, i) => i);
      return { label: d.label, words: withoutService(d.words, origin, this.finder.rank(d.words)[0]) };
    }).filter((d) => d.words.some((w) => w !== SERVICE_TOKEN)));
    this.vocabulary = new Vocabulary([...data.flatMap((d) => d.words), ...this.finder.words(),
      ...this.aspects.flatMap((a) => a.phrase.trim().split(' '))]);
  }

  understand(text: string, context: Context = {}): Understanding {
    const raw = stems(text);
    // Keep the citizen's words and add the corrected spelling next to any unknown one.
    const words: string[] = [];
    const origin: number[] = [];
    const trust: number[] = [];
    raw.forEach((w, i) => {
      words.push(w); origin.push(i); trust.push(1);
      if (!this.vocabulary.has(w)) {
        const fixed = this.vocabulary.correct(w);
        if (fixed && fixed !== w) { words.push(stemWord(fixed)); origin.push(i); trust.push(CORRECTION_TRUST); }
      }
    });
    const services = this.finder.rank(words, trust);
    const intents = this.intents.rank(withoutService(words, origin, services[0]));
    const joined = ` ${words.join(' ')} `;
    let aspect: Aspect | null = null;
    let wantsMore = false;
    for (const a of this.aspects) {
      if (!joined.includes(a.phrase)) continue;
      if (a.aspect === 'more') wantsMore = true;
      else aspect ??= a.aspect;
    }

    let intent = intents[0]?.score > 0 ? intents[0].id : 'out-of-scope';
    const top = services[0];
    let service: string | null = top && top.score >= SERVICE_THRESHOLD ? top.id : null;
    // A word shared by several services ("رخصة") offers them as choices even when none is named outright.
    const floor = service ? SERVICE_THRESHOLD : CHOICE_THRESHOLD;
    const serviceChoices = top && top.score >= floor ? services.filter((s) => s.score >= top.score - 0.08 && s.score >= floor).map((s) => s.id) : [];
    if (serviceChoices.length > 1 && top.score < 0.95) service = null;
    else serviceChoices.length = 0;
    const named = service !== null || serviceChoices.length > 1;
    // Asking for documents, fees, time or place of a named service is a service question, whatever else it resembles.
    const serviceInfoScore = intents.find((i) => i.id === 'service-info')?.score ?? 0;
    const closeCall = top && serviceInfoScore >= intents[0].score - Number(process.env.M ?? 0.12) * (top.score >= STRONG_SERVICE ? 1 : Number(process.env.WM ?? 0.5));
    if (named && (SERVICE_WINS.has(intent) || closeCall || (intent === 'complaint-file' && aspect !== null))) intent = 'service-info';
    // A tracking code in the message means the citizen is following something up.
    if (CODE_SHAPE.test(text) || findTrackingCode(text).ok) intent = 'status-check';
    // Other intents keep a service only when it is named outright ("help with the building permit form").
    if (intent !== 'service-info' && top && top.score < STRONG_SERVICE) { service = null; serviceChoices.length = 0; }

    let serviceFromContext = false;
    if (!named && context.service && (intent === 'service-info' || ((aspect || wantsMore) && SERVICE_WINS.has(intent)))) {
      intent = 'service-info';
      service = context.service;
      serviceFromContext = true;
    }

    let category: string | null = null;
    if (intent === 'complaint-file') {
      const cats = this.categories.rank(words);
      if (cats[0] && cats[0].score >= CATEGORY_THRESHOLD && cats[0].score - (cats[1]?.score ?? 0) > 0.02) category = cats[0].id;
      service = null;
    }
    const s1 = intents[0]?.score ?? 0;
    const s2 = intents[1]?.score ?? 0;
    const confidence = named && intent === 'service-info' ? Math.max(top.score, s1) : s1 <= 0 ? 0 : Math.min(1, s1 * (0.5 + (s1 - s2) / s1));
    return {
      text, lang: detectLanguage(text), intent, confidence: round(confidence), service, serviceChoices, serviceFromContext,
      category, aspect, wantsMore, intents: intents.slice(0, 5).map(roundScore), services: services.slice(0, 5).map(roundScore),
    };
  }

  /** The normalised form, exposed for tools that show what the understanding sees. */
  static normalize(text: string): string {
    return normalize(text);
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const roundScore = (s: Scored) => ({ id: s.id, score: round(s.score) });
