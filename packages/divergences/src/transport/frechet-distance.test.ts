import { InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/support.js';
import { frechetDistance } from './frechet-distance.js';

interface FrechetCase {
  name: string;
  x: number[] | number[][];
  y: number[] | number[][];
  value: number;
  biased: number;
}
const { cases } = loadFixture<{ cases: FrechetCase[] }>('frechet');

/**
 * 2d rows μ ± c·eᵢ: mean μ and unbiased covariance 2c²/(2d − 1)·I exactly, so the sample sets of
 * two isotropic Gaussians whose Fréchet distance is ‖μx − μy‖² + d(σx − σy)² in closed form.
 */
function isotropic(mean: number[], sigma: number): number[][] {
  const d = mean.length;
  const c = sigma * Math.sqrt((2 * d - 1) / 2);
  return [1, -1].flatMap((sign) =>
    mean.map((_, i) => mean.map((m, j) => (i === j ? m + sign * c : m))),
  );
}

describeBackends('frechetDistance', () => {
  // Covariances accumulate in float32 on the device: ~1e-6 of the traces (≤ 60) in the worst
  // case observed, against float64 scipy.
  it('equals the FID formula with scipy.linalg.sqrtm (ddof 1 and ddof 0)', async () => {
    for (const c of cases) {
      const tolerance = 2e-5 * Math.max(1, c.value);
      expect(Math.abs((await frechetDistance(c.x, c.y)) - c.value), c.name).toBeLessThan(tolerance);
      const biased = await frechetDistance(c.x, c.y, { unbiased: false });
      expect(Math.abs(biased - c.biased), `${c.name} biased`).toBeLessThan(tolerance);
    }
  });

  it('matches the closed form for two isotropic Gaussians in 5-D and 256-D', async () => {
    for (const d of [5, 256]) {
      const mx = Array.from({ length: d }, (_, i) => Math.sin(i));
      const my = Array.from({ length: d }, (_, i) => Math.cos(i) / 2);
      const exact = mx.reduce((s, m, i) => s + (m - my[i]!) ** 2, 0) + d * (1.5 - 0.5) ** 2;
      const got = await frechetDistance(isotropic(mx, 1.5), isotropic(my, 0.5));
      expect(Math.abs(got - exact), `d = ${d}`).toBeLessThan(1e-5 * exact);
    }
  });

  it('is symmetric, zero for identical sets and blind to a shared translation', async () => {
    const c = cases[0]!;
    const forward = await frechetDistance(c.x, c.y);
    expect(Math.abs((await frechetDistance(c.y, c.x)) - forward)).toBeLessThan(1e-5 * forward);
    for (const k of cases) expect(await frechetDistance(k.x, k.x), k.name).toBeLessThan(1e-4);
    const shifted = tf.tidy(() => [
      tf.add(tf.tensor2d(c.x as number[][]), 3),
      tf.add(tf.tensor2d(c.y as number[][]), 3),
    ]);
    expect(Math.abs((await frechetDistance(shifted[0]!, shifted[1]!)) - forward)).toBeLessThan(
      1e-4 * forward,
    );
    tf.dispose(shifted);
  });

  it('leaks no tensors, from arrays or from tensors', async () => {
    const c = cases[1]!;
    const x = tf.tensor2d(c.x as number[][]);
    await expectNoLeak(async () => {
      await frechetDistance(x, c.y);
      await frechetDistance(c.x, c.y, { unbiased: false });
    });
    x.dispose();
  });
});

describe('frechetDistance bad input', () => {
  const x = [
    [0, 1],
    [1, 0],
    [2, 2],
  ];

  it('refuses wrong ranks, mismatched dimensions and fewer than 2 rows, naming the argument', async () => {
    const cube = tf.zeros([2, 2, 2]);
    await expect(frechetDistance(cube, x)).rejects.toThrow(ShapeMismatchError);
    await expect(frechetDistance(cube, x)).rejects.toThrow(/frechetDistance.*'x'.*\[2, 2, 2\]/);
    cube.dispose();
    await expect(
      frechetDistance(x, [
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).rejects.toThrow(
      /frechetDistance: samples 'x' \[3, 2\] and 'y' \[2, 3\] have different dimensions/,
    );
    await expect(frechetDistance(x, [[1, 2]])).rejects.toThrow(
      /frechetDistance.*'y'.*n >= 2.*\[1, 2\]/,
    );
    await expect(frechetDistance('x' as never, x)).rejects.toThrow(InvalidArgumentError);
  });

  it('refuses non-finite values and unknown or ill-typed options', async () => {
    await expect(
      frechetDistance(x, [
        [0, 1],
        [Number.NaN, 2],
      ]),
    ).rejects.toThrow(/frechetDistance: argument 'y' must hold finite values, got NaN at \[1, 0\]/);
    await expect(frechetDistance(x, x, { ddof: 0 } as never)).rejects.toThrow(
      /frechetDistance.*ddof/,
    );
    await expect(frechetDistance(x, x, { unbiased: 1 } as never)).rejects.toThrow(
      /frechetDistance.*options.unbiased.*1/,
    );
  });
});
