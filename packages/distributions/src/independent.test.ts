import { InvalidArgumentError, NotImplementedError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Independent, isIndependent } from './independent.js';
import { Normal } from './normal.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

describeBackends('Independent', () => {
  it('moves the last batch axes into the event and sums logProb and entropy over them', () => {
    const base = () => new Normal({ loc: tf.zeros([2, 3, 4]), scale: 1 });
    const shapes = [0, 1, 2, 3].map((r) => {
      const d = new Independent(base(), r);
      const lp = d.logProb(tf.zeros([5, 2, 3, 4]));
      const out = [d.batchShape, d.eventShape, lp.shape, d.entropy().shape, d.mean().shape];
      // Each coordinate contributes log N(0 | 0, 1) = −½ log 2π; r axes sum [1, 4, 12, 24] of them.
      expectClose(lp, tf.fill(lp.shape, -HALF_LOG_2PI * [1, 4, 12, 24][r]!));
      d.dispose();
      return out;
    });
    expect(shapes[1]).toEqual([[2, 3], [4], [5, 2, 3], [2, 3], [2, 3, 4]]);
    expect(shapes[3]).toEqual([[], [2, 3, 4], [5], [], [2, 3, 4]]);
    expect(shapes[0]![0]).toEqual([2, 3, 4]);
  });

  it('passes rsample through with gradients, and params are the base’s', () => {
    const loc = tf.variable(tf.tensor1d([1, -1]));
    const d = new Independent(new Normal({ loc, scale: 2 }), 1);
    expect(d.hasRsample).toBe(true);
    expect(Object.keys(d.params).sort()).toEqual(['loc', 'scale']);
    const g = tf.variableGrads(
      () => tf.mean(tf.sum(d.rsample(100, Rng.fromSeed(1)), -1)) as tf.Scalar,
    );
    expectClose(g.grads[loc.name]!, [1, 1], { atol: 1e-5 });
    const b = new Independent(new Bernoulli({ probs: [0.5, 0.2] }), 1);
    expect(b.hasRsample).toBe(false);
    expect(() => b.rsample(2, Rng.fromSeed(1))).toThrow(NotImplementedError);
    const x = b.sample(3, Rng.fromSeed(2));
    expect(x.shape).toEqual([3, 2]);
    tf.dispose([loc, g.value, ...Object.values(g.grads), x]);
    d.dispose();
    b.dispose();
  });

  it('nests: Independent(Independent(b, 1), 1) equals Independent(b, 2)', () => {
    const make = () =>
      new Normal({
        loc: [
          [0, 1],
          [2, 3],
        ],
        scale: [
          [1, 2],
          [3, 4],
        ],
      });
    const a = new Independent(make(), 2);
    const b = new Independent(new Independent(make(), 1), 1);
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 7],
    ]);
    expect(b.eventShape).toEqual(a.eventShape);
    expectClose(b.logProb(x), a.logProb(x).dataSync()[0]!);
    expectClose(b.entropy(), a.entropy().dataSync()[0]!);
    a.dispose();
    b.dispose();
  });

  it('rejects a rank beyond the batch and a non-distribution with typed errors', () => {
    const n = new Normal({ loc: [0, 1], scale: 1 });
    expect(() => new Independent(n, 2)).toThrow(
      "Independent: argument 'reinterpretedBatchRank' must be an integer in [0, 1], got 2",
    );
    expect(() => new Independent(n, 0.5)).toThrow(InvalidArgumentError);
    expect(() => new Independent({} as never, 1)).toThrow(
      "Independent: argument 'base' must be a Distribution, got {}",
    );
    const d = new Independent(n, 1);
    expect(() => d.logProb(tf.zeros([3]))).toThrow(/must end with the event shape \[2\]/);
    expect(() => d.logProb(tf.tensor1d([0, Number.NaN]))).toThrow(InvalidArgumentError);
    d.dispose();
  });

  it('does not leak, and dispose releases the base', async () => {
    await expectNoLeak(() => {
      const d = new Independent(new Normal({ loc: [[0, 1]], scale: [2, 3] }), 2);
      const x = d.sample(3, Rng.fromSeed(4));
      const out = [
        x,
        d.rsample(2, Rng.fromSeed(5)),
        d.logProb(x),
        d.entropy(),
        d.mean(),
        d.variance(),
      ];
      d.dispose();
      return out;
    });
  });

  it('isIndependent recognises wrappers of any installed copy, not other distributions', () => {
    const n = new Normal({ loc: [[0, 1]], scale: 1 });
    const d = new Independent(n, 1);
    class Subclass extends Independent {}
    const sub = new Subclass(new Normal({ loc: [0], scale: 1 }), 1);
    // A second copy's Independent: another class with the same registry-keyed brand.
    const otherCopy = Object.defineProperty(
      { base: n, reinterpretedBatchRank: 1 },
      Symbol.for('@gen/distributions/Independent'),
      { value: true },
    );
    expect([d, sub, otherCopy].map(isIndependent)).toEqual([true, true, true]);
    const lookAlike = { base: n, reinterpretedBatchRank: 1, batchShape: [1], eventShape: [2] };
    for (const x of [n, lookAlike, null, undefined, 'Independent', Independent]) {
      expect(isIndependent(x)).toBe(false);
    }
    d.dispose();
    sub.dispose();
  });
});
