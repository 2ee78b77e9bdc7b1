import { NumericalError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { sinkhornCostGradient } from './sinkhorn-gradient.js';
import { type SolverResult, type SolverSettings, solveSinkhorn } from './sinkhorn-solver.js';

/** What one solve reports back beside the value: the iteration record and, on request, P. */
export interface Solve {
  result?: SolverResult;
  plan?: tf.Tensor2D;
}

/**
 * ⟨P_ε(C), C⟩ as a differentiable function of C (implicit gradient). Fills `solve` (the plan,
 * kept out of the tidy scopes, only when `keepPlan`; the caller then owns it).
 */
export function entropicCost(
  cost: tf.Tensor2D,
  settings: SolverSettings,
  solve: Solve,
  keepPlan = false,
) {
  const [n, m] = cost.shape;
  const op = tf.customGrad((c, save) => {
    const input = c as tf.Tensor2D;
    // Row and column offsets of C change ⟨P, C⟩ by constants but not the plan P, nor
    // P ∘ (λ_f ⊕ λ_g − C) in the gradient (λ absorbs them): solving on the reduced cost keeps
    // −C/ε + u + v free of large cancelling terms (far-apart clouds at small ε stay accurate).
    const reduced = tf.tidy(() => {
      const rows = tf.sub(input, tf.min(input, 1, true));
      return tf.sub(rows, tf.min(rows, 0, true)) as tf.Tensor2D;
    });
    const result = solveSinkhorn(reduced, settings);
    const plan = result.plan;
    if (!Number.isFinite(result.marginalError)) {
      plan.dispose();
      throw new NumericalError(
        `sinkhorn: the iterations diverged (marginal error ${result.marginalError}) at epsilon ${settings.epsilon}`,
      );
    }
    (save as tf.GradSaveFunc)([reduced]);
    solve.result = result;
    if (keepPlan) solve.plan = tf.keep(tf.clone(plan));
    return {
      value: tf.sum(tf.mul(plan, input)),
      gradFunc: (dy, [saved]) => {
        const g = sinkhornCostGradient(
          saved!.dataSync(),
          n,
          m,
          settings.epsilon,
          result.u,
          result.v,
        );
        return tf.mul(dy, tf.tensor2d(Float32Array.from(g), [n, m]));
      },
    };
  });
  return op(cost) as tf.Scalar;
}
