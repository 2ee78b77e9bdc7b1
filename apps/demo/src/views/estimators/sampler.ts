/**
 * Draws `repeats` independent gradient estimates at every k of a grid in one batched surrogate
 * call per estimator: the Normal has batch shape [repeats, K] (independent problems, as
 * @gen/estimators treats batch entries), so ∂loss/∂loc[r, k] is estimate r at grid point k.
 */
import type { GradientEstimator, Rng } from '@gen/core';
import { Normal } from '@gen/distributions';
import {
  measureValued,
  pathwise,
  scoreFunction,
  type TestCost,
  type TestCostName,
  testCosts,
} from '@gen/estimators';
import * as tf from '@tensorflow/tfjs-core';

export type EstimatorId = 'score-function' | 'pathwise' | 'measure-valued';
export const ESTIMATOR_LABELS: Record<EstimatorId, string> = {
  'score-function': 'score function',
  pathwise: 'pathwise',
  'measure-valued': 'measure-valued (coupled)',
};
export const ESTIMATOR_IDS = Object.keys(ESTIMATOR_LABELS) as EstimatorId[];

/** Baselines of the score-function estimator offered in the view. */
export type Baseline = 'none' | 'mean' | 'leaveOneOut';

/** The three estimators, the score function with `baseline` (needs samples ≥ 2 unless 'none'). */
export function makeEstimators(baseline: Baseline): Record<EstimatorId, GradientEstimator> {
  return {
    'score-function': scoreFunction({ baseline }),
    pathwise: pathwise(),
    'measure-valued': measureValued({ coupling: true }),
  };
}

/** The problem: x ∼ N(μ, σ²), cost f(x; k) over `cost.grid`, `samples` draws per estimate. */
export interface Problem {
  cost: TestCost;
  mu: number;
  sigma: number;
  samples: number;
}

/** μ stays at 1, as in the paper's Figs 2–3. */
export const MU = 1;

/**
 * The view's problem settings as plain data (they cross to the estimators worker and across a
 * backend switch): the cost's name, σ, N and the baseline chosen (see {@link effectiveBaseline}).
 */
export interface ProblemSettings {
  cost: TestCostName;
  sigma: number;
  samples: number;
  baseline: Baseline;
}

/** The problem of `settings`, at μ = {@link MU}. */
export function problemOf(settings: ProblemSettings): Problem {
  return {
    cost: testCosts[settings.cost],
    mu: MU,
    sigma: settings.sigma,
    samples: settings.samples,
  };
}

/** The baseline in force: 'mean' and leave-one-out need two draws; with one, none is used. */
export function effectiveBaseline(settings: ProblemSettings): Baseline {
  return settings.samples < 2 ? 'none' : settings.baseline;
}

/**
 * Gradient estimates of E[f(x; k)] w.r.t. μ and σ: `loc` and `scale`, each row-major
 * [repeats, K]. One read-back (`await data()`).
 */
export async function drawEstimates(
  estimator: GradientEstimator,
  problem: Problem,
  repeats: number,
  rng: Rng,
): Promise<{ loc: Float32Array; scale: Float32Array }> {
  const k = problem.cost.grid;
  const both = tf.tidy(() => {
    const shape = [repeats, k.length];
    const cost = problem.cost.cost(tf.tensor1d([...k]));
    const gradient = tf.grads((loc: tf.Tensor, scale: tf.Tensor) => {
      const dist = new Normal({ loc, scale, validateArgs: false });
      return estimator.surrogate(dist, cost, { samples: problem.samples, rng }).loss;
    });
    const [gLoc, gScale] = gradient([tf.fill(shape, problem.mu), tf.fill(shape, problem.sigma)]);
    return tf.stack([gLoc!, gScale!]);
  });
  try {
    const values = (await both.data()) as Float32Array;
    const size = repeats * k.length;
    return { loc: values.slice(0, size), scale: values.slice(size, 2 * size) };
  } finally {
    both.dispose();
  }
}
