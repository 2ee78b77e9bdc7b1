import { assertFiniteNumber, invalidArgument, softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type FDivergence, onDomain, tidyRow } from './f-divergence.js';

/** log softplus(x), finite for every x: softplus(x) ≈ eˣ below −15, so its log is x there. */
function logSoftplus(x: tf.Tensor): tf.Tensor {
  const small = tf.less(x, -15);
  const body = tf.log(softplus(tf.where(small, tf.fill(x.shape, -15), x)));
  return tf.where(small, x, body);
}

/**
 * The α-divergence row of the f-GAN table (α ∉ {0, 1}; those limits are 'reverse-kl' and 'kl'):
 * f(u) = (u^α − 1 − α(u − 1))/(α(α−1)), f′(u) = (u^{α−1} − 1)/(α−1),
 * f*(t) = (1/α)(t(α−1) + 1)^{α/(α−1)} − 1/α on t(α−1) + 1 > 0 (α < 1; clamped at 0 for α > 1,
 * where dom f* = ℝ), g(v) = 1/(1−α) − log(1 + e^{−v}) for α < 1 and v for α > 1.
 *
 * ```ts
 * const a = alphaDivergence(0.5);          // D = 2 · squared Hellinger
 * a.conjugate(tf.tensor1d([-3, 1.5]));     // [-1.2, 6]
 * ```
 */
export function alphaDivergence(alpha: number): FDivergence {
  assertFiniteNumber('alphaDivergence', 'alpha', alpha);
  if (alpha === 0 || alpha === 1) {
    throw invalidArgument(
      'alphaDivergence',
      'alpha',
      alpha,
      "must not be 0 or 1 (their limits are fDivergences['reverse-kl'] and fDivergences.kl)",
    );
  }
  const a = alpha;
  const exponent = a / (a - 1);
  const power = (base: tf.Tensor) => tf.sub(tf.div(tf.pow(base, exponent), a), 1 / a);
  const conjugate = (t: tf.Tensor) => {
    const base = tf.add(tf.mul(t, a - 1), 1);
    if (a > 1) return power(tf.relu(base));
    // For α < 0 the exponent is in (0, 1) and f* stays finite (−1/α) at the boundary itself.
    const inDomain = a < 0 ? tf.greaterEqual(base, 0) : tf.greater(base, 0);
    return onDomain(base, inDomain, 1, power);
  };
  return tidyRow({
    name: `alpha(${a})`,
    f: (u) => tf.div(tf.sub(tf.sub(tf.pow(u, a), 1), tf.mul(a, tf.sub(u, 1))), a * (a - 1)),
    derivative: (u) => tf.div(tf.sub(tf.pow(u, a - 1), 1), a - 1),
    conjugate,
    activation: (v) => (a > 1 ? tf.clone(v) : tf.sub(1 / (1 - a), softplus(tf.neg(v)))),
    conjugateActivation: (v) => {
      if (a > 1) return conjugate(v);
      // t(α−1) + 1 = (1−α)·softplus(−v) at t = g(v); its power in log space.
      const logBase = tf.add(Math.log(1 - a), logSoftplus(tf.neg(v)));
      return tf.sub(tf.div(tf.exp(tf.mul(exponent, logBase)), a), 1 / a);
    },
    threshold: 0,
  });
}
