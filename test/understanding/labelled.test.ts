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
