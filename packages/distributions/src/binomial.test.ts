import { InvalidArgumentError, Rng } from '@gen/core';
import { describeBackends, expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Binomial, binomialLogPmf } from './binomial.js';
import { Geometric } from './geometric.js';
import { Multinomial } from './multinomial.js';
import { NegativeBinomial } from './negative-binomial.js';
import { OneHotCategorical } from './one-hot-categorical.js';

/** log k! for k = 0..n in float64. */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) out[k] = out[k - 1]! + Math.log(k);
  return out;
}

/** Binomial(n, p) pmf over 0..n in float64, for p rounded to float32 as the tensors hold it. */
function binomialPmf(n: number, p: number): Float64Array {
  const lf = logFactorials(n);
  const pf = Math.fround(p);
  const out = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) {
    out[k] = Math.exp(lf[n]! - lf[k]! - lf[n - k]! + k * Math.log(pf) + (n - k) * Math.log1p(-pf));
  }
  return out;
}

function entropyOf(pmf: Float64Array): number {
  let h = 0;
  for (const v of pmf) if (v > 0) h -= v * Math.log(v);
  return h;
}

describeBackends('Binomial sampler', () => {
  it('matches the exact cdf at points across the bulk, by inversion and by BTRS, reflected or not', () => {
    // n·min(p, q): 6 (inversion), 15 (BTRS, reflected), 20 and 30000 (BTRS, large n). The
    // empirical cdf at 7 points from mean − 2σ to mean + 2σ within 4 standard errors:
    // 28 comparisons at a false-failure rate of 6.3e−5 each.
    const params = [
      [60, 0.1],
      [500, 0.97],
      [2000, 0.01],
      [100000, 0.3],
    ] as const;
    const draws = 20000;
    const d = new Binomial({
      totalCount: params.map(([n]) => n),
      probs: params.map(([, p]) => p),
    });
    const x = d.sample(draws, Rng.fromSeed(3));
    const data = x.dataSync();
    tf.dispose([x]);
    d.dispose();
    params.forEach(([n, p], j) => {
      const pmf = binomialPmf(n, p);
      const mean = n * p;
      const sd = Math.sqrt(n * p * (1 - p));
      for (let i = -3; i <= 3; i++) {
        const at = Math.floor(mean + (i * 2 * sd) / 3);
        let cdf = 0;
        for (let k = 0; k <= at; k++) cdf += pmf[k]!;
        let count = 0;
        for (let s = 0; s < draws; s++) if (data[s * params.length + j]! <= at) count++;
        const se = Math.sqrt((cdf * (1 - cdf)) / draws);
        expect(
          Math.abs(count / draws - cdf),
          `n = ${n}, p = ${p}, P(X ≤ ${at})`,
        ).toBeLessThanOrEqual(4 * se + 1e-9);
      }
    });
  });
});

