import { initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, foreignRng } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGradientMatches, loadFixture, scalar } from '../../test/support.js';
import { energyDistance } from './energy-distance.js';
import { mmd } from './mmd.js';
import { quantileCoupling } from './quantile-coupling.js';
import { slicedWasserstein } from './sliced-wasserstein.js';
import { wasserstein1d } from './wasserstein-1d.js';

interface Samples {
  wasserstein: {
    name: string;
    x: number[];
    y: number[];
    p1: number;
    p2: number;
    p3: number;
    emd2_euclidean: number;
    emd2_sqeuclidean: number;
  }[];
  energy: { name: string; x: number[] | number[][]; y: number[] | number[][]; value: number }[];
  sliced: { x: number[][]; y: number[][]; projections: number[][]; p1: number; p2: number };
  mmd: {
    x: number[][];
    y: number[][];
    cases: { kernel: 'rbf' | 'imq'; bandwidth: number[]; unbiased: boolean; value: number }[];
  };
}
const fixture = loadFixture<Samples>('samples');

describeBackends('sample distances vs scipy / POT', () => {
  // Values of size ~1 from sums of ≤ 1000 float32 terms: a few ulp times √terms relative
  // error (observed ≤ 6e−7 on cpu and wasm).
  const close = { atol: 1e-6, rtol: 2e-6 };

  it('wasserstein1d = scipy wasserstein_distance (p = 1), POT wasserstein_1d^{1/p} (p = 2, 3), ot.emd2', () => {
    for (const c of fixture.wasserstein) {
      expectClose(wasserstein1d(c.x, c.y), c.p1, { ...close, message: `${c.name} p=1` });
      expectClose(wasserstein1d(c.x, c.y, { p: 2 }), c.p2, { ...close, message: `${c.name} p=2` });
      expectClose(wasserstein1d(c.x, c.y, { p: 3 }), c.p3, { ...close, message: `${c.name} p=3` });
      expectClose(wasserstein1d(c.x, c.y), c.emd2_euclidean, close);
      expectClose(tf.square(wasserstein1d(c.x, c.y, { p: 2 })), c.emd2_sqeuclidean, close);
    }
    expectClose(wasserstein1d([0, 1, 3], [5, 6, 8]), 5, close); // scipy's documented example
  });

  it('energyDistance = scipy energy_distance² (1-D) and the V-statistic formula (3-D)', () => {
    for (const c of fixture.energy)
      expectClose(energyDistance(c.x, c.y), c.value, { ...close, message: c.name });
    expectClose(energyDistance([0], [2]), 4, close);
  });

  it('slicedWasserstein = POT sliced_wasserstein_distance with the same directions', () => {
    const { x, y, projections } = fixture.sliced;
    expectClose(slicedWasserstein(x, y, { projections, p: 1 }), fixture.sliced.p1, close);
    expectClose(slicedWasserstein(x, y, { projections, p: 2 }), fixture.sliced.p2, close);
  });

  it('mmd = the direct double sum, rbf and imq, one or several bandwidths, (un)biased', () => {
    for (const c of fixture.mmd.cases) {
      const value = mmd(fixture.mmd.x, fixture.mmd.y, {
        kernel: c.kernel,
        bandwidth: c.bandwidth,
        unbiased: c.unbiased,
      });
      // MMD² is a difference of means of ≤ 900 kernel values of size ≤ B (B bandwidths summed):
      // absolute error ~ √900 ulp(B) = 2e−6·B in float32 (observed 2.1e−6 at B = 3 on wasm).
      expectClose(value, c.value, {
        atol: 2e-6 * c.bandwidth.length,
        rtol: 0,
        message: JSON.stringify(c),
      });
    }
  });
});

