import { digamma, lgamma } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Beta } from '../beta.js';
import type { Exponential } from '../exponential.js';
import type { Gamma } from '../gamma.js';
import type { Laplace } from '../laplace.js';
import type { Uniform } from '../uniform.js';

/**
 * KL(Exp(λ₁) ‖ Exp(λ₂)) = r − 1 − log r with r = λ₂/λ₁ (rates; torch
 * `_kl_exponential_exponential`; KL(Exp(2) ‖ Exp(1)) = 0.193147, docs/references.md#kl-divergences-in-closed-form).
 */
export function klExponentialExponential(p: Exponential, q: Exponential): tf.Tensor {
  const r = tf.div(q.rate, p.rate);
  return tf.sub(tf.sub(r, 1), tf.log(r));
}

/**
 * KL(Gamma(α₁, β₁) ‖ Gamma(α₂, β₂)) with rates β
 *   = α₂ log(β₁/β₂) + log Γ(α₂) − log Γ(α₁) + (α₁ − α₂) ψ(α₁) + (β₂ − β₁) α₁/β₁
 * (Penny 2001, "KL-divergences of Normal, Gamma, Dirichlet and Wishart densities", eq. 14 in the
 * rate form; torch `_kl_gamma_gamma`).
 */
export function klGammaGamma(p: Gamma, q: Gamma): tf.Tensor {
  const a1 = p.concentration;
  const a2 = q.concentration;
  const t1 = tf.mul(a2, tf.log(tf.div(p.rate, q.rate)));
  const t2 = tf.sub(lgamma(a2), lgamma(a1));
  const t3 = tf.mul(tf.sub(a1, a2), digamma(a1));
  const t4 = tf.mul(tf.sub(q.rate, p.rate), tf.div(a1, p.rate));
  return tf.add(tf.add(t1, t2), tf.add(t3, t4));
}

/**
 * KL(U(a₁, b₁) ‖ U(a₂, b₂)) = log((b₂ − a₂)/(b₁ − a₁)) when [a₁, b₁] ⊆ [a₂, b₂], else +∞
 * (p then puts mass where q has none; torch `_kl_uniform_uniform`).
 */
export function klUniformUniform(p: Uniform, q: Uniform): tf.Tensor {
  const value = tf.log(tf.div(tf.sub(q.high, q.low), tf.sub(p.high, p.low)));
  const outside = tf.logicalOr(tf.greater(q.low, p.low), tf.less(q.high, p.high));
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(value.shape, outside.shape);
  return tf.where(
    tf.broadcastTo(outside, shape),
    tf.fill(shape, Number.POSITIVE_INFINITY),
    tf.broadcastTo(value, shape),
  );
}

/**
 * KL(Laplace(μ₁, b₁) ‖ Laplace(μ₂, b₂)) = log(b₂/b₁) + |μ₁ − μ₂|/b₂ + (b₁/b₂) e^{−|μ₁−μ₂|/b₁} − 1
 * (Gil 2011, "On Rényi divergence measures for continuous distributions", MSc thesis, Queen's
 * University, Table 2.3; torch `_kl_laplace_laplace`).
 */
export function klLaplaceLaplace(p: Laplace, q: Laplace): tf.Tensor {
  const ratio = tf.div(p.scale, q.scale);
  const distance = tf.abs(tf.sub(p.loc, q.loc));
  const t1 = tf.neg(tf.log(ratio));
  const t2 = tf.div(distance, q.scale);
  const t3 = tf.mul(ratio, tf.exp(tf.neg(tf.div(distance, p.scale))));
  return tf.sub(tf.add(tf.add(t1, t2), t3), 1);
}

/**
 * KL(Beta(a₁, b₁) ‖ Beta(a₂, b₂)) = log B(a₂, b₂) − log B(a₁, b₁) + (a₁ − a₂) ψ(a₁)
 *   + (b₁ − b₂) ψ(b₁) + (a₂ − a₁ + b₂ − b₁) ψ(a₁ + b₁)
 * with log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) (the Dirichlet formula of Penny 2001 for
 * two categories; torch `_kl_beta_beta`, where a is `concentration1`, b `concentration0`).
 */
export function klBetaBeta(p: Beta, q: Beta): tf.Tensor {
  const s1 = tf.add(p.a, p.b);
  const s2 = tf.add(q.a, q.b);
  const logB = (a: tf.Tensor, b: tf.Tensor, s: tf.Tensor) =>
    tf.sub(tf.add(lgamma(a), lgamma(b)), lgamma(s));
  const t1 = tf.sub(logB(q.a, q.b, s2), logB(p.a, p.b, s1));
  const t2 = tf.mul(tf.sub(p.a, q.a), digamma(p.a));
  const t3 = tf.mul(tf.sub(p.b, q.b), digamma(p.b));
  const t4 = tf.mul(tf.sub(s2, s1), digamma(s1));
  return tf.add(tf.add(t1, t2), tf.add(t3, t4));
}
