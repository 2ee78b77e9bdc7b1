import { Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { threeClusters } from '../test/data.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { COVARIANCE_TYPES } from './options.js';

/** `copies` copies of each of `points`. */
function duplicated(points: number[][], copies: number): number[][] {
  return points.flatMap((p) => Array.from({ length: copies }, () => [...p]));
}

function allFinite(t: tf.Tensor): boolean {
  const ok = tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0] === 1);
  t.dispose();
  return ok;
}

describeBackends('GaussianMixture on degenerate data', () => {
  it('duplicated points: components collapse to regCovar, finite, and say so', async () => {
    const x = duplicated(
      [
        [0, 0],
        [3, 1],
        [-2, 4],
      ],
      30,
    );
    for (const type of COVARIANCE_TYPES) {
      const gm = new GaussianMixture({ components: 3, covariance: type });
      const result = await gm.fit(x);
      expect(Number.isFinite(result.lowerBound), type).toBe(true);
      expect(allFinite(gm.logProb(x)), type).toBe(true);
      expect(allFinite(gm.covariances()), type).toBe(true);
      expect(result.warnings.join('\n'), type).toMatch(/collapsed onto a near-singular covariance/);
      gm.dispose();
    }
  });

  it('more components than distinct points: empty components are re-seeded, nothing is NaN', async () => {
    const x = duplicated(
      [
        [0, 0],
        [3, 1],
        [-2, 4],
      ],
      20,
    );
    for (const type of COVARIANCE_TYPES) {
      for (const init of ['kmeans', 'kmeans++', 'random-from-data'] as const) {
        const gm = new GaussianMixture({
          components: 5,
          covariance: type,
          init,
          maxIterations: 20,
        });
        const result = await gm.fit(x);
        expect(result.reseeded, `${type} ${init}`).toBeGreaterThan(0);
        expect(result.warnings.join('\n')).toMatch(/re-seeded \d+ empty component/);
        expect(result.history.every(Number.isFinite), `${type} ${init}`).toBe(true);
        expect(allFinite(gm.predictProba(x)), `${type} ${init}`).toBe(true);
        expect(allFinite(gm.sample(10, Rng.fromSeed(0))), `${type} ${init}`).toBe(true);
        gm.dispose();
      }
    }
  });

  it('a component initialised far away is re-seeded and the fit matches a good one', async () => {
    const { x } = threeClusters(Rng.fromSeed(8), 300);
    const means = [
      [0, 0],
      [6, 0],
      [1000, 1000],
    ];
    for (const type of COVARIANCE_TYPES) {
      const far = new GaussianMixture({ components: 3, covariance: type, init: { means } });
      const result = await far.fit(x);
      expect(result.reseeded, type).toBeGreaterThanOrEqual(1);
      const good = new GaussianMixture({ components: 3, covariance: type, restarts: 2 });
      await good.fit(x);
      const [a, b] = [far.score(x), good.score(x)];
      expect(Math.abs(a.dataSync()[0]! - b.dataSync()[0]!), type).toBeLessThan(1e-3);
      tf.dispose([a, b]);
      far.dispose();
      good.dispose();
    }
    x.dispose();
  });

  it('data far from the origin (offset 1e4) fits like the same data at the origin', async () => {
    const { x } = threeClusters(Rng.fromSeed(9), 300);
    const shifted = tf.add(x, 1e4);
    for (const type of COVARIANCE_TYPES) {
      const near = new GaussianMixture({ components: 3, covariance: type, seed: 2 });
      const farAway = new GaussianMixture({ components: 3, covariance: type, seed: 2 });
      const r1 = await near.fit(x);
      const r2 = await farAway.fit(shifted);
      // float32 spacing at 1e4 is 1e-3: the rows themselves move by up to 5e-4.
      expect(Math.abs(r1.lowerBound - r2.lowerBound), type).toBeLessThan(2e-3);
      near.dispose();
      farAway.dispose();
    }
    tf.dispose([x, shifted]);
  });

  it('a single repeated row with K = 1 gives a regCovar-sized Gaussian, without leaks', async () => {
    const x = duplicated([[1, 2]], 10);
    const gm = new GaussianMixture({ components: 1, covariance: 'full' });
    await gm.fit(x);
    await expectNoLeak(async () => {
      const { warnings } = await gm.fit(x);
      expect(warnings.join('\n')).toMatch(/component\(s\) 0 collapsed/);
      const c = gm.covariances();
      // Σ = regCovar·I through the float32 precision factor and back: relative 2⁻²².
      expectClose(
        c,
        [
          [
            [1e-6, 0],
            [0, 1e-6],
          ],
        ],
        { atol: 1e-12, rtol: 3e-7 },
      );
      return c;
    });
    gm.dispose();
  });
});