describe('sample distances', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('couples unequal sample sizes through the merged quantile breakpoints', () => {
    const { left, right, weights } = quantileCoupling(2, 3);
    expect(left).toEqual([0, 0, 1, 1]);
    expect(right).toEqual([0, 1, 1, 2]);
    expectClose(weights, [1 / 3, 1 / 6, 1 / 6, 1 / 3], { atol: 1e-15 });
    expect(quantileCoupling(4, 4).weights).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  // docs/references.md#wasserstein-distances and docs/references.md#maximum-mean-discrepancy
  it('matches the Gaussian W₂ and MMD² closed forms within 4 standard errors', () => {
    const rng = Rng.fromSeed(11);
    // W₂²(N(0,1), N(1,2²)) = 2, estimated from 10000 draws of each (the sorted-sample coupling;
    // its O(log n / n) ≈ 5e−3 bias is a fifth of the standard error, which the spread of 8
    // replicates gives).
    const w2 = Array.from({ length: 8 }, () =>
      tf.tidy(() =>
        scalar(tf.square(wasserstein1d(rng.normal([10000]), rng.normal([10000], 1, 2), { p: 2 }))),
      ),
    );
    const mean = w2.reduce((s, v) => s + v, 0) / w2.length;
    const se = Math.sqrt(w2.reduce((s, v) => s + (v - mean) ** 2, 0) / (w2.length - 1) / w2.length);
    expect(Math.abs(mean - 2)).toBeLessThanOrEqual(4 * se);
    // Unbiased MMD² of N(0, I₂) vs N((1,0), I₂), ℓ = 1: 0.1023455 (exact), unbiased estimator.
    const m = Array.from({ length: 8 }, () =>
      tf.tidy(() =>
        scalar(mmd(rng.normal([300, 2]), tf.add(rng.normal([300, 2]), tf.tensor1d([1, 0])))),
      ),
    );
    const mm = m.reduce((s, v) => s + v, 0) / m.length;
    const mse = Math.sqrt(m.reduce((s, v) => s + (v - mm) ** 2, 0) / (m.length - 1) / m.length);
    expect(Math.abs(mm - 0.1023455)).toBeLessThanOrEqual(4 * mse);
  });

  it('is differentiable with respect to sample positions (finite differences)', () => {
    const rng = Rng.fromSeed(3);
    const x = rng.normal([6, 2]);
    const y = tf.add(rng.normal([5, 2]), 0.5);
    const theta = tf.tensor2d([
      [0.6, 0.8],
      [1, 0],
      [-0.28, 0.96],
    ]);
    const options = { eps: 1e-3, atol: 2e-3, rtol: 2e-3 };
    const x1 = tf.reshape(tf.slice(x, [0, 0], [6, 1]), [6]);
    const y1 = tf.reshape(tf.slice(y, [0, 0], [5, 1]), [5]);
    for (const p of [1, 2, 3]) {
      expectGradientMatches((v) => wasserstein1d(v, y1, { p }), x1, {
        ...options,
        message: `W${p}`,
      });
    }
    expectGradientMatches((v) => slicedWasserstein(v, y, { projections: theta }), x, {
      ...options,
      message: 'SW',
    });
    expectGradientMatches((v) => energyDistance(v, y), x, { ...options, message: 'energy' });
    for (const kernel of ['rbf', 'imq'] as const) {
      expectGradientMatches((v) => mmd(v, y, { kernel, bandwidth: [0.5, 2] }), x, {
        ...options,
        message: kernel,
      });
      expectGradientMatches((v) => mmd(y, v, { kernel, unbiased: false }), x, {
        ...options,
        message: kernel,
      });
    }
    // Coincident points (zero distances) give finite gradients, not NaN.
    const g = tf.grad((v) => energyDistance(v, v))(x);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y, theta, x1, y1, g]);
  });

  it('validates samples and options with typed errors naming the argument', () => {
    expect(() => wasserstein1d([[0, 1]], [[1, 2]])).toThrow(ShapeMismatchError);
    expect(() => wasserstein1d([0, Number.NaN], [1])).toThrow(
      /argument 'x' must hold finite values, got NaN at \[1, 0\]/,
    );
    expect(() => wasserstein1d([0], [1], { p: 0.5 })).toThrow(
      /argument 'p' must be a finite number >= 1/,
    );
    expect(() => wasserstein1d([], [1])).toThrow(/argument 'x' must have shape/);
    expect(() => energyDistance([[0, 1]], [[0, 1, 2]])).toThrow(/different dimensions/);
    expect(() => mmd([[0], [1]], [[0]])).toThrow(
      /argument 'y' must have shape \[n, d\] or \[n\] with n >= 2/,
    );
    expect(() => mmd([0, 1], [0, 1], { bandwidth: [] })).toThrow(/argument 'bandwidth'/);
    expect(() => mmd([0, 1], [0, 1], { kernel: 'laplace' as 'rbf' })).toThrow(/argument 'kernel'/);
    expect(() => slicedWasserstein([[0, 1]], [[1, 0]])).toThrow(/argument 'rng' must be an Rng/);
    expect(() => slicedWasserstein([[0, 1]], [[1, 0]], { projections: [[1, 0, 0]] })).toThrow(
      /projections/,
    );
    expect(() => slicedWasserstein([[0, 1]], [[1, 0]], { projection: 3 } as never)).toThrow(
      /unknown option/,
    );
  });

  it('accepts an Rng from another installed copy of @gen/core (no instanceof)', () => {
    const x = [
      [0, 1],
      [2, 0.5],
      [1, 1],
    ];
    const y = [
      [1, 1],
      [0, 0],
    ];
    const foreign = foreignRng(4);
    expect(foreign).not.toBeInstanceOf(Rng);
    expectClose(
      slicedWasserstein(x, y, { projections: 8, rng: foreign }),
      slicedWasserstein(x, y, { projections: 8, rng: Rng.fromSeed(4) }).dataSync()[0]!,
      { atol: 0 },
    );
  });

  it('does not leak tensors', async () => {
    const x = tf.tensor2d([
      [0, 1],
      [2, 0.5],
      [1, 1],
    ]);
    const y = [
      [1, 1],
      [0, 0],
    ];
    await expectNoLeak(() => [
      wasserstein1d([0, 2, 1], [1, 3], { p: 2 }),
      slicedWasserstein(x, y, { projections: 4, rng: Rng.fromSeed(1) }),
      energyDistance(x, y),
      mmd(x, y),
      mmd(x, y, { kernel: 'imq', unbiased: false }),
    ]);
    await expectNoLeak(() => {
      expect(() => wasserstein1d([0, Number.NaN], x)).toThrow();
    });
    x.dispose();
  });
});
