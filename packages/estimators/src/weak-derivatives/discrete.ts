import type { Bernoulli, Categorical, Poisson } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import type { WeakDerivative } from './registry.js';

/** Bernoulli p⁺ = δ₁, p⁻ = δ₀, one slot. */
function bernoulliPoints(base: tf.Tensor): { positive: tf.Tensor; negative: tf.Tensor } {
  const shape = [1, ...base.shape];
  return { positive: tf.ones(shape), negative: tf.zeros(shape) };
}

/** Bernoulli probability p: c = 1, p⁺ = δ₁, p⁻ = δ₀. */
export const bernoulliProbs: WeakDerivative<Bernoulli> = ({ dist, base }) => ({
  ...bernoulliPoints(base),
  constant: tf.onesLike(dist.probs),
});

/** Bernoulli logit ℓ: the probability's triple times dp/dℓ = p(1 − p). */
export const bernoulliLogits: WeakDerivative<Bernoulli> = ({ dist, base }) => ({
  ...bernoulliPoints(base),
  constant: tf.mul(dist.probs, tf.sigmoid(tf.neg(dist.logits))),
});

/**
 * Poisson rate θ: c = 1, p⁺ = P(θ) + 1, p⁻ = P(θ). Coupled: x⁺ = x + 1 with x the shared draw;
 * otherwise x⁺ is an independent draw plus 1.
 */
export const poissonRate: WeakDerivative<Poisson> = ({ dist, base, rng, coupling }) => {
  const draw = coupling ? base : dist.sample(base.shape[0]!, rng);
  return { positive: tf.expandDims(tf.add(draw, 1), 0), constant: tf.onesLike(dist.rate) };
};

/** δ_j for each category j: `[K, n, ...batch]` filled with j in slot j. */
function categoryPoints(dist: Categorical, base: tf.Tensor): tf.Tensor {
  const k = dist.numCategories;
  const index = tf.reshape(tf.range(0, k, 1, 'float32'), [k, ...base.shape.map(() => 1)]);
  return tf.add(index, tf.zeros([k, ...base.shape]));
}

/**
 * Categorical logits ℓ (any normalisation): ∂E/∂ℓⱼ = pⱼ (f(j) − E_p[f]), i.e. per slot j
 * c = pⱼ, p⁺ = δⱼ, p⁻ = p itself (the shared draws).
 */
export const categoricalLogits: WeakDerivative<Categorical> = ({ dist, base }) => ({
  positive: categoryPoints(dist, base),
  constant: dist.probs,
});

/**
 * Categorical probabilities t as given (normalised as p = t/Σt): ∂E/∂tⱼ = (f(j) − E_p[f])/Σt,
 * i.e. per slot j c = 1/Σt, p⁺ = δⱼ, p⁻ = p itself.
 */
export const categoricalProbs: WeakDerivative<Categorical> = ({ dist, base }) => {
  const t = dist.params.probs!;
  return {
    positive: categoryPoints(dist, base),
    constant: tf.mul(tf.reciprocal(tf.sum(t, -1, true)), tf.onesLike(t)),
  };
};
