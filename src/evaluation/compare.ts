import type { Baseline } from './baseline.js';
import { score, type Evaluation, type FieldScore, type Labelled, type Outcome } from './score.js';

/** The intents whose recall matters most: the ones that must reach staff, stop something, or be turned away. */
export const KEY_INTENTS = ['legal-question', 'form-help', 'human-agent', 'out-of-scope', 'cancel'] as const;

export interface BaselineRun { intent: FieldScore; outcomes: Outcome[] }

export function evaluateBaseline(baseline: Baseline, data: Labelled[]): BaselineRun {
  const pairs: Array<[string, string]> = [];
  const outcomes: Outcome[] = [];
  for (const d of data) {
    const got = baseline.classify(d.text);
    pairs.push([d.intent, got.intent]);
    outcomes.push({ intentOk: got.intent === d.intent, serviceOk: false, confidence: got.confidence, tags: d.tags ?? [] });
  }
  return { intent: score(pairs), outcomes };
}

export interface McNemar {
  /** Utterances only the first system got right. */
  onlyFirst: number;
  /** Utterances only the second system got right. */
  onlySecond: number;
  /** Two-sided exact p-value: the binomial test of the discordant pairs against an even split. */
  p: number;
}

/** The exact McNemar test on two systems' per-utterance correctness over the same utterances. */
export function mcnemar(first: boolean[], second: boolean[]): McNemar {
  let onlyFirst = 0;
  let onlySecond = 0;
  first.forEach((a, i) => {
    if (a && !second[i]) onlyFirst++;
    else if (!a && second[i]) onlySecond++;
  });
  const n = onlyFirst + onlySecond;
  const k = Math.min(onlyFirst, onlySecond);
  // P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so large n does not overflow.
  let tail = 0;
  let logC = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return { onlyFirst, onlySecond, p: n === 0 ? 1 : Math.min(1, 2 * tail) };
}

export interface Bin { from: number; to: number; count: number; correct: number }

/** Answers grouped by confidence, with how many in each group were right (intent and service). */
export function reliability(outcomes: Outcome[], edges = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001]): { bins: Bin[]; above: { count: number; correct: number } } {
  const bins: Bin[] = edges.slice(0, -1).map((from, i) => ({ from, to: Math.min(1, edges[i + 1]), count: 0, correct: 0 }));
  const above = { count: 0, correct: 0 };
  for (const o of outcomes) {
    const ok = o.intentOk && o.serviceOk;
    const bin = bins.find((b, i) => o.confidence >= b.from && (o.confidence < edges[i + 1]));
    if (bin) { bin.count++; if (ok) bin.correct++; }
    if (o.confidence >= 0.8) { above.count++; if (ok) above.correct++; }
  }
  return { bins, above };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const share = (n: number, d: number) => (d ? `${pct(n / d)} (${n}/${d})` : 'n/a (0)');

/** Accuracy of intent on the lines carrying a tag, or undefined when no line has it. */
export function taggedAccuracy(outcomes: Outcome[], tag: string): { correct: number; total: number } | undefined {
  const tagged = outcomes.filter((o) => o.tags.includes(tag));
  return tagged.length ? { correct: tagged.filter((o) => o.intentOk).length, total: tagged.length } : undefined;
}

/** The assistant and the baseline side by side on the same file. */
export function sideBySide(system: Evaluation, baseline: BaselineRun): string {
  const lines: string[] = [];
  const test = mcnemar(system.outcomes.map((o) => o.intentOk), baseline.outcomes.map((o) => o.intentOk));
  lines.push(`intent accuracy: assistant ${share(system.intent.correct, system.intent.total)}, baseline ${share(baseline.intent.correct, baseline.intent.total)}, `
    + `difference ${((system.intent.accuracy - baseline.intent.accuracy) * 100).toFixed(1)} points`);
  lines.push(`exact McNemar test: only the assistant right ${test.onlyFirst}, only the baseline right ${test.onlySecond}, p = ${test.p.toPrecision(3)}`);
  lines.push(`${'per intent'.padEnd(22)} ${'n'.padStart(4)}   assistant P / R      baseline P / R`);
  const base = new Map(baseline.intent.perId.map((p) => [p.id, p]));
  for (const p of system.intent.perId) {
    const b = base.get(p.id);
    lines.push(`  ${p.id.padEnd(20)} ${String(p.support).padStart(4)}   ${pct(p.precision).padStart(6)} / ${pct(p.recall).padStart(6)}    `
      + `${b ? `${pct(b.precision).padStart(6)} / ${pct(b.recall).padStart(6)}` : '     - / -'}`);
  }
  return lines.join('\n');
}

/** Recall of the key intents, French-tagged accuracy and the reliability table of the assistant's confidence. */
export function keyFigures(system: Evaluation, baseline?: BaselineRun): string {
  const lines: string[] = [];
  const recall = (f: FieldScore, id: string) => { const p = f.perId.find((x) => x.id === id); return p && p.support ? share(p.correct, p.support) : 'n/a (0)'; };
  lines.push('recall of the intents that matter most:');
  for (const id of KEY_INTENTS) lines.push(`  ${id.padEnd(20)} assistant ${recall(system.intent, id).padEnd(16)}${baseline ? ` baseline ${recall(baseline.intent, id)}` : ''}`);
  const fr = taggedAccuracy(system.outcomes, 'french');
  if (fr) {
    const b = baseline && taggedAccuracy(baseline.outcomes, 'french');
    lines.push(`French-tagged lines, intent accuracy: assistant ${share(fr.correct, fr.total)}${b ? `, baseline ${share(b.correct, b.total)}` : ''}`);
  }
  const r = reliability(system.outcomes);
  lines.push('reliability of the assistant\'s confidence (correct = intent and service both right):');
  for (const b of r.bins) lines.push(`  ${b.from.toFixed(2)}–${b.to.toFixed(2)}  n=${String(b.count).padStart(4)}  correct ${b.count ? pct(b.correct / b.count) : '   -'}`);
  lines.push(`  answers with confidence ≥ 0.8: ${share(r.above.correct, r.above.count)} correct, ${share(r.above.count, system.outcomes.length)} of all`);
  return lines.join('\n');
}
