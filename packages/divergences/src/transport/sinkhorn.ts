import { assertInteger, assertKnownOptions, assertPositive, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { entropicCost, type Solve } from './entropic-cost.js';
import { powerOfSquared, squaredDistances } from './pairwise.js';
import { type SampleLike, withSamplePair } from './samples.js';
import { assertOrder } from './wasserstein-1d.js';

export interface SinkhornOptions {
  /** Entropic regularisation ε > 0 (POT's `reg`), default 0.1. */
  epsilon?: number;
  /** Iteration cap, ε-scaling stages included (default 1000); see `converged` with `returnPlan`. */
  maxIterations?: number;
  /**
   * Stop once the L1 violation of the column marginals is below this (default 1e-6); the
   * iterations also stop when float32 rounding keeps it from improving (see `converged`).
   */
  tolerance?: number;
  /** Ground cost ‖x − y‖^p (default 2: squared Euclidean, POT's default `ot.dist`). */
  p?: number;
  /** Return the Sinkhorn divergence OT_ε(x,y) − ½OT_ε(x,x) − ½OT_ε(y,y) (default false). */
  debiased?: boolean;
  /** Return `{ value, plan, iterations, marginalError, converged }` (default false). */
  returnPlan?: boolean;
}

export interface SinkhornResult {
  value: tf.Scalar;
  /** The entropic plan P_ε of (x, y), [n, m], summing to 1 (detached). */
  plan: tf.Tensor2D;
  iterations: number;
  /** L1 violation of the column marginals of `plan` when the iterations stopped. */
  marginalError: number;
  converged: boolean;
}

/**
 * Entropic optimal transport between uniform empirical measures on `x` [n, d] and `y` [m, d]
 * ([n] for 1-D), like POT's `sinkhorn2(a, b, M, reg=epsilon, method='sinkhorn_log')`: returns
 * ⟨P_ε, C⟩ (without the entropy term) for C = ‖x_i − y_j‖^p and P_ε the plan minimising
 * ⟨P, C⟩ + ε Σ P log P. The iterates of the log domain, so no kernel underflow even at
 * ε = 1e−3, computed as matrix–vector products against a kernel that re-absorbs the potentials
 * every 10 iterations, after ε-scaling from ε = max C (those stages count in `iterations`;
 * small ε still needs thousands of iterations). Differentiable with respect to both sample sets, through the
 * converged plan by implicit differentiation (not by unrolling the loop). `debiased` gives the
 * Sinkhorn divergence S = OT_ε(x,y) − ½OT_ε(x,x) − ½OT_ε(y,y) (POT's
 * `empirical_sinkhorn_divergence`, which also clamps at 0; this does not).
 *
 * ```ts
 * const cost = sinkhorn(x, y, { epsilon: 0.05 });                 // tf.Scalar
 * const { value, plan } = sinkhorn(x, y, { returnPlan: true });
 * ```
 */
export function sinkhorn(
  x: SampleLike,
  y: SampleLike,
  options?: SinkhornOptions & { returnPlan?: false },
): tf.Scalar;
export function sinkhorn(
  x: SampleLike,
  y: SampleLike,
  options: SinkhornOptions & { returnPlan: true },
): SinkhornResult;
export function sinkhorn(
  x: SampleLike,
  y: SampleLike,
  options: SinkhornOptions = {},
): tf.Scalar | SinkhornResult {
  const fn = 'sinkhorn';
  assertKnownOptions(fn, options, [
    'epsilon',
    'maxIterations',
    'tolerance',
    'p',
    'debiased',
    'returnPlan',
  ]);
  const { epsilon = 0.1, maxIterations = 1000, tolerance = 1e-6, p = 2 } = options;
  const { debiased = false, returnPlan = false } = options;
  assertPositive(fn, 'epsilon', epsilon);
  assertInteger(fn, 'maxIterations', maxIterations, 1);
  assertPositive(fn, 'tolerance', tolerance);
  assertOrder(fn, p);
  for (const [key, flag] of [
    ['debiased', debiased],
    ['returnPlan', returnPlan],
  ] as const) {
    if (typeof flag !== 'boolean') throw invalidArgument(fn, key, flag, 'must be a boolean');
  }
  const settings = { epsilon, maxIterations, tolerance, symmetric: false };
  return withSamplePair(fn, x, y, 1, (xs, ys) =>
    tf.tidy(() => {
      const solve: Solve = {};
      const cost = powerOfSquared(squaredDistances(xs, ys), p) as tf.Tensor2D;
      let value = entropicCost(cost, settings, solve, returnPlan);
      if (debiased) {
        const self = (z: tf.Tensor2D) =>
          entropicCost(
            powerOfSquared(squaredDistances(z, z), p) as tf.Tensor2D,
            { ...settings, symmetric: true },
            {},
          );
        value = tf.sub(value, tf.mul(0.5, tf.add(self(xs), self(ys))));
      }
      if (!returnPlan) return value;
      const result = solve.result!;
      return {
        value,
        plan: solve.plan!,
        iterations: result.iterations,
        marginalError: result.marginalError,
        converged: result.marginalError <= tolerance,
      };
    }),
  );
}
