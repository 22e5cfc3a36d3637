import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, report, type Labelled } from '../../src/evaluation/score.js';
import { shippedContent } from '../helpers/assistant.js';

const file = path.resolve(import.meta.dirname, '../data/labelled.jsonl');
const data: Labelled[] = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('the labelled set (dialects, English, Arabizi, typos; not copies of the intent examples)', () => {
  it('has at least 300 utterances none of which is an intent example', () => {
    const { content } = shippedContent();
    const examples = new Set(content.intents.flatMap((i) => Object.values(i.examples).flat()).map((e) => e.trim()));
    expect(data.length).toBeGreaterThanOrEqual(300);
    expect(data.filter((d) => examples.has(d.text.trim())).map((d) => d.text)).toEqual([]);
  });

  it('is understood with at least 90% intent and 90% service accuracy', () => {
    const result = evaluate(shippedContent().understander, data);
    console.log(report(result));
    expect(result.intent.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.service.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

// Written by someone who never saw the intents, knowledge or the other sets, and never used for tuning:
// the honest estimate of accuracy on other people's wording.
describe('the held-out set (never used for tuning)', () => {
  const holdout: Labelled[] = fs.readFileSync(path.resolve(import.meta.dirname, '../data/holdout.jsonl'), 'utf8')
    .split('\n').filter(Boolean).map((l) => JSON.parse(l));

  it('is understood with at least 85% intent and 85% service accuracy', () => {
    const result = evaluate(shippedContent().understander, holdout);
    console.log(report(result));
    expect(holdout.length).toBeGreaterThanOrEqual(300);
    expect(result.intent.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(result.service.accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
