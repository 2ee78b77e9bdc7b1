import { initBackend, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGradientMatches } from '../../test/support.js';
import { mmd } from './mmd.js';
import { powerOfSquared, squaredDistances } from './pairwise.js';

/** ‖x_i − y_j‖² by a float64 double loop (the oracle). */
function direct(x: number[][], y: number[][]): number[][] {
  return x.map((a) => y.map((b) => a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0)));
}

describeBackends('squaredDistances', () => {
  it('equals the double loop through the coordinates (d ≤ 4) and through one matmul (d > 4)', () => {
    const rng = Rng.fromSeed(7);
    for (const d of [1, 3, 5, 16]) {
      // Far from the origin: the matmul form works on centred coordinates, so its error is
      // relative to the spread (≈ 1), not to ‖x‖² ≈ 1e6.
      const x = tf.add(rng.normal([30, d]), 1000);
      const y = tf.add(rng.normal([20, d]), 1000.5);
      const expected = direct(x.arraySync() as number[][], y.arraySync() as number[][]);
      // d ≤ 4: exact up to the rounding of the inputs' differences; d > 4: about d·ulp of the
      // centred norms (≈ 1e−5 for d = 16).
      expectClose(squaredDistances(x as tf.Tensor2D, y as tf.Tensor2D), expected, {
        atol: d <= 4 ? 1e-3 : 2e-3,
        rtol: 1e-4,
        message: `d=${d}`,
      });
      tf.dispose([x, y]);
    }
  });

  it('gives exact zeros for equal points when exact, and never a negative value', () => {
    const rng = Rng.fromSeed(8);
    for (const d of [2, 8]) {
      const x = tf.add(rng.normal([12, d]), 50) as tf.Tensor2D;
      const exact = squaredDistances(x, x, true).arraySync();
      expect(
        exact.every((row, i) => row[i] === 0),
        `d=${d}`,
      ).toBe(true);
      expect(Math.min(...squaredDistances(x, x).dataSync())).toBeGreaterThanOrEqual(0);
      tf.dispose(x);
    }
  });

  it('powerOfSquared has the derivative of t^{p/2} for t > 0 and 0 at t = 0', () => {
    const t = tf.tensor1d([0, 0.25, 4]);
    for (const p of [1, 3]) {
      const g = tf.grad((v) => tf.sum(powerOfSquared(v, p)))(t);
      expectClose(g, [0, (p / 2) * 0.25 ** (p / 2 - 1), (p / 2) * 4 ** (p / 2 - 1)], {
        atol: 1e-6,
        rtol: 1e-6,
        message: `p=${p}`,
      });
      g.dispose();
    }
    t.dispose();
  });
});

describe('mmd beyond 4 dimensions (the matmul distances)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('matches the double sum and has the gradient of finite differences', () => {
    const rng = Rng.fromSeed(9);
    const x = rng.normal([15, 8]);
    const y = tf.add(rng.normal([12, 8]), 0.4);
    const kernel = (d2: number[][]) => d2.map((row) => row.map((v) => Math.exp(-v / 8)));
    const xs = x.arraySync() as number[][];
    const ys = y.arraySync() as number[][];
    const off = (k: number[][]) =>
      k.reduce((s, row, i) => s + row.reduce((t, v, j) => t + (i === j ? 0 : v), 0), 0) /
      (k.length * (k.length - 1));
    const mean = (k: number[][]) => k.flat().reduce((s, v) => s + v, 0) / k.flat().length;
    const expected =
      off(kernel(direct(xs, xs))) + off(kernel(direct(ys, ys))) - 2 * mean(kernel(direct(xs, ys)));
    expectClose(mmd(x, y, { bandwidth: 2 }), expected, { atol: 2e-6, rtol: 0 });
    expectGradientMatches((v) => mmd(v, y, { bandwidth: [1, 2] }), x, {
      eps: 1e-3,
      atol: 2e-3,
      rtol: 2e-3,
    });
    tf.dispose([x, y]);
  });

  it('does not leak tensors', async () => {
    const x = tf.randomNormal([6, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
    await expectNoLeak(() => [squaredDistances(x, x), squaredDistances(x, x, true), mmd(x, x)]);
    x.dispose();
  });
});
