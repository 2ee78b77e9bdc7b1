import * as tf from '@tensorflow/tfjs-core';

/**
 * One row of the f-GAN table (Nowozin et al. 2016): the generator f of
 * D_f(P‖Q) = E_Q[f(p/q)], its Fenchel conjugate f*(t) = sup_u (t·u − f(u)) and the critic's
 * output activation g_f: ℝ → dom f*, so that for any V: X → ℝ
 * D_f(P‖Q) ≥ E_P[g_f(V)] − E_Q[f*(g_f(V))], with equality at g_f(V) = T* = f′(p/q).
 * Every function maps a tensor elementwise to a new tensor (the caller owns it).
 */
export interface FDivergence {
  /** 'kl', 'gan', 'alpha(0.5)', … */
  readonly name: string;
  /** The convex generator f(u) for u ≥ 0, with f(1) = 0. */
  f(u: tf.Tensor): tf.Tensor;
  /** f′(u); the optimal critic is T*(x) = f′(p(x)/q(x)). */
  derivative(u: tf.Tensor): tf.Tensor;
  /** f*(t) = sup_{u ≥ 0} (t·u − f(u)), +∞ outside dom f* (where the supremum is unbounded). */
  conjugate(t: tf.Tensor): tf.Tensor;
  /** The output activation g_f(v), mapping ℝ into dom f*. */
  activation(v: tf.Tensor): tf.Tensor;
  /** f*(g_f(v)), fused so that it is finite and accurate for every real v. */
  conjugateActivation(v: tf.Tensor): tf.Tensor;
  /** f′(1), the critic value at P = Q (the paper's classification threshold). */
  readonly threshold: number;
}

/** The named rows of the table; α-divergences come from `alphaDivergence(α)`. */
export type FDivergenceName =
  | 'kl'
  | 'reverse-kl'
  | 'pearson'
  | 'neyman'
  | 'squared-hellinger'
  | 'jeffreys'
  | 'js'
  | 'gan'
  | 'total-variation';

/** A generator whose elementwise functions run inside `tf.tidy`. */
export function tidyRow(row: FDivergence): FDivergence {
  const wrap = (g: (x: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) =>
    tf.tidy(() => g(tf.cast(x, 'float32')));
  return Object.freeze({
    name: row.name,
    f: wrap(row.f),
    derivative: wrap(row.derivative),
    conjugate: wrap(row.conjugate),
    activation: wrap(row.activation),
    conjugateActivation: wrap(row.conjugateActivation),
    threshold: row.threshold,
  });
}

/**
 * `formula(t)` where `inDomain`, +∞ elsewhere; `formula` only ever sees in-domain values
 * (`t` replaced by `inside` outside), so neither it nor its gradient produces NaN.
 */
export function onDomain(
  t: tf.Tensor,
  inDomain: tf.Tensor,
  inside: number,
  formula: (t: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const safe = tf.where(inDomain, t, tf.fill(t.shape, inside));
  return tf.where(inDomain, formula(safe), tf.fill(t.shape, Number.POSITIVE_INFINITY));
}
