import { type CostFunction, Rng } from '@gen/core';
import { describeBackends, expectNoLeak } from '@gen/core/testing';
import {
  type BaseDistribution,
  Beta,
  Chi2,
  Gamma,
  igammaGradA,
  MultivariateNormal,
  Weibull,
} from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { centralDifference, gammaExpectation } from '../../test/family-oracles.js';
import { moments } from '../../test/moments.js';
import { measureValued } from '../measure-valued.js';
import { hasWeakDerivative } from './index.js';
import { gammaShapeParts } from './shape.js';

// The shape-parameter and full-covariance entries beyond Table 1 (their unbiasedness against
// exact expectations is in ../families.test.ts): the Hahn–Jordan draws invert their cdfs, the
// whitened-coordinate map reaches a covariance through its Cholesky factor, and nothing leaks.

describeBackends('weak derivatives beyond the table', () => {
  it('registers Gamma concentration, Weibull shape, Beta a and b, MultivariateNormal loc and scaleTril', () => {
    expect(hasWeakDerivative(Gamma, 'concentration')).toBe(true);
    expect(hasWeakDerivative(Chi2, 'concentration')).toBe(true);
    expect(hasWeakDerivative(Weibull, 'shape')).toBe(true);
    expect(hasWeakDerivative(Beta, 'a')).toBe(true);
    expect(hasWeakDerivative(Beta, 'b')).toBe(true);
    expect(hasWeakDerivative(MultivariateNormal, 'loc')).toBe(true);
    expect(hasWeakDerivative(MultivariateNormal, 'scaleTril')).toBe(true);
  });

  it('Gamma shape parts invert their cdfs 1 + G/c and −G/c (G = ∂P/∂a) to 1e−5, c = −G(e^ψ(a))', () => {
    const a = tf.tensor1d([0.4, 2.5, 30]);
    const u = Rng.fromSeed(3).uniform([200, 3]);
    const parts = gammaShapeParts(a, u, u);
    const mass = parts.mass;
    const residual = (y: tf.Tensor, side: 1 | -1) =>
      tf
        .max(
          tf.abs(
            tf.sub(tf.add(side > 0 ? 1 : 0, tf.mul(side, tf.div(igammaGradA(a, y), mass))), u),
          ),
        )
        .dataSync()[0]!;
    expect(residual(parts.positive, 1)).toBeLessThan(1e-5);
    expect(residual(parts.negative, -1)).toBeLessThan(1e-5);
    // p⁺ lies right of e^{ψ(a)}, p⁻ left of it.
    const y0 = [Math.exp(-2.5614), Math.exp(0.7032), Math.exp(3.3843)];
    const [pos, neg] = [
      parts.positive.arraySync() as number[][],
      parts.negative.arraySync() as number[][],
    ];
    for (const row of pos) {
      for (const [j, v] of row.entries()) expect(v).toBeGreaterThan(y0[j]! * 0.999);
    }
    for (const row of neg) {
      for (const [j, v] of row.entries()) expect(v).toBeLessThan(y0[j]! * 1.001);
    }
    tf.dispose([a, u, parts.positive, parts.negative, mass]);
  });

  it('Chi2 degrees of freedom get the Gamma concentration entry through df/2', () => {
    const repeats = 400;
    const df = tf.fill([repeats], 3);
    const [g] = tf.grads(
      (d) =>
        measureValued().surrogate(
          new Chi2({ df: d!, validateArgs: false }),
          (x) => tf.add(tf.sin(x), tf.mul(0.3, tf.square(x))),
          { samples: 4, rng: Rng.fromSeed(4) },
        ).loss,
    )([df]);
    const exact = centralDifference((k) => gammaExpectation(k / 2, 0.5), 3);
    const { mean, se } = moments(g!.dataSync() as Float32Array);
    expect(Math.abs(mean - exact), `${mean} vs ${exact} (se ${se})`).toBeLessThanOrEqual(4 * se);
    tf.dispose([df, g!]);
  });

  it('MultivariateNormal from a covariance matrix: the scaleTril entry reaches Σ through its Cholesky factor', () => {
    // E[x₀x₁ + x₀²] = Σ₀₁ + μ₀μ₁ + Σ₀₀ + μ₀², so ∂/∂Σ = [[1, ½], [½, 0]] split over the two
    // symmetric entries (the Cholesky gradient of a symmetric input), ∂/∂μ = [μ₁ + 2μ₀, μ₀].
    const repeats = 600;
    const loc = tf.tile(tf.tensor2d([[0.3, -0.5]]), [repeats, 1]);
    const cov = tf.tile(
      tf.tensor3d([
        [
          [1.2, 0.4],
          [0.4, 0.9],
        ],
      ]),
      [repeats, 1, 1],
    );
    const [gLoc, gCov] = tf.grads(
      (l, c) =>
        measureValued().surrogate(
          new MultivariateNormal({ loc: l!, covarianceMatrix: c!, validateArgs: false }),
          (x) => {
            const [x0, x1] = tf.unstack(x, -1);
            return tf.add(tf.mul(x0!, x1!), tf.square(x0!));
          },
          { samples: 4, rng: Rng.fromSeed(6) },
        ).loss,
    )([loc, cov]);
    const locCols = tf.unstack(gLoc!, 1).map((t) => t.dataSync() as Float32Array);
    const covFlat = tf.reshape(gCov!, [repeats, 4]);
    const covCols = tf.unstack(covFlat, 1).map((t) => t.dataSync() as Float32Array);
    const check = (values: Float32Array, exact: number, label: string) => {
      const { mean, se } = moments(values);
      expect(
        Math.abs(mean - exact),
        `${label}: ${mean} vs ${exact} (se ${se})`,
      ).toBeLessThanOrEqual(4 * se + 1e-4);
    };
    check(locCols[0]!, -0.5 + 0.6, '∂μ₀');
    check(locCols[1]!, 0.3, '∂μ₁');
    // Σ₀₀ and the sum of the two off-diagonal entries (how the gradient splits between the
    // symmetric pair depends on the Cholesky gradient's convention, the sum does not).
    check(covCols[0]!, 1, '∂Σ₀₀');
    const offDiagonal = covCols[1]!.map((v, i) => v + covCols[2]![i]!);
    check(offDiagonal, 1, '∂Σ₀₁ + ∂Σ₁₀');
    check(covCols[3]!, 0, '∂Σ₁₁');
    tf.dispose([loc, cov, gLoc!, gCov!, covFlat]);
  });

  it('Gamma, Weibull, Beta and MultivariateNormal estimates do not leak', async () => {
    const square = (x: tf.Tensor) => tf.square(x);
    const sumSquares = (x: tf.Tensor) => tf.sum(tf.square(x), -1);
    const grad = (
      value: tf.Tensor,
      make: (x: tf.Tensor) => BaseDistribution,
      cost: CostFunction,
      coupling: boolean,
      rng: Rng,
    ) =>
      tf.grads((x) => {
        const d = make(x!);
        const loss = measureValued({ coupling }).surrogate(d, cost, { samples: 3, rng }).loss;
        d.dispose();
        return loss;
      })([value]);
    const run = () => {
      const rng = Rng.fromSeed(2);
      const values = [tf.tensor1d([0.7, 2]), tf.scalar(1.5), tf.scalar(2), tf.tensor1d([0.1, 0.2])];
      const [a, k, b, l] = values as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const grads = [
        grad(a, (x) => new Gamma({ concentration: x, rate: 2 }), square, true, rng),
        grad(k, (x) => new Weibull({ shape: x, scale: 1 }), square, false, rng),
        grad(b, (x) => new Beta({ a: x, b: 1.5 }), square, true, rng),
        grad(
          l,
          (x) =>
            new MultivariateNormal({
              loc: x,
              scaleTril: [
                [1, 0],
                [0.3, 0.7],
              ],
            }),
          sumSquares,
          false,
          rng,
        ),
      ].flat();
      tf.dispose(values);
      return grads;
    };
    tf.dispose(run());
    await expectNoLeak(run);
  });
});
