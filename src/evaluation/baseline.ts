import type { Content } from '../content/load.js';
import { normalize } from '../text/normalize.js';
import { SoftmaxRegression, unitLength, type Features } from '../understanding/logistic.js';

/**
 * The textbook intent classifier the assistant is measured against: TF-IDF over character 2–5 grams (inside word
 * boundaries, padded) and whole words, each block scaled to unit length, fed to a multinomial logistic
 * regression. It learns from the same examples as the assistant (intent examples, and complaint-category phrases as
 * complaints) and knows nothing else: no service finder, no rules, no delexicalisation.
 */
export class Baseline {
  private readonly idf = new Map<string, number>();
  private readonly model: SoftmaxRegression;

  constructor(content: Pick<Content, 'intents' | 'categories'>) {
    const data: Array<{ label: string; text: string }> = [];
    for (const intent of content.intents) for (const ex of Object.values(intent.examples).flat()) data.push({ label: intent.id, text: ex });
    for (const c of content.categories) for (const ex of c.examples) data.push({ label: 'complaint-file', text: ex });
    const counts = data.map((d) => termCounts(d.text));
    const df = new Map<string, number>();
    for (const c of counts) for (const f of c.keys()) df.set(f, (df.get(f) ?? 0) + 1);
    // Smoothed IDF, as the common libraries compute it.
    for (const [f, n] of df) this.idf.set(f, Math.log((1 + data.length) / (1 + n)) + 1);
    this.model = new SoftmaxRegression(data.map((d, i) => ({ label: d.label, features: this.weigh(counts[i]) })), { epochs: 15, rate: 0.5, l2: 1e-5 });
  }

  private weigh(counts: Features): Features {
    const chars: Features = new Map();
    const words: Features = new Map();
    for (const [f, n] of counts) {
      const idf = this.idf.get(f);
      if (idf !== undefined) (f.startsWith('w:') ? words : chars).set(f, n * idf);
    }
    return new Map([...unitLength(chars), ...unitLength(words)]);
  }

  /** The most likely intent and its probability. */
  classify(text: string): { intent: string; confidence: number } {
    const [best] = this.model.predict(this.weigh(termCounts(text)));
    return { intent: best.id, confidence: best.p };
  }
}

function termCounts(text: string): Features {
  const out: Features = new Map();
  const add = (f: string) => out.set(f, (out.get(f) ?? 0) + 1);
  for (const w of normalize(text).split(' ').filter(Boolean)) {
    add(`w:${w}`);
    const padded = ` ${w} `;
    for (let n = 2; n <= 5; n++) for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`);
  }
  return out;
}
