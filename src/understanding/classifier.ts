import { featurize, type Vector } from './features.js';
import { TUNING, type Tuning } from './tuning.js';

export interface Scored<T extends string = string> { id: T; score: number }

interface Example { label: string; vector: Vector }

/**
 * Nearest-neighbour classifier over TF-IDF vectors of the examples, searched through an inverted index so a
 * query only touches examples that share a feature with it.
 */
export class ExampleClassifier {
  private readonly idf = new Map<string, number>();
  private readonly postings = new Map<string, Array<[number, number]>>();
  private readonly examples: Example[] = [];
  private readonly labels: string[];

  constructor(data: Array<{ label: string; words: string[] }>, private readonly weights: Tuning['features'] = TUNING.features) {
    const df = new Map<string, number>();
    const raw = data.map((d) => ({ label: d.label, vector: featurize(d.words, weights) }));
    for (const r of raw) for (const f of r.vector.keys()) df.set(f, (df.get(f) ?? 0) + 1);
    const n = raw.length;
    for (const [f, c] of df) this.idf.set(f, Math.log(1 + n / c));
    raw.forEach((r, i) => {
      const v = this.weigh(r.vector);
      this.examples.push({ label: r.label, vector: v });
      for (const [f, w] of v) {
        let list = this.postings.get(f);
        if (!list) this.postings.set(f, (list = []));
        list.push([i, w]);
      }
    });
    this.labels = [...new Set(data.map((d) => d.label))];
  }

  private weigh(v: Vector): Vector {
    const out: Vector = new Map();
    let norm = 0;
    for (const [f, w] of v) {
      const idf = this.idf.get(f);
      if (idf === undefined) continue;
      const x = w * idf;
      out.set(f, x);
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [f, x] of out) out.set(f, x / norm);
    return out;
  }

  /**
   * Labels ranked by their `k` closest examples' cosine similarity (best first): mostly their mean, so a label
   * several examples agree on beats a single lucky match, plus a share (`nearest`) of the closest one.
   */
  rank(words: string[], { k, nearest }: Tuning['categories'] = TUNING.categories): Scored[] {
    const q = this.weigh(featurize(words, this.weights));
    const sims = new Map<number, number>();
    for (const [f, w] of q) {
      const list = this.postings.get(f);
      if (!list) continue;
      for (const [i, x] of list) sims.set(i, (sims.get(i) ?? 0) + w * x);
    }
    const perLabel = new Map<string, number[]>();
    for (const [i, s] of sims) {
      const label = this.examples[i].label;
      let top = perLabel.get(label);
      if (!top) perLabel.set(label, (top = []));
      top.push(s);
    }
    const ranked: Scored[] = [];
    for (const label of this.labels) {
      const top = (perLabel.get(label) ?? []).sort((a, b) => b - a).slice(0, k);
      if (!top.length) { ranked.push({ id: label, score: 0 }); continue; }
      const mean = top.reduce((a, b) => a + b, 0) / k;
      ranked.push({ id: label, score: nearest * top[0] + (1 - nearest) * mean });
    }
    return ranked.sort((a, b) => b.score - a.score);
  }
}
