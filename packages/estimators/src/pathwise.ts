import {
  type CostFunction,
  type Distribution,
  type GradientEstimator,
  NotImplementedError,
  type Surrogate,
  type SurrogateOptions,
  stopGradient,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { batchTotalOfMeans, checkSurrogateArgs, evaluateCost, familyName } from './cost.js';

/**
 * The pathwise (reparameterisation) estimator: draw x = g(ε; θ) with `dist.rsample` and
 * differentiate through the cost, ∇θ E_p[f] = E_ε[∇ₓf(g(ε; θ)) ∇θ g(ε; θ)]. Needs a family
 * with `rsample` (Normal, Exponential, Gamma, Weibull, Uniform, Laplace, Beta, … and the
 * relaxations of this package) and a cost differentiable in x; usually the lowest variance.
 *
 * Surrogate: loss = Σ_batch mean_s f(g(εₛ; θ)); value = the same number, without gradient.
 *
 * ```ts
 * const { loss } = pathwise().surrogate(new Normal({ loc, scale }), (x) => tf.square(x),
 *   { samples: 16, rng });
 * ```
 *
 * @throws NotImplementedError (naming the family) when `dist.hasRsample` is false.
 */
export class PathwiseEstimator implements GradientEstimator {
  readonly name = 'pathwise';

  surrogate(dist: Distribution, cost: CostFunction, options: SurrogateOptions): Surrogate {
    const fn = 'pathwise.surrogate';
    checkSurrogateArgs(fn, dist, cost, options);
    if (!dist.hasRsample) {
      const name = familyName(dist);
      throw new NotImplementedError(
        `${fn}: ${name} has no reparameterised sampler (hasRsample is false); use scoreFunction() or measureValued(), or a continuous relaxation (relaxedBernoulli, relaxedCategorical)`,
      );
    }
    return tf.tidy(() => {
      const x = dist.rsample(options.samples, options.rng);
      const loss = batchTotalOfMeans(evaluateCost(fn, cost, x, dist.batchShape));
      return { loss, value: stopGradient(loss) };
    });
  }
}

/** A {@link PathwiseEstimator}. */
export function pathwise(): PathwiseEstimator {
  return new PathwiseEstimator();
}