describeBackends('Binomial numerics', () => {
  it('the internal log-pmf is float32-accurate near the mode for large n', () => {
    const n = 100000;
    const p = 0.3;
    const pmf = binomialPmf(n, p);
    const ks = [29000, 29800, 30000, 30123, 31000];
    const out = binomialLogPmf(tf.tensor1d(ks), tf.scalar(n), tf.scalar(p), tf.scalar(1 - p));
    expectClose(
      out,
      ks.map((k) => Math.log(pmf[k]!)),
      { atol: 0, rtol: 2e-6 },
    );
    out.dispose();
  });

  it('logProb has the score k − nσ(ℓ) (logits) and k/p − (n − k)/(1 − p) (probs)', () => {
    const n = 50;
    const k = [3, 40, 50];
    const logits = [-1, 2, 0.5];
    const probs = [0.2, 0.7, 0.999];
    const g = tf.tidy(() =>
      tf.grad((l) => {
        const d = new Binomial({ totalCount: n, logits: l });
        return tf.sum(d.logProb(tf.tensor1d(k)));
      })(tf.tensor1d(logits)),
    );
    expectClose(
      g,
      k.map((ki, i) => ki - n / (1 + Math.exp(-logits[i]!))),
      { atol: 2e-4, rtol: 1e-4 },
    );
    const h = tf.tidy(() =>
      tf.grad((p) => {
        const d = new Binomial({ totalCount: n, probs: p });
        return tf.sum(d.logProb(tf.tensor1d(k)));
      })(tf.tensor1d(probs)),
    );
    expectClose(
      h,
      k.map((ki, i) => ki / probs[i]! - (n - ki) / (1 - probs[i]!)),
      { atol: 2e-3, rtol: 1e-3 },
    );
    tf.dispose([g, h]);
  });

  it('entropy matches a float64 sum for large n', () => {
    const cases = [
      [100000, 0.3],
      [5000, 0.002],
    ] as const;
    const d = new Binomial({ totalCount: cases.map(([n]) => n), probs: cases.map(([, p]) => p) });
    const h = d.entropy();
    expectClose(
      h,
      cases.map(([n, p]) => entropyOf(binomialPmf(n, p))),
      { atol: 1e-4, rtol: 1e-4 },
    );
    tf.dispose(h);
    d.dispose();
  });

  it('Multinomial entropy matches a float64 sum for large n', () => {
    const n = 20000;
    // Values exact in float32 (the normalised probabilities then equal them exactly).
    const probs = [0.5, 0.25, 0.25];
    const lf = logFactorials(n);
    // H = −log n! − n Σ p log p + Σᵢ E[log Xᵢ!], Xᵢ ~ Binomial(n, pᵢ).
    let expected = -lf[n]! - n * probs.reduce((s, p) => s + p * Math.log(p), 0);
    for (const p of probs) {
      const pmf = binomialPmf(n, p);
      pmf.forEach((v, k) => {
        expected += v * lf[k]!;
      });
    }
    const d = new Multinomial({ totalCount: n, probs });
    const h = d.entropy();
    expectClose(h, expected, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose(h);
    d.dispose();
  });
});

describeBackends('discrete zoo: typed errors', () => {
  it('refuse bad parameters with messages naming the family', () => {
    expect(() => new Multinomial({ totalCount: 2.5, probs: [0.5, 0.5] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new Multinomial({ totalCount: 3, probs: [0.5, 0.6] })).toThrow(
      /^Multinomial: argument 'probs' must sum to 1/,
    );
    expect(() => new OneHotCategorical({ probs: [0.5, 0.6] })).toThrow(/^OneHotCategorical:/);
    expect(() => new Geometric({ probs: [0.5, 0] })).toThrow(
      /Geometric: argument 'probs' must be > 0, got 0 at flat index 1/,
    );
    expect(() => new NegativeBinomial({ totalCount: 2, probs: 1 })).toThrow(
      /NegativeBinomial: argument 'probs' must be < 1/,
    );
    expect(() => new Binomial({ totalCount: 2.5, probs: 0.5 })).toThrow(
      /Binomial: argument 'totalCount' must be a non-negative integer/,
    );
    expect(() => new Binomial({ totalCount: 2, probs: 0.5, logits: 0 } as never)).toThrow(
      /exactly one of 'logits' or 'probs'/,
    );
  });

  it('Multinomial and OneHotCategorical refuse events of the wrong sum', () => {
    const m = new Multinomial({ totalCount: 4, probs: [0.5, 0.5] });
    expect(() => m.logProb(tf.tensor1d([1, 2]))).toThrow(
      /Multinomial.logProb: argument 'x' must be counts summing to 4 along the last axis, got a sum of 3/,
    );
    m.dispose();
    const o = new OneHotCategorical({ probs: [0.5, 0.5] });
    expect(() => o.logProb(tf.tensor1d([0, 0]))).toThrow(/OneHotCategorical.logProb/);
    o.dispose();
  });

  it('Binomial gives −∞ above totalCount, and the same without validation', () => {
    for (const validateArgs of [true, false]) {
      const d = new Binomial({ totalCount: 3, probs: 0.4, validateArgs });
      const lp = d.logProb(tf.tensor1d([3, 4]));
      const values = Array.from(lp.dataSync());
      expect(values[0]).toBeCloseTo(3 * Math.log(0.4), 5);
      expect(values[1]).toBe(Number.NEGATIVE_INFINITY);
      lp.dispose();
      d.dispose();
    }
  });
});
