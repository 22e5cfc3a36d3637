import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Baseline } from '../../src/evaluation/baseline.js';
import { evaluateBaseline, reliability } from '../../src/evaluation/compare.js';
import { evaluate, report, type Labelled } from '../../src/evaluation/score.js';
import { shippedContent } from '../helpers/assistant.js';

const read = (name: string): Labelled[] => fs.readFileSync(path.resolve(import.meta.dirname, `../data/${name}`), 'utf8')
  .split('\n').filter(Boolean).map((l) => JSON.parse(l));
const data = read('labelled.jsonl');

// Gates about two points under the figures measured with `npm run eval -- test/data/FILE.jsonl --baseline`
// (dev 99.0 / 100 / 95.5, labelled 97.8 / 97.1 / 97.7, held-out 95.9 / 94.7 / 91.7: intent / service / category).
describe('the labelled set (dialects, English, Arabizi, typos; not copies of the intent examples)', () => {
  it('has at least 300 utterances none of which is an intent example', () => {
    const { content } = shippedContent();
    const examples = new Set(content.intents.flatMap((i) => Object.values(i.examples).flat()).map((e) => e.trim()));
    expect(data.length).toBeGreaterThanOrEqual(300);
    expect(data.filter((d) => examples.has(d.text.trim())).map((d) => d.text)).toEqual([]);
  });

  it('is understood with at least 95.5% intent, 95% service and 95.5% category accuracy', () => {
    const result = evaluate(shippedContent().understander, data);
    console.log(report(result));
    expect(result.intent.accuracy).toBeGreaterThanOrEqual(0.955);
    expect(result.service.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.category.accuracy).toBeGreaterThanOrEqual(0.955);
  });

  it('answers given with confidence 0.8 or more are at least 97% right, and the assistant beats the baseline', () => {
    const { content, understander } = shippedContent();
    const result = evaluate(understander, data);
    const above = reliability(result.outcomes).above;
    expect(above.count).toBeGreaterThan(data.length / 2);
    expect(above.correct / above.count).toBeGreaterThanOrEqual(0.97);
    expect(result.intent.accuracy).toBeGreaterThan(evaluateBaseline(new Baseline(content), data).intent.accuracy);
  });
});

describe('the dev set', () => {
  it('is understood with at least 97% intent, 97.5% service and 93% category accuracy', () => {
    const result = evaluate(shippedContent().understander, read('dev.jsonl'));
    expect(result.intent.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(result.service.accuracy).toBeGreaterThanOrEqual(0.975);
    expect(result.category.accuracy).toBeGreaterThanOrEqual(0.93);
  });
});

// Written by someone who never saw the intents, knowledge or the other sets, and never used for tuning:
// the honest estimate of accuracy on other people's wording.
describe('the held-out set (never used for tuning)', () => {
  const holdout = read('holdout.jsonl');

  it('is understood with at least 94% intent, 92.5% service and 88% category accuracy', () => {
    const result = evaluate(shippedContent().understander, holdout);
    expect(holdout.length).toBeGreaterThanOrEqual(300);
    expect(result.intent.accuracy).toBeGreaterThanOrEqual(0.94);
    expect(result.service.accuracy).toBeGreaterThanOrEqual(0.925);
    expect(result.category.accuracy).toBeGreaterThanOrEqual(0.88);
  });
});

// Written in this project's second session by a helper shown only the catalog of ids (never the intents, the
// knowledge or the other sets), 554 lines with 92 mixing French in; never used for tuning. Short stock phrases
// ("merci", "cancel") that happen to be intent examples too are left out of the score (39 lines), as for the
// labelled set. Measured: intent 95.3%, service 98.1%, category 91.8%, French lines 94.1% (80/85); baseline 93.7% intent (all 554).
describe('the second held-out set (catalog-only writer, French-mixed lines, never used for tuning)', () => {
  const { content } = shippedContent();
  const examples = new Set(content.intents.flatMap((i) => Object.values(i.examples).flat()).map((e) => e.trim().toLowerCase()));
  const all = read('heldout-2026.jsonl') as (Labelled & { tags?: string[] })[];
  const unseen = all.filter((d) => !examples.has(d.text.trim().toLowerCase()));

  it('is understood with at least 93.5% intent, 96% service and 90% category accuracy', () => {
    expect(all.length).toBeGreaterThanOrEqual(400);
    expect(unseen.length).toBeGreaterThanOrEqual(all.length * 0.9);
    const result = evaluate(shippedContent().understander, unseen);
    expect(result.intent.accuracy).toBeGreaterThanOrEqual(0.935);
    expect(result.service.accuracy).toBeGreaterThanOrEqual(0.96);
    expect(result.category.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('understands the French-mixed lines at least 90% of the time', () => {
    const french = unseen.filter((d) => d.tags?.includes('french'));
    expect(french.length).toBeGreaterThanOrEqual(60);
    expect(evaluate(shippedContent().understander, french).intent.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
