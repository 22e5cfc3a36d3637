import { describe, expect, it } from 'vitest';
import { SoftmaxRegression, unitLength } from '../../src/understanding/logistic.js';

const f = (...names: string[]) => new Map(names.map((n) => [n, 1]));
const data = [
  ...['a', 'b'].flatMap((extra) => [{ label: 'fees', features: f('cost', extra) }, { label: 'fees', features: f('price', extra) }]),
  ...['a', 'b'].flatMap((extra) => [{ label: 'hours', features: f('open', extra) }, { label: 'hours', features: f('close', extra) }]),
];

describe('softmax regression', () => {
  it('learns which features tell the labels apart, whatever they share', () => {
    const model = new SoftmaxRegression(data, { epochs: 30 });
    expect(model.predict(f('cost', 'a'))[0].id).toBe('fees');
    expect(model.predict(f('close', 'b'))[0].id).toBe('hours');
    expect(model.predict(f('price'))[0].p).toBeGreaterThan(0.8);
  });

  it('gives probabilities that sum to one, and an unseen feature changes nothing', () => {
    const model = new SoftmaxRegression(data);
    const p = model.predict(f('open', 'a'));
    expect(p.reduce((s, x) => s + x.p, 0)).toBeCloseTo(1, 10);
    expect(model.predict(f('open', 'a', 'never-seen'))).toEqual(p);
    expect(model.size).toBe(6);
  });

  it('is deterministic, and a higher temperature makes it less sure', () => {
    const a = new SoftmaxRegression(data).predict(f('cost'));
    const b = new SoftmaxRegression(data).predict(f('cost'));
    expect(a).toEqual(b);
    const model = new SoftmaxRegression(data);
    expect(model.predict(f('cost'), 3)[0].p).toBeLessThan(model.predict(f('cost'))[0].p);
  });

  it('evens out a class with many more examples when asked to', () => {
    const skewed = [...Array.from({ length: 40 }, () => ({ label: 'big', features: f('shared', 'x') })), { label: 'small', features: f('shared', 'y') }];
    const plain = new SoftmaxRegression(skewed).predict(f('shared')).find((p) => p.id === 'small')!.p;
    const balanced = new SoftmaxRegression(skewed, { balance: 1 }).predict(f('shared')).find((p) => p.id === 'small')!.p;
    expect(balanced).toBeGreaterThan(plain);
  });

  it('scales a vector to unit length', () => {
    const v = unitLength(new Map([['x', 3], ['y', 4]]));
    expect(v.get('x')).toBeCloseTo(0.6);
    expect(v.get('y')).toBeCloseTo(0.8);
  });
});
