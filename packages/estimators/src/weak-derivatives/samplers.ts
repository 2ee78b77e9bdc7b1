import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Standard exponential draws, −log(1 − U) with U ∈ [0, 1). Call inside tf.tidy. */
export function standardExponential(shape: number[], rng: Rng): tf.Tensor {
  return tf.neg(tf.log1p(tf.neg(rng.uniform(shape))));
}

/**
 * Weibull(2, 0.5) of the weak-derivative table, density w·e^{−w²/2} on w ≥ 0 (Rayleigh(1);
 * Weibull with concentration 2 and scale √2 in scipy/TFP terms): w = √(2E), E standard
 * exponential (the inverse CDF √(−2 log(1 − U))).
 */
export function rayleigh(shape: number[], rng: Rng): tf.Tensor {
  return tf.sqrt(tf.mul(2, standardExponential(shape, rng)));
}

/**
 * Standard double-sided Maxwell M(0, 1), density z² e^{−z²/2}/√(2π): a random sign times
 * √(χ²₃), the norm of three standard normals.
 */
export function doubleSidedMaxwell(shape: number[], rng: Rng): tf.Tensor {
  const radius = tf.sqrt(tf.sum(tf.square(rng.normal([...shape, 3])), -1));
  const sign = tf.sign(tf.sub(rng.uniform(shape), 0.5));
  return tf.mul(tf.where(tf.equal(sign, 0), tf.onesLike(sign), sign), radius);
}
