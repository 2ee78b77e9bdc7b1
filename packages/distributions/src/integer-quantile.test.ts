import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Binomial } from './binomial.js';
import { NegativeBinomial } from './negative-binomial.js';
import { Poisson } from './poisson.js';

/*
 * The integer families' icdf beyond the generic suite: the ends p = 0 and 1, wide brackets
 * (large means, heavy tails) against scipy.stats ppf, and ties of float32 rounding.
 */
describeBackends('icdf of the integer families', () => {
  it('is 0 at p = 0 and the upper end of the support at p = 1', () => {
    const inf = Number.POSITIVE_INFINITY;
    const cases: [() => { icdf(p: number[]): tf.Tensor; dispose(): void }, number[]][] = [
      [() => new Bernoulli({ probs: 0.3 }), [0, 1]],
      [() => new Bernoulli({ probs: 0 }), [0, 1]],
      [() => new Poisson({ rate: 4 }), [0, inf]],
      [() => new Binomial({ totalCount: 7, probs: 0.4 }), [0, 7]],
      [() => new Binomial({ totalCount: 7, probs: 0 }), [0, 7]],
      [() => new NegativeBinomial({ totalCount: 3, probs: 0.5 }), [0, inf]],
    ];
    for (const [make, expected] of cases) {
      const d = make();
      const q = d.icdf([0, 1]);
      expectClose(q, expected);
      tf.dispose(q);
      d.dispose();
    }
  });

  it('matches scipy for large means and a heavy tail (wide brackets)', () => {
    const poisson = new Poisson({ rate: 1e5 });
    const rare = new Poisson({ rate: 0.01 });
    const binomial = new Binomial({ totalCount: 5000, probs: 0.3 });
    const heavy = new NegativeBinomial({ totalCount: 2.5, probs: 0.999 });
    // Each p halfway between scipy.stats' cdf(k − 1) and cdf(k) (poisson(1e5), binom(5000, 0.3),
    // nbinom(2.5, 0.001)), so that float32 rounding of the cdf cannot move the answer k.
    const out = [
      poisson.icdf([9.93139e-7, 0.50021, 0.989967]),
      rare.icdf([0.5, 0.995, 0.99999]),
      binomial.icdf([9.31149e-7, 0.500821, 0.990259]),
      heavy.icdf([0.0100199, 0.499892, 0.900028]),
    ];
    const expected = [
      [98500, 100000, 100736],
      [0, 1, 2],
      [1347, 1500, 1576],
      [276, 2173, 4615],
    ];
    out.forEach((q, i) => {
      expectClose(q, expected[i]!);
    });
    tf.dispose(out);
    for (const d of [poisson, rare, binomial, heavy]) d.dispose();
  });

  it('takes a cdf equal to p in exact arithmetic as reaching it (Bernoulli(0.7), p = 0.3)', () => {
    const b = new Bernoulli({ probs: 0.7 });
    const nb = new NegativeBinomial({ totalCount: 1, probs: 0.7 });
    const out = [b.icdf([0.3, 0.30001]), nb.icdf([0.3, 0.30001])];
    for (const q of out) expectClose(q, [0, 1]);
    tf.dispose(out);
    b.dispose();
    nb.dispose();
  });

  it('does not leak', async () => {
    await expectNoLeak(() => {
      const d = new Binomial({ totalCount: [5, 50], probs: [0.2, 0.9] });
      const p = tf.fill([3, 2], 0.4);
      const q = d.icdf(p);
      d.dispose();
      return [p, q];
    });
  });
});
