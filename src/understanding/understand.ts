import type { Content } from '../content/load.js';
import type { Aspect } from '../content/schema.js';
import { detectLanguage, type Lang } from '../text/language.js';
import { normalize } from '../text/normalize.js';
import { ExampleClassifier, type Scored } from './classifier.js';
import { stemWord, stems } from './features.js';
import { ServiceFinder } from './services.js';
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
const STRONG_SERVICE = 0.85;
const CATEGORY_THRESHOLD = 0.12;

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
    this.intents = new ExampleClassifier(data);
    this.categories = new ExampleClassifier(content.categories.flatMap((c) =>
      [c.name.ar, c.name.en, ...c.examples].map((ex) => ({ label: c.id, words: stems(ex) }))));
    this.aspects = (Object.keys(content.aspects) as Array<Aspect | 'more'>).flatMap((aspect) =>
      content.aspects[aspect].map((p) => ({ aspect, phrase: ` ${stems(p).join(' ')} ` })));
    // Words frequent in messages that are not about a service ("ما", "في", "help"), and the words of asking
    // ("اوراق", "fees"), must not name a service.
    const other = data.filter((d) => d.label !== 'service-info');
    const df = new Map<string, number>();
    for (const d of other) for (const w of new Set(d.words)) df.set(w, (df.get(w) ?? 0) + 1);
    const asking = new Set(this.aspects.flatMap((a) => a.phrase.trim().split(' ')));
    this.finder = new ServiceFinder(content.services, (w) => (asking.has(w) ? 1 : (df.get(w) ?? 0) / Math.max(1, other.length)));
    this.vocabulary = new Vocabulary([...data.flatMap((d) => d.words), ...this.finder.words(),
      ...this.aspects.flatMap((a) => a.phrase.trim().split(' '))]);
  }

  understand(text: string, context: Context = {}): Understanding {
    const raw = stems(text);
    // Keep the citizen's words and add the corrected spelling next to any unknown one.
    const words: string[] = [];
    for (const w of raw) {
      words.push(w);
      if (!this.vocabulary.has(w)) {
        const fixed = this.vocabulary.correct(w);
        if (fixed && fixed !== w) words.push(stemWord(fixed));
      }
    }
    const intents = this.intents.rank(words);
    const services = this.finder.rank(words);
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
    const serviceChoices = service ? services.filter((s) => s.score >= top.score - 0.08 && s.score >= SERVICE_THRESHOLD).map((s) => s.id) : [];
    if (serviceChoices.length > 1 && top.score < 0.95) service = null;
    else serviceChoices.length = 0;
    const named = service !== null || serviceChoices.length > 1;
    // Asking for documents, fees, time or place of a named service is a service question, whatever else it resembles.
    const serviceInfoScore = intents.find((i) => i.id === 'service-info')?.score ?? 0;
    const closeCall = top && top.score >= STRONG_SERVICE && serviceInfoScore >= intents[0].score - 0.12;
    if (named && (SERVICE_WINS.has(intent) || closeCall || (intent === 'complaint-file' && aspect !== null))) intent = 'service-info';
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
