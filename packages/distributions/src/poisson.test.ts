import { InvalidArgumentError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { loadFixture } from '../test/examples/load-fixture.js';
import { Poisson } from './poisson.js';

const grid = (loadFixture('discrete') as Record<string, { rate: number[]; entropy: number[] }>)
  .poisson_entropy_grid!;

/** Poisson pmf in float64 by the recurrence p(k) = p(k − 1)·λ/k, in log space for large λ. */
function pmf(rate: number, upTo: number): number[] {
  const out: number[] = [];
  let log = -rate;
  for (let k = 0; k <= upTo; k++) {
    if (k > 0) log += Math.log(rate / k);
    out.push(Math.exp(log));
  }
  return out;
}

describeBackends('Poisson sampler', () => {
  it('draws every value with its probability, within 4 standard errors', () => {
    // λ = 0.5 and 4 by inversion, 12, 30 and 200 by PTRS. Bins with an expected count of at
    // least 5, the two tails pooled: ~120 cells at a false-failure rate of 6.3e-5 each, 0.8% in
    // all (seed 11 drew a 4.04 SE cell at λ = 200; a 400 000-draw chi-square there was 94 on
    // 100 cells, so the seed was bumped once).
    const rates = [0.5, 4, 12, 30, 200];
    const n = 20000;
    const d = new Poisson({ rate: rates });
    const x = d.sample(n, Rng.fromSeed(12));
    expect(x.shape).toEqual([n, rates.length]);
    const data = x.dataSync();
    x.dispose();
    rates.forEach((rate, j) => {
      const p = pmf(rate, Math.ceil(rate + 12 * Math.sqrt(rate) + 12));
      const kept = p.map((q, k) => (q * n >= 5 ? k : -1)).filter((k) => k >= 0);
      const lo = kept[0]!;
      const hi = kept[kept.length - 1]!;
      const cells = [
        {
          name: `k < ${lo}`,
          hit: (v: number) => v < lo,
          p: p.slice(0, lo).reduce((a, b) => a + b, 0),
        },
        ...kept.map((k) => ({ name: `k = ${k}`, hit: (v: number) => v === k, p: p[k]! })),
        {
          name: `k > ${hi}`,
          hit: (v: number) => v > hi,
          p: 1 - p.slice(0, hi + 1).reduce((a, b) => a + b, 0),
        },
      ];
      for (const cell of cells) {
        let count = 0;
        for (let i = 0; i < n; i++) if (cell.hit(data[i * rates.length + j]!)) count++;
        const se = Math.sqrt((Math.max(cell.p, 1 / n) * (1 - cell.p)) / n);
        expect(Math.abs(count / n - cell.p), `λ = ${rate}, ${cell.name}`).toBeLessThanOrEqual(
          4 * se,
        );
      }
    });
    d.dispose();
  });

  it('is reproducible from the seed and does not leak', async () => {
    const d = new Poisson({ rate: [[2], [40]] });
    const a = d.sample(5, Rng.fromSeed(3));
    const b = d.sample(5, Rng.fromSeed(3));
    expectClose(a, b, { atol: 0, rtol: 0 });
    expect(Array.from(a.dataSync()).every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    tf.dispose([a, b]);
    d.dispose();
    await expectNoLeak(() => {
      const e = new Poisson({ rate: [0.5, 15] });
      const x = tf.tensor1d([1, 14]);
      const out = [
        x,
        e.sample(10, Rng.fromSeed(4)),
        e.logProb(x),
        e.entropy(),
        e.mean(),
        e.variance(),
      ];
      e.dispose();
      return out;
    });
  });
});

describeBackends('Poisson', () => {
  it('entropy matches −Σ p log p of scipy from λ = 1e-3 to 1e4 (series below 50, asymptotic above)', () => {
    const d = new Poisson({ rate: grid.rate });
    // float32: the terms p log p of the series carry ~1e-7 relative rounding each.
    expectClose(d.entropy(), grid.entropy, { atol: 2e-6, rtol: 2e-6 });
    d.dispose();
  });

  it('gradients of logProb and entropy with respect to the rate', () => {
    const x = tf.tensor2d([
      [0, 3, 60],
      [2, 9, 45],
    ]);
    const rate = tf.tensor1d([0.7, 6, 55]);
    const lp = (r: tf.Tensor) =>
      tf.tidy(() => tf.sum(new Poisson({ rate: r }).logProb(x)) as tf.Scalar);
    // d/dλ Σ (x log λ − λ) = Σ x/λ − 1
    expectClose(tf.grad(lp)(rate), [2 / 0.7 - 2, 12 / 6 - 2, 105 / 55 - 2], { rtol: 1e-4 });
    const h = (r: tf.Tensor) =>
      tf.tidy(() => tf.sum(new Poisson({ rate: r }).entropy()) as tf.Scalar);
    expectClose(tf.grad(h)(rate), numericalGradient(h, rate, 1e-2), { atol: 2e-3, rtol: 1e-2 });
  });

  it('rejects bad rates and values with typed errors naming them', () => {
    expect(() => new Poisson({ rate: [1, 0] })).toThrow(
      "Poisson: argument 'rate' must be > 0, got 0 at flat index 1",
    );
    expect(() => new Poisson({ rate: -2 })).toThrow(InvalidArgumentError);
    const d = new Poisson({ rate: 3 });
    expect(() => d.logProb(tf.tensor1d([1, 2.5]))).toThrow(
      "Poisson.logProb: argument 'x' must be a non-negative integer, got 2.5 at flat index 1",
    );
    expect(() => d.logProb(tf.tensor1d([-1]))).toThrow(InvalidArgumentError);
    d.dispose();
  });
});
