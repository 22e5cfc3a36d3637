import type { Service } from '../content/schema.js';
import { stem } from '../text/normalize.js';
import type { Scored } from './classifier.js';
import { skeleton, stems } from './features.js';
import { TUNING, type Tuning } from './tuning.js';

interface Alias {
  service: string;
  words: string[];
  // The sum of its words' weights and the factor for its length, filled in once the weights are known.
  total: number;
  length: number;
}

/** A service found in a sentence, with the positions of the words that name it. */
export interface ServiceMatch extends Scored {
  /** Positions of the distinctive words that name it. */
  at: number[];
  /** Positions of all its words, ordinary ones included. */
  all: number[];
  /** Named outright: a whole name is there, or a word that never comes up in other kinds of messages. */
  sure: boolean;
}

// Dialect verbs carry person and tense letters the light stemmer keeps ("نفرزو", "بيصدق", "ترقين" vs "رقن"):
// a word that names nothing as written is tried again without them.
const VERB_PREFIXES = ['عال', 'عل', 'بت', 'بن', 'بي', 'با', 'ن', 'ي', 'ت', 'ا', 'ب', 'م', 'ع'];
const VERB_SUFFIXES = ['وها', 'وهم', 'وه', 'وا', 'و', 'ها', 'ه', 'ي', 'ين', 'نا', 'ني'];

/**
 * Finds the service a sentence talks about by how much of one of its names (formal or colloquial) the sentence
 * contains, each word weighted by how distinctive it is: "رخصة" alone fits three services, "هدم" only one.
 */
export class ServiceFinder {
  private readonly aliases: Alias[] = [];
  private readonly weight = new Map<string, number>();
  // Words too ordinary to stand for a service by themselves ("بدي", "the"): they still count towards an alias.
  private readonly ordinary = new Set<string>();
  private readonly byWord = new Map<string, number[]>();
  private readonly servicesByWord = new Map<string, Set<string>>();
  // Per alias, the weight of its words found in the message being ranked (kept between calls, reset after each).
  private readonly matched: Float64Array;
  private readonly bySkeleton = new Map<string, string[]>();
  // Verbal nouns by their root, so the verb finds the noun: "بدي صدّق" → "تصديق", "نفرز" → "افراز".
  private readonly byRoot = new Map<string, string[]>();
  private readonly pure = new Set<string>();
  // Words found in the names of one service only.
  private readonly unique = new Set<string>();
  private readonly variantCache = new Map<string, Array<[string, number]>>();
  private readonly common: (word: string) => number;
  private readonly elsewhere: (word: string) => boolean;

  /**
   * `common` says how ordinary a word is in everyday messages (0 distinctive … 1 ordinary); ordinary words count
   * for little. `elsewhere` says whether a word comes up at all in messages that are not about a service.
   */
  constructor(services: Service[], common: (word: string) => number = () => 0, elsewhere: (word: string) => boolean = (w) => common(w) > 0,
    private readonly t: Tuning['services'] = TUNING.services) {
    this.common = common;
    this.elsewhere = elsewhere;
    for (const s of services) {
      const names = [s.name.ar, s.name.en, ...s.aliases.ar, ...s.aliases.en, ...s.aliases.arabizi, ...s.aliases.fr];
      for (const name of new Set(names)) {
        const words = [...new Set(stems(name))];
        if (words.length) this.aliases.push({ service: s.id, words, total: 0, length: Math.min(1, t.aliasBase + t.aliasPerWord * words.length) });
      }
    }
    const df = new Map<string, Set<string>>();
    for (const a of this.aliases) for (const w of a.words) df.set(w, (df.get(w) ?? new Set()).add(a.service));
    for (const [w, set] of df) {
      const plain = Math.max(t.minWeight, 1 - common(w));
      this.weight.set(w, Math.log(1 + services.length / set.size) * plain);
      if (plain < 1 - t.ordinary) this.ordinary.add(w);
      if (!elsewhere(w)) this.pure.add(w);
      if (set.size === 1 && plain >= 1 - t.ordinary) this.unique.add(w);
      const m = /^ت(.)(.)ي(.)$/.exec(w) ?? /^ا(.)(.)ا(.)$/.exec(w) ?? /^ا(.)ت(.)ا(.)$/.exec(w);
      if (m) this.byRoot.set(m.slice(1).join(''), [...(this.byRoot.get(m.slice(1).join('')) ?? []), w]);
    }
    this.aliases.forEach((a, i) => {
      for (const w of a.words) {
        let list = this.byWord.get(w);
        if (!list) this.byWord.set(w, (list = []));
        list.push(i);
      }
      a.total = a.words.reduce((x, w) => x + (this.weight.get(w) ?? 0), 0);
      for (const w of a.words) {
        let set = this.servicesByWord.get(w);
        if (!set) this.servicesByWord.set(w, (set = new Set()));
        set.add(a.service);
      }
    });
    this.matched = new Float64Array(this.aliases.length);
    for (const w of this.weight.keys()) {
      const k = skeleton(w);
      if (k) this.bySkeleton.set(k, [...(this.bySkeleton.get(k) ?? []), w]);
    }
  }

  /** Whether a word is too ordinary to mean anything by itself ("بدي", "please", "the"). */
  isFiller(word: string): boolean {
    return this.common(word) >= this.t.ordinary;
  }

  words(): string[] {
    return [...this.weight.keys()];
  }

