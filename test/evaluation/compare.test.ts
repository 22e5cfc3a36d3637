import { describe, expect, it } from 'vitest';
import { Baseline } from '../../src/evaluation/baseline.js';
import { evaluateBaseline, keyFigures, mcnemar, reliability, sideBySide, taggedAccuracy } from '../../src/evaluation/compare.js';
import { evaluate, type Labelled } from '../../src/evaluation/score.js';
import { shippedContent } from '../helpers/assistant.js';

describe('the exact McNemar test', () => {
  it('is the two-sided binomial test of the discordant pairs', () => {
    const first = [true, ...Array(9).fill(false), true, true];
    const second = [false, ...Array(9).fill(true), true, false];
    const r = mcnemar(first, second);
    expect(r).toMatchObject({ onlyFirst: 2, onlySecond: 9 });
    // 2 vs 9: 2 × (1 + 11 + 55) / 2^11.
    expect(r.p).toBeCloseTo((2 * 67) / 2048, 10);
    expect(mcnemar([true, false], [true, false]).p).toBe(1);
    expect(mcnemar(Array(5).fill(true), Array(5).fill(false)).p).toBeCloseTo(2 / 32, 10);
  });

  it('stays finite on large files', () => {
    const a = Array.from({ length: 3000 }, (_, i) => i % 3 === 0);
    const b = Array.from({ length: 3000 }, (_, i) => i % 5 === 0);
    const p = mcnemar(a, b).p;
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeLessThan(1e-6);
  });
});

describe('the reliability table', () => {
  it('bins answers by confidence and counts those right in intent and service', () => {
    const o = (confidence: number, ok: boolean) => ({ intentOk: ok, serviceOk: true, confidence, tags: [] });
    const r = reliability([o(0.1, false), o(0.85, true), o(0.99, true), o(1, false), o(0.5, true)]);
    expect(r.above).toEqual({ count: 3, correct: 2 });
    expect(r.bins.reduce((s, b) => s + b.count, 0)).toBe(5);
    expect(r.bins.find((b) => b.from === 0.95)).toMatchObject({ count: 2, correct: 1 });
  });
});

describe('the baseline and the side-by-side report', () => {
  const { content, understander } = shippedContent();
  const data: Labelled[] = [
    { text: 'what are your opening hours on saturday', intent: 'office-info', service: null, category: null, tags: ['en'] },
    { text: 'bonjour, quels papiers pour un certificat de résidence ?', intent: 'service-info', service: 'residence-certificate', category: null, tags: ['french'] },
    { text: 'merci beaucoup', intent: 'thanks', service: null, category: null, tags: ['french'] },
    { text: 'شو الاوراق المطلوبة لرخصة البناء', intent: 'service-info', service: 'building-permit', category: null },
  ];

  it('trains on the same examples and classifies into the same intents', () => {
    const baseline = new Baseline(content);
    const got = baseline.classify('thank you so much');
    expect(got.intent).toBe('thanks');
    expect(got.confidence).toBeGreaterThan(0);
    expect(got.confidence).toBeLessThanOrEqual(1);
  });

  it('prints both systems, the test, the key recalls and the French-tagged accuracy', () => {
    const system = evaluate(understander, data);
    const base = evaluateBaseline(new Baseline(content), data);
    expect(system.outcomes.map((o) => o.tags)).toEqual([['en'], ['french'], ['french'], []]);
    expect(taggedAccuracy(system.outcomes, 'french')).toEqual({ correct: 2, total: 2 });
    const text = `${sideBySide(system, base)}\n${keyFigures(system, base)}`;
    expect(text).toMatch(/exact McNemar test: .* p = /);
    expect(text).toContain('legal-question');
    expect(text).toMatch(/French-tagged lines, intent accuracy: assistant 100\.0% \(2\/2\)/);
    expect(text).toContain('answers with confidence ≥ 0.8');
  });
});
