import {
  assertKnownOptions,
  assertOneOf,
  type CostFunction,
  type Distribution,
  type GradientEstimator,
  InvalidArgumentError,
  type Surrogate,
  type SurrogateOptions,
  stopGradient,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkSurrogateArgs, evaluateCost } from './cost.js';
import { detach } from './detach.js';

/** How VIMCO centres each draw's learning signal. */
export type VimcoBaseline = 'leaveOneOut' | 'none';
const VIMCO_BASELINES: readonly VimcoBaseline[] = ['leaveOneOut', 'none'];

export interface VimcoOptions {
  /**
   * `'leaveOneOut'` (default) is VIMCO; `'none'` is the plain multi-sample score-function
   * estimator of the same objective (for comparison: same mean, far higher variance).
   */
  baseline?: VimcoBaseline;
}

/**
 * VIMCO (Mnih & Rezende 2016): the multi-sample score-function estimator of the gradient of the
 * K-sample objective E[L̂], L̂ = log (1/K) Σₖ exp(cost(xₖ)), K = `samples` draws per batch
 * element. The cost is a log-weight (for an IWAE bound, log p(v, x) − log q(x | v)); maximise the
 * bound by minimising the negated loss.
 *
 * ∇ E[L̂] = E[Σⱼ (L̂ − L̂₋ⱼ) ∇ log q(xⱼ) + Σⱼ w̃ⱼ ∇ cost(xⱼ)], with w̃ = softmax(cost) and the
 * leave-one-out baseline L̂₋ⱼ = log (1/K)(Σ_{i≠j} exp(costᵢ) + exp(mean_{i≠j} costᵢ)): draw j's
 * weight replaced by the geometric mean of the others' weights. L̂₋ⱼ does not depend on xⱼ, so
 * the estimate is unbiased; the second sum is the direct dependence of the cost on the
 * parameters (zero when it has none).
 *
 * Surrogate: loss = Σ_batch L̂ + Σ_batch Σⱼ ⊥(L̂ − L̂₋ⱼ)(log q(xⱼ) − ⊥log q(xⱼ)); value = Σ_batch L̂
 * (one draw of the K-sample bound, not a mean of costs). Needs `samples ≥ 2`. The K baselines
 * are K exact log-sum-exps, so one call holds a `[K, K, ...batch]` tensor: meant for the small K
 * of multi-sample bounds (2–100), not for thousands of draws.
 *
 * ```ts
 * const logWeight = (z) => tf.sub(logJoint(z), new Bernoulli({ logits }).logProb(z));
 * const { loss } = vimco().surrogate(new Bernoulli({ logits }), logWeight, { samples: 8, rng });
 * optimizer.minimize(() => tf.neg(loss)); // maximise the 8-sample bound
 * ```
 */
export class VimcoEstimator implements GradientEstimator {
  readonly name = 'vimco';
  readonly baseline: VimcoBaseline;

  constructor(options: VimcoOptions = {}) {
    assertKnownOptions('vimco', options, ['baseline']);
    const baseline = options.baseline ?? 'leaveOneOut';
    assertOneOf('vimco', 'baseline', baseline, VIMCO_BASELINES);
    this.baseline = baseline;
  }

  surrogate(dist: Distribution, cost: CostFunction, options: SurrogateOptions): Surrogate {
    const fn = 'vimco.surrogate';
    checkSurrogateArgs(fn, dist, cost, options);
    const { samples, rng } = options;
    if (samples < 2) {
      throw new InvalidArgumentError(
        `${fn}: argument 'samples' must be >= 2 (VIMCO is a multi-sample estimator), got ${samples}`,
      );
    }
    return tf.tidy(() => {
      const x = detach(dist.sample(samples, rng));
      const c = evaluateCost(fn, cost, x, dist.batchShape);
      const logK = Math.log(samples);
      const bound = tf.sub(tf.logSumExp(c, 0), logK);
      const fixed = stopGradient(c);
      const signal = tf.sub(stopGradient(bound), this.leaveOneOut(fixed, samples, logK));
      const logQ = dist.logProb(x);
      const score = tf.sum(tf.mul(signal, tf.sub(logQ, stopGradient(logQ))));
      const total = tf.sum(bound);
      return { loss: tf.add(total, score) as tf.Scalar, value: stopGradient(total) as tf.Scalar };
    });
  }

  /** L̂₋ⱼ for each draw j (`[K, ...batch]`), or 0 without a baseline. */
  private leaveOneOut(c: tf.Tensor, k: number, logK: number): tf.Tensor {
    if (this.baseline === 'none') return tf.zerosLike(c);
    // Each L̂₋ⱼ is a logSumExp over K terms: the K − 1 other costs and their mean in j's slot.
    const others = tf.div(tf.sub(tf.sum(c, 0, true), c), k - 1);
    const eye = tf.reshape(tf.eye(k), [k, k, ...c.shape.slice(1).map(() => 1)]);
    const rows = tf.add(
      tf.mul(tf.expandDims(c, 0), tf.sub(1, eye)),
      tf.mul(tf.expandDims(others, 1), eye),
    );
    return tf.sub(tf.logSumExp(rows, 1), logK);
  }
}

/** A {@link VimcoEstimator}: `vimco()` or `vimco({ baseline: 'none' })`. */
export function vimco(options: VimcoOptions = {}): VimcoEstimator {
  return new VimcoEstimator(options);
}
