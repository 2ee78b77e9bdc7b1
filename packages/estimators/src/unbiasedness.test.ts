import { type GradientEstimator, Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import { Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { moments } from '../test/moments.js';
import { measureValued } from './measure-valued.js';
import { pathwise } from './pathwise.js';
import { scoreFunction } from './score-function.js';
import type { TestCost } from './test-costs/test-cost.js';
import { testCosts } from './test-costs/test-costs.js';

// Unbiasedness against the closed forms of Mohamed et al. 2020 §3 (`testCosts`) at the notebook's point
// μ = 1, σ = 1.5. A Normal with a batch of R identical entries gives R independent estimates in one
// call (the loss sums over the batch, each entry's gradient uses only its own draws); each mean
// must be within 4 standard errors of the exact derivative (two-sided false-failure rate 6e-5
// per check for a normal mean; seeds are fixed).
const [MU, SIGMA, R, S] = [1, 1.5, 5000, 4];
interface Case {
  cost: TestCost;
  k: number;
}
const cases: Case[] = [0.1, 1, 10].flatMap((k) =>
  Object.values(testCosts).map((cost) => ({ cost, k })),
);

function estimates(
  estimator: GradientEstimator,
  c: Case,
  seed: number,
): { loc: Float32Array; scale: Float32Array } {
  const params = [tf.fill([R], MU), tf.fill([R], SIGMA)];
  const rng = Rng.fromSeed(seed);
  const grads = tf.grads((loc, scale) => {
    const dist = new Normal({ loc: loc!, scale: scale!, validateArgs: false });
    return estimator.surrogate(dist, c.cost.cost(c.k), { samples: S, rng }).loss;
  })(params);
  const out = {
    loc: grads[0]!.dataSync() as Float32Array,
    scale: grads[1]!.dataSync() as Float32Array,
  };
  tf.dispose([...grads, ...params]);
  return out;
}

function expectUnbiased(got: Float32Array, exact: number, label: string): void {
  const { mean, se } = moments(got);
  expect(
    Math.abs(mean - exact),
    `${label}: mean ${mean} vs ${exact} (se ${se})`,
  ).toBeLessThanOrEqual(4 * se + 1e-6);
}

const estimators: Record<
  string,
  { make: () => GradientEstimator; shrink?: number; warmUp?: number }
> = {
  'score function': { make: () => scoreFunction() },
  'score function, mean baseline': {
    make: () => scoreFunction({ baseline: 'mean' }),
    shrink: 1 - 1 / S,
  },
  'score function, leave-one-out': { make: () => scoreFunction({ baseline: 'leaveOneOut' }) },
  'score function, moving average': {
    make: () => scoreFunction({ baseline: 'movingAverage', decay: 0.5 }),
    warmUp: 2,
  },
  'score function, control variate h(x) = x': {
    make: () =>
      scoreFunction({
        baseline: 'leaveOneOut',
        controlVariate: (x, d) => ({ value: x, expectation: d.params.loc! }),
      }),
  },
  pathwise: { make: () => pathwise() },
  'measure-valued, coupled': { make: () => measureValued() },
  'measure-valued, independent': { make: () => measureValued({ coupling: false }) },
};

describeBackends('unbiasedness on N(1, 1.5²) against closed forms', () => {
  for (const [label, spec] of Object.entries(estimators)) {
    it(`${label}: ∂μ and ∂σ of E[(x − k)²], E[cos kx], E[exp(−kx²)] for k = 0.1, 1, 10`, () => {
      cases.forEach((c, i) => {
        const estimator = spec.make();
        for (let w = 0; w < (spec.warmUp ?? 0); w++) estimates(estimator, c, 1000 + w);
        const g = estimates(estimator, c, i + 1);
        const shrink = spec.shrink ?? 1;
        const exact = c.cost.exact.normal({ loc: MU, scale: SIGMA }, c.k).gradient;
        const name = c.cost.label(c.k);
        expectUnbiased(g.loc, shrink * exact.loc, `${name} ∂μ`);
        expectUnbiased(g.scale, shrink * exact.scale, `${name} ∂σ`);
        (estimator as { dispose?: () => void }).dispose?.();
      });
    });
  }
});
