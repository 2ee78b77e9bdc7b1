import {
  assertKnownOptions,
  assertOneOf,
  type CostFunction,
  type Distribution,
  type GradientEstimator,
  InvalidArgumentError,
  invalidArgument,
  type Surrogate,
  type SurrogateOptions,
  stopGradient,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ControlVariateFunction } from './control-variate.js';
import { batchTotalOfMeans, checkSurrogateArgs, evaluateCost, fitTo } from './cost.js';
import { detach } from './detach.js';
import { MovingAverage } from './moving-average.js';

/** Baselines β subtracted from the cost in the score-function weight (f(x) − β). */
export type Baseline = 'none' | 'mean' | 'movingAverage' | 'leaveOneOut';
export const BASELINES: readonly Baseline[] = ['none', 'mean', 'movingAverage', 'leaveOneOut'];

export interface ScoreFunctionOptions {
  /** Baseline β (default `'none'`); `'mean'` and `'leaveOneOut'` need `samples ≥ 2`. */
  baseline?: Baseline;
  /** Decay d of the `'movingAverage'` baseline, in [0, 1) (default 0.9). */
  decay?: number;
  /** Optional control variate with a known expectation (see {@link ControlVariate}). */
  controlVariate?: ControlVariateFunction;
}

/**
 * The score-function (REINFORCE, likelihood-ratio) estimator:
 * ∇θ E_p[f] = E_p[(f(x) − h(x) − β) ∇θ log p(x; θ)] + ∇θ E_p[h] (+ E_p[∇θ f] when f itself
 * depends on θ), averaged over `samples` draws per batch element. Needs only `logProb`, so it
 * works for discrete and continuous families and non-differentiable costs; its variance is high
 * (pair it with a baseline).
 *
 * Baselines β (per batch element; unbiased unless noted):
 * - `'none'`: β = 0.
 * - `'mean'`: β = the mean of the `samples` costs, the draw's own cost included. Its expectation
 *   is (1 − 1/samples)·∇ — a shrunk gradient; `'leaveOneOut'` is the same estimate times
 *   samples/(samples − 1), unbiased.
 * - `'leaveOneOut'`: β for draw i = the mean of the other samples − 1 costs (RLOO).
 * - `'movingAverage'`: β = a bias-corrected exponential moving average (decay d) of the mean
 *   cost of previous calls, one scalar for all batch elements, kept in this estimator object (a
 *   non-trainable tf.Variable; `dispose()` releases it, `reset()` forgets it). The first call
 *   uses β = 0.
 *
 * Surrogate: loss = Σ_batch mean_s[f(xₛ) + w(xₛ)(log p(xₛ) − ⊥log p(xₛ))] + Σ_batch (E[h] − ⊥E[h])
 * with ⊥ = stopGradient and w = ⊥(f − h − β); its value equals `value`, Σ_batch mean_s f(xₛ).
 *
 * ```ts
 * const estimator = scoreFunction({ baseline: 'leaveOneOut' });
 * const { grads } = tf.variableGrads(() =>
 *   estimator.surrogate(new Bernoulli({ logits }), cost, { samples: 8, rng }).loss);
 * ```
 */
export class ScoreFunctionEstimator implements GradientEstimator {
  readonly name = 'score-function';
  readonly baseline: Baseline;
  readonly decay: number;
  private readonly controlVariate: ControlVariateFunction | undefined;
  private readonly average: MovingAverage;

  constructor(options: ScoreFunctionOptions = {}) {
    assertKnownOptions('scoreFunction', options, ['baseline', 'decay', 'controlVariate']);
    const baseline = options.baseline ?? 'none';
    assertOneOf('scoreFunction', 'baseline', baseline, BASELINES);
    const decay = options.decay ?? 0.9;
    if (typeof decay !== 'number' || !(decay >= 0 && decay < 1)) {
      throw invalidArgument('scoreFunction', 'decay', decay, 'must be a number in [0, 1)');
    }
    if (options.controlVariate !== undefined && typeof options.controlVariate !== 'function') {
      throw invalidArgument(
        'scoreFunction',
        'controlVariate',
        options.controlVariate,
        'must be a function (x, dist) => { value, expectation }',
      );
    }
    this.baseline = baseline;
    this.decay = decay;
    this.controlVariate = options.controlVariate;
    this.average = new MovingAverage(decay);
  }

  surrogate(dist: Distribution, cost: CostFunction, options: SurrogateOptions): Surrogate {
    const fn = 'scoreFunction.surrogate';
    checkSurrogateArgs(fn, dist, cost, options);
    const { samples, rng } = options;
    if ((this.baseline === 'mean' || this.baseline === 'leaveOneOut') && samples < 2) {
      throw new InvalidArgumentError(
        `${fn}: argument 'samples' must be >= 2 with the '${this.baseline}' baseline, got ${samples}`,
      );
    }
    return tf.tidy(() => {
      const x = detach(dist.sample(samples, rng));
      const c = evaluateCost(fn, cost, x, dist.batchShape);
      const logP = dist.logProb(x);
      let corrected = stopGradient(c);
      let extra: tf.Tensor = tf.scalar(0);
      if (this.controlVariate !== undefined) {
        const cv = this.controlVariate(x, dist);
        const value = fitTo(fn, 'controlVariate(...).value', cv?.value, c.shape);
        const e = fitTo(fn, 'controlVariate(...).expectation', cv?.expectation, dist.batchShape);
        corrected = tf.sub(corrected, stopGradient(value));
        extra = tf.sum(tf.sub(e, stopGradient(e)));
      }
      const weight = tf.sub(corrected, this.baselineFor(corrected, samples));
      const score = tf.mul(weight, tf.sub(logP, stopGradient(logP)));
      const loss = tf.add(tf.add(batchTotalOfMeans(c), batchTotalOfMeans(score)), extra);
      const value = stopGradient(batchTotalOfMeans(c));
      return { loss: loss as tf.Scalar, value };
    });
  }

  /** Forgets the moving-average history. */
  reset(): void {
    this.average.reset();
  }

  /** Releases the moving-average state (a later call starts afresh). */
  dispose(): void {
    this.average.dispose();
  }

  /** β for each draw and batch element, from the (control-variate corrected) costs `c`. */
  private baselineFor(c: tf.Tensor, samples: number): tf.Tensor {
    switch (this.baseline) {
      case 'none':
        return tf.zerosLike(c);
      case 'mean':
        return tf.mean(c, 0, true);
      case 'leaveOneOut':
        return tf.div(tf.sub(tf.sum(c, 0, true), c), samples - 1);
      case 'movingAverage': {
        const beta = this.average.current();
        this.average.update(tf.mean(c));
        return beta;
      }
    }
  }
}

/** A {@link ScoreFunctionEstimator}: `scoreFunction({ baseline: 'movingAverage', decay: 0.9 })`. */
export function scoreFunction(options: ScoreFunctionOptions = {}): ScoreFunctionEstimator {
  return new ScoreFunctionEstimator(options);
}
