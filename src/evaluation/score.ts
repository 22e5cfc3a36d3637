import type { Understander } from '../understanding/understand.js';

export interface Labelled {
  text: string; intent: string; service: string | null; category: string | null;
  /** Optional marks on a line ("french", "code-switch"...), for accuracy on a part of the file. */
  tags?: string[];
}

/** One utterance's outcome, for comparisons between systems and the reliability of the confidence. */
export interface Outcome { intentOk: boolean; serviceOk: boolean; confidence: number; tags: string[] }

export interface PerId { id: string; support: number; predicted: number; correct: number; precision: number; recall: number }
export interface FieldScore { accuracy: number; total: number; correct: number; perId: PerId[]; confusions: Array<{ expected: string; got: string; count: number }> }
export interface Evaluation {
  intent: FieldScore;
  service: FieldScore;
  category: FieldScore;
  slowest: Array<{ text: string; ms: number }>;
  errors: Array<{ text: string; field: string; expected: string; got: string }>;
  outcomes: Outcome[];
}

const NONE = '(none)';

export function score(pairs: Array<[string, string]>): FieldScore {
  const ids = new Set(pairs.flatMap(([e, g]) => [e, g]));
  const perId: PerId[] = [];
  for (const id of ids) {
    const support = pairs.filter(([e]) => e === id).length;
    const predicted = pairs.filter(([, g]) => g === id).length;
    const correct = pairs.filter(([e, g]) => e === id && g === id).length;
    perId.push({ id, support, predicted, correct, precision: predicted ? correct / predicted : 0, recall: support ? correct / support : 0 });
  }
  const confusionMap = new Map<string, number>();
  for (const [e, g] of pairs) if (e !== g) confusionMap.set(`${e}\u0000${g}`, (confusionMap.get(`${e}\u0000${g}`) ?? 0) + 1);
  const confusions = [...confusionMap].map(([k, count]) => { const [expected, got] = k.split('\u0000'); return { expected, got, count }; })
    .sort((a, b) => b.count - a.count);
  const correct = pairs.filter(([e, g]) => e === g).length;
  return { accuracy: pairs.length ? correct / pairs.length : 0, total: pairs.length, correct, perId: perId.sort((a, b) => b.support - a.support), confusions };
}

/**
 * Scores the understanding on labelled utterances. Service accuracy counts every utterance (null must stay null);
 * category accuracy counts complaint utterances only.
 */
export function evaluate(understander: Understander, data: Labelled[]): Evaluation {
  const intents: Array<[string, string]> = [];
  const services: Array<[string, string]> = [];
  const categories: Array<[string, string]> = [];
  const timings: Array<{ text: string; ms: number }> = [];
  const errors: Evaluation['errors'] = [];
  const outcomes: Outcome[] = [];
  for (const d of data) {
    const t0 = process.hrtime.bigint();
    const u = understander.understand(d.text);
    timings.push({ text: d.text, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    intents.push([d.intent, u.intent]);
    const gotService = u.service ?? (u.serviceChoices.length ? `?${u.serviceChoices.join('|')}` : NONE);
    services.push([d.service ?? NONE, u.service ?? NONE]);
    if (d.intent === 'complaint-file') categories.push([d.category ?? NONE, u.category ?? NONE]);
    outcomes.push({ intentOk: d.intent === u.intent, serviceOk: (d.service ?? NONE) === (u.service ?? NONE), confidence: u.confidence, tags: d.tags ?? [] });
    if (d.intent !== u.intent) errors.push({ text: d.text, field: 'intent', expected: d.intent, got: u.intent });
    if ((d.service ?? NONE) !== (u.service ?? NONE)) errors.push({ text: d.text, field: 'service', expected: d.service ?? NONE, got: gotService });
    if (d.intent === 'complaint-file' && (d.category ?? NONE) !== (u.category ?? NONE)) errors.push({ text: d.text, field: 'category', expected: d.category ?? NONE, got: u.category ?? NONE });
  }
  return { intent: score(intents), service: score(services), category: score(categories), slowest: timings.sort((a, b) => b.ms - a.ms).slice(0, 10), errors, outcomes };
}

export function report(e: Evaluation): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines: string[] = [];
  for (const [name, f] of [['intent', e.intent], ['service', e.service], ['category', e.category]] as const) {
    lines.push(`${name} accuracy: ${pct(f.accuracy)} (${f.correct}/${f.total})`);
    for (const p of f.perId) lines.push(`  ${p.id.padEnd(30)} n=${String(p.support).padStart(3)}  precision ${pct(p.precision).padStart(6)}  recall ${pct(p.recall).padStart(6)}`);
    if (f.confusions.length) lines.push(`  most frequent confusions (expected → got): ${f.confusions.slice(0, 8).map((c) => `${c.expected}→${c.got} ×${c.count}`).join(', ')}`);
  }
  lines.push('slowest utterances:');
  for (const s of e.slowest.slice(0, 5)) lines.push(`  ${s.ms.toFixed(2)} ms  ${s.text.slice(0, 60)}`);
  return lines.join('\n');
}
