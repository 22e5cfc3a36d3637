/**
 * Multinomial logistic regression (softmax) over sparse features, small enough to train at start-up.
 *
 * Features are strings; the trainer gives each one seen in the training data a column, and a feature never seen
 * in training is ignored at prediction time (it would have a weight of zero anyway). Training is plain stochastic
 * gradient descent with AdaGrad step sizes and L2 weight decay, in a fixed, seeded order, so the same examples
 * always give the same model.
 */

/** A sparse feature vector: feature → value. */
export type Features = Map<string, number>;

export interface TrainingOptions {
  /** Passes over the data. */
  epochs?: number;
  /** Base step size (AdaGrad divides it by the root of the summed squared gradients). */
  rate?: number;
  /** L2 penalty per example and step. */
  l2?: number;
  /** Seed for the shuffling order. */
  seed?: number;
  /**
   * How much the classes are evened out (0 none … 1 fully): a class with many examples (complaints, which also learn
   * from every category phrase) would otherwise win every doubtful sentence by its numbers alone.
   */
  balance?: number;
}

export interface Probability { id: string; p: number }

export class SoftmaxRegression {
  private readonly column = new Map<string, number>();
  private readonly weights: Float64Array;
  private readonly bias: Float64Array;
  readonly labels: string[];

  constructor(data: Array<{ label: string; features: Features }>, options: TrainingOptions = {}) {
    const { epochs = 12, rate = 0.5, l2 = 1e-5, seed = 7, balance = 0 } = options;
    this.labels = [...new Set(data.map((d) => d.label))].sort();
    const labelIndex = new Map(this.labels.map((l, i) => [l, i]));
    for (const d of data) for (const f of d.features.keys()) if (!this.column.has(f)) this.column.set(f, this.column.size);
    const k = this.labels.length;
    this.weights = new Float64Array(this.column.size * k);
    this.bias = new Float64Array(k);
    const g2 = new Float64Array(this.column.size * k);
    const b2 = new Float64Array(k);
    const perClass = new Map<string, number>();
    for (const d of data) perClass.set(d.label, (perClass.get(d.label) ?? 0) + 1);
    const rows = data.map((d) => ({
      y: labelIndex.get(d.label)!,
      weight: (data.length / k / perClass.get(d.label)!) ** balance,
      idx: Int32Array.from([...d.features.keys()].map((f) => this.column.get(f)!)),
      val: Float64Array.from(d.features.values()),
    }));
    const order = rows.map((_, i) => i);
    const random = lcg(seed);
    const p = new Float64Array(k);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const r of order) {
        const row = rows[r];
        this.scores(row.idx, row.val, p);
        softmax(p);
        for (let c = 0; c < k; c++) {
          const g = (p[c] - (c === row.y ? 1 : 0)) * row.weight;
          b2[c] += g * g;
          this.bias[c] -= (rate * g) / Math.sqrt(b2[c] + 1e-8);
          for (let t = 0; t < row.idx.length; t++) {
            const w = row.idx[t] * k + c;
            const gw = g * row.val[t] + l2 * this.weights[w];
            g2[w] += gw * gw;
            this.weights[w] -= (rate * gw) / Math.sqrt(g2[w] + 1e-8);
          }
        }
      }
    }
  }

  private scores(idx: ArrayLike<number>, val: ArrayLike<number>, out: Float64Array): void {
    const k = this.labels.length;
    out.set(this.bias);
    for (let t = 0; t < idx.length; t++) {
      const base = idx[t] * k;
      const x = val[t];
      for (let c = 0; c < k; c++) out[c] += this.weights[base + c] * x;
    }
  }

  /**
   * Every label with its probability, most likely first. `temperature` above 1 softens the probabilities (a model
   * trained to fit its examples is more sure of itself than it should be on other people's wording).
   */
  predict(features: Features, temperature = 1): Probability[] {
    const idx: number[] = [];
    const val: number[] = [];
    for (const [f, x] of features) {
      const c = this.column.get(f);
      if (c !== undefined) { idx.push(c); val.push(x); }
    }
    const p = new Float64Array(this.labels.length);
    this.scores(idx, val, p);
    if (temperature !== 1) for (let c = 0; c < p.length; c++) p[c] /= temperature;
    softmax(p);
    return this.labels.map((id, c) => ({ id, p: p[c] })).sort((a, b) => b.p - a.p);
  }

  /** How many features the model knows (for tests and the benchmark). */
  get size(): number {
    return this.column.size;
  }
}

function softmax(p: Float64Array): void {
  let max = -Infinity;
  for (const x of p) if (x > max) max = x;
  let sum = 0;
  for (let c = 0; c < p.length; c++) { p[c] = Math.exp(p[c] - max); sum += p[c]; }
  for (let c = 0; c < p.length; c++) p[c] /= sum;
}

/** A small deterministic pseudo-random generator (numbers in [0, 1)). */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Scales a vector to unit length (TF-IDF style), in place. */
export function unitLength(v: Features): Features {
  let n = 0;
  for (const x of v.values()) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (const [f, x] of v) v.set(f, x / n);
  return v;
}
