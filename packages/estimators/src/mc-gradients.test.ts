import { type CostFunction, type GradientEstimator, Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import { Independent, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { moments } from '../test/moments.js';
import { measureValued } from './measure-valued.js';
import { pathwise } from './pathwise.js';
import { scoreFunction } from './score-function.js';

// The cases of deepmind/mc_gradients' gradient_estimators_test.py (the code that accompanies Mohamed et al. 2020): a diagonal
// multivariate Normal (here Independent(Normal, 1)), gradients with respect to μ and log σ.
// Their tolerances were tuned to their sample sizes; here R = 2000 independent estimates of S
// draws each (a batch of R copies), and every mean must be within 4 standard errors (plus float32
// rounding, 1e-6 relative, for the estimates that are exact).
const [R, S] = [1500, 20];
type Estimates = { loc: Float32Array[]; logScale: Float32Array[] };

function mvnEstimates(
  estimator: GradientEstimator,
  mu: number[],
  logSigma: number[],
  cost: CostFunction,
  seed: number,
): Estimates {
  const params = [tf.tile(tf.tensor2d([mu]), [R, 1]), tf.tile(tf.tensor2d([logSigma]), [R, 1])];
  const rng = Rng.fromSeed(seed);
  const grads = tf.grads((loc, logScale) => {
    const base = new Normal({ loc: loc!, scale: tf.exp(logScale!), validateArgs: false });
    return estimator.surrogate(new Independent(base, 1), cost, { samples: S, rng }).loss;
  })(params);
  const split = (g: tf.Tensor) => tf.unstack(g, 1).map((t) => t.dataSync() as Float32Array);
  const out = { loc: split(grads[0]!), logScale: split(grads[1]!) };
  tf.dispose([...grads, ...params]);
  return out;
}

function expectMeans(got: Float32Array[], expected: number[], label: string): void {
  got.forEach((values, d) => {
    const { mean, se } = moments(values);
    expect(
      Math.abs(mean - expected[d]!),
      `${label}[${d}]: ${mean} vs ${expected[d]} (se ${se})`,
    ).toBeLessThanOrEqual(4 * se + 1e-6 * (1 + Math.abs(expected[d]!)));
  });
}

const sum: CostFunction = (x) => tf.sum(x, -1);
const sumSquares: CostFunction = (x) => tf.sum(tf.square(x), -1);
const all = {
  'score function': () => scoreFunction(),
  pathwise: () => pathwise(),
  'measure-valued, coupled': () => measureValued(),
  'measure-valued, independent': () => measureValued({ coupling: false }),
};

describeBackends('deepmind/mc_gradients test cases (Mohamed et al. 2020)', () => {
  it('constant cost: zero gradients (score function, measure-valued); no gradient path (pathwise)', () => {
    [0.1, 0.5, 0.9].forEach((c, i) => {
      const constant: CostFunction = (x) => tf.fill([x.shape[0]!, x.shape[1]!], c);
      for (const make of [all['score function'], all['measure-valued, coupled']]) {
        const g = mvnEstimates(make(), [1.5, 1.5, 1.5], [0, 0, 0], constant, i + 1);
        expectMeans(g.loc, [0, 0, 0], `f = ${c} ∇μ`);
        expectMeans(g.logScale, [0, 0, 0], `f = ${c} ∇log σ`);
      }
      const loc = tf.ones([3]);
      const scale = tf.ones([3]);
      const { value, grads } = tf.engine().gradients(
        () => {
          const d = new Independent(new Normal({ loc, scale }), 1);
          return pathwise().surrogate(d, (x) => tf.fill([x.shape[0]!], c), {
            samples: 4,
            rng: Rng.fromSeed(1),
          }).loss;
        },
        [loc, scale],
        undefined,
        true,
      );
      expect(grads.every((g) => g === undefined)).toBe(true);
      tf.dispose([value, loc, scale]);
    });
  });

  it('f = Σx: ∇μ = 1, ∇log σ = 0, every estimator', () => {
    const settings: [number, number][] = [
      [0.5, -1],
      [0.7, 0],
      [0.8, 0.1],
    ];
    Object.entries(all).forEach(([label, make], e) => {
      settings.forEach(([m, s], i) => {
        const g = mvnEstimates(make(), [m, m, m], [s, s, s], sum, 10 * e + i);
        expectMeans(g.loc, [1, 1, 1], `${label} ∇μ`);
        expectMeans(g.logScale, [0, 0, 0], `${label} ∇log σ`);
      });
    });
  });

  it('f = Σx² at μ = 1, log σ = 1: ∇μ = 2, ∇log σ = 2e², every estimator', () => {
    const e2 = 2 * Math.exp(2);
    Object.entries(all).forEach(([label, make], e) => {
      const g = mvnEstimates(make(), [1, 1, 1], [1, 1, 1], sumSquares, 40 + e);
      expectMeans(g.loc, [2, 2, 2], `${label} ∇μ`);
      expectMeans(g.logScale, [e2, e2, e2], `${label} ∇log σ`);
    });
  });

  it('weighted costs Σwx and (Σwx)², μ = [1, 2, 3]: ∇μ = w and 2w(wᵀμ), ∇log σ = 0 and 2w²σ²', () => {
    const mu = [1, 2, 3];
    const settings: [number[], number[]][] = [
      [
        [-1, 0.3, -2],
        [1, 1, 1],
      ],
      [
        [-1, 0.3, -2],
        [4, 2, 3],
      ],
      [
        [0.1, 0.2, 0.1],
        [10, 5, 1],
      ],
    ];
    settings.forEach(([logSigma, w], i) => {
      const weights = tf.tensor1d(w);
      const linear: CostFunction = (x) => tf.sum(tf.mul(x, weights), -1);
      const square: CostFunction = (x) => tf.square(linear(x));
      const dot = w.reduce((s, v, d) => s + v * mu[d]!, 0);
      for (const [label, make] of Object.entries(all)) {
        if (label === 'score function') continue;
        const a = mvnEstimates(make(), mu, logSigma, linear, 60 + i);
        expectMeans(a.loc, w, `${label} Σwx ∇μ`);
        expectMeans(a.logScale, [0, 0, 0], `${label} Σwx ∇log σ`);
        const b = mvnEstimates(make(), mu, logSigma, square, 70 + i);
        expectMeans(
          b.loc,
          w.map((v) => 2 * v * dot),
          `${label} (Σwx)² ∇μ`,
        );
        expectMeans(
          b.logScale,
          w.map((v, d) => 2 * v * v * Math.exp(2 * logSigma[d]!)),
          `${label} (Σwx)² ∇log σ`,
        );
      }
      weights.dispose();
    });
  });

  it('measure-valued agrees with pathwise on non-polynomial costs (coupled and independent)', () => {
    const cases: [number[], number[], CostFunction][] = [
      [[1], [1], (x) => tf.sum(tf.cos(x), -1)],
      [[10], [0], (x) => tf.sum(tf.log(x), -1)],
      [[1, 2], [1, -2], (x) => tf.sum(tf.cos(tf.mul(2, x)), -1)],
      [[1, 2], [1, -2], (x) => tf.cos(tf.sum(tf.mul(2, x), -1))],
    ];
    cases.forEach(([mu, logSigma, f], i) => {
      const reference = mvnEstimates(pathwise(), mu, logSigma, f, 80 + i);
      for (const coupling of [true, false]) {
        const mvd = mvnEstimates(measureValued({ coupling }), mu, logSigma, f, 90 + i);
        for (const name of ['loc', 'logScale'] as const) {
          mvd[name].forEach((values, d) => {
            const a = moments(values);
            const b = moments(reference[name][d]!);
            const se = Math.hypot(a.se, b.se);
            expect(
              Math.abs(a.mean - b.mean),
              `case ${i} ${name}[${d}] coupling ${coupling}`,
            ).toBeLessThanOrEqual(4 * se);
          });
        }
      }
    });
  });
});