  /** The alias words a query word stands for, with how sure the reading is (1 when written as in the alias). */
  private readings(word: string): Array<[string, number]> {
    const arabic = /[\u0621-\u064A]/.test(word);
    if (arabic && this.weight.has(word)) return [[word, 1]];
    // Short words keep their article ("الضي"): with or without it they are the same word.
    const article = word.startsWith('ال') ? word.slice(2) : `ال${word}`;
    if (arabic && this.weight.has(article)) return [[article, 1]];
    const cached = this.variantCache.get(word);
    if (cached) return cached;
    const out: Array<[string, number]> = this.weight.has(word) ? [[word, 1]] : [];
    if (arabic) {
      const add = (w: string, q: number) => { if (!out.some(([x]) => x === w)) out.push([w, q]); };
      for (const p of ['', ...VERB_PREFIXES]) {
        if (!word.startsWith(p)) continue;
        for (const s of ['', ...VERB_SUFFIXES]) {
          if (!word.endsWith(s) || word.length - p.length - s.length < 3) continue;
          const core = word.slice(p.length, word.length - s.length);
          if ((p || s) && this.weight.has(core)) add(core, this.t.variant);
          else if ((p || s) && this.weight.has(stem(core))) add(stem(core), this.t.variant);
          // (Not a word other messages use as it is: "بتقدر" of "what can you do" is not "تقدير".)
          else if (!this.elsewhere(word)) for (const w of this.byRoot.get(core) ?? []) add(w, this.t.variant * this.t.variant);
        }
        if (out.length) break;
      }
    } else if (!this.elsewhere(word)) {
      // Arabizi spellings meet by their skeleton (not English words of other messages: "weather" is not "water"),
      // and Arabizi verbs and possessives carry letters too: "nsajjel" (sajjel), "sharikti" (sharike).
      const k = skeleton(word);
      const forms = k ? [k] : [];
      if (k && k.length >= 4 && 'bntyl'.includes(k[0])) forms.push(k.slice(1));
      if (k && k.length >= 4 && k.endsWith('t')) forms.push(k.slice(0, -1), ...('bntyl'.includes(k[0]) && k.length >= 5 ? [k.slice(1, -1)] : []));
      forms.forEach((f, i) => {
        for (const w of this.bySkeleton.get(f) ?? []) if (!out.some(([x]) => x === w)) out.push([w, i ? this.t.skeletonMatch * this.t.variant : this.t.skeletonMatch]);
      });
    }
    // A form that is itself ordinary in other messages ("بتفتح" of opening hours) is a weak reading of "فتح".
    const plain = Math.max(this.t.minWeight, 1 - this.common(word));
    for (const r of out) if (r[0] !== word) r[1] *= plain;
    if (this.variantCache.size > 50_000) this.variantCache.clear();
    this.variantCache.set(word, out);
    return out;
  }

  /**
   * Services ranked by the best-covered alias (best first); only services with some overlap are listed.
   * `trust` gives each word's weight when it is itself a guess (a typo correction), 1 by default.
   */
  rank(words: string[], trust: number[] = []): ServiceMatch[] {
    const present = new Map<string, { q: number; at: number }>();
    words.forEach((w, at) => {
      for (const [aw, q0] of this.readings(w)) {
        const q = q0 * (trust[at] ?? 1);
        if (q > (present.get(aw)?.q ?? 0)) present.set(aw, { q, at });
      }
    });
    // How much of each alias is there, in one pass over the aliases of the words found; the details (which words,
    // named in full or not) are worked out only for an alias that can beat the best name of its service so far:
    // with a catalog of 1,000 services a common word is in thousands of aliases.
    const touched: number[] = [];
    for (const [w, p] of present) {
      const x = (this.weight.get(w) ?? 0) * p.q;
      for (const i of this.byWord.get(w) ?? []) {
        if (this.matched[i] === 0) touched.push(i);
        this.matched[i] += x || Number.MIN_VALUE;
      }
    }
    const best = new Map<string, ServiceMatch>();
    for (const i of touched) {
      const a = this.aliases[i];
      const bound = a.total > 0 ? (this.matched[i] / a.total) * a.length : 0;
      this.matched[i] = 0;
      const prev = best.get(a.service);
      if (prev && bound < prev.score) continue;
      const at: number[] = [];
      const all: number[] = [];
      let uniquePresent = false;
      let purePresent = false;
      for (const aw of a.words) {
        const p = present.get(aw);
        if (!p) continue;
        all.push(p.at);
        if (!this.ordinary.has(aw)) at.push(p.at);
        uniquePresent ||= this.unique.has(aw);
        purePresent ||= this.pure.has(aw);
      }
      // A long alias fully present is stronger evidence than a one-word alias; a name only partly there by words
      // other services share ("رخصة" of "رخصة مهنة") is weaker evidence than its share of the weight.
      const partial = all.length < a.words.length && !uniquePresent ? this.t.partial : 1;
      const score = bound * partial;
      const sure = all.length === a.words.length || purePresent;
      if (!prev || score > prev.score || (score === prev.score && all.length > prev.all.length)) best.set(a.service, { id: a.service, score, at, all, sure });
    }
    // Every distinctive word that fits some name of the service, for the evidence beyond its best name.
    const evidence = new Map<string, Set<number>>();
    for (const [w, p] of present) {
      if (this.ordinary.has(w)) continue;
      for (const id of this.servicesByWord.get(w) ?? []) {
        let ev = evidence.get(id);
        if (!ev) evidence.set(id, (ev = new Set()));
        ev.add(p.at);
      }
    }
    // Words of a second name add to the first ("اشيل الرهن": "شيل" of one name, "رهن" of another).
    for (const m of best.values()) {
      const extra = [...(evidence.get(m.id) ?? [])].filter((i) => !m.at.includes(i)).length;
      m.score = Math.min(1, m.score + this.t.extra * Math.min(2, extra));
    }
    // Between equally good names, the longer one wins ("police clearance certificate" over "clearance certificate").
    return [...best.values()].sort((a, b) => b.score - a.score || b.all.length - a.all.length);
  }
}
