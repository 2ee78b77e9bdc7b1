import * as tf from '@tensorflow/tfjs-core';
import { type FDivergence, onDomain } from './f-divergence.js';

/**
 * Pearson χ²: f(u) = (u − 1)²; f*(t) = t²/4 + t for t ≥ −2 (the table's form) and −1 below,
 * where the supremum over u ≥ 0 sits at u = 0 (= ¼ relu(t + 2)² − 1); g(v) = v.
 */
export const pearsonRow: FDivergence = {
  name: 'pearson',
  f: (u) => tf.square(tf.sub(u, 1)),
  derivative: (u) => tf.mul(2, tf.sub(u, 1)),
  conjugate: (t) => pearsonConjugate(t),
  activation: (v) => tf.clone(v),
  conjugateActivation: (v) => pearsonConjugate(v),
  threshold: 0,
};

function pearsonConjugate(t: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(0.25, tf.square(tf.relu(tf.add(t, 2)))), 1);
}

/** Neyman χ²: f(u) = (1 − u)²/u; f*(t) = 2 − 2√(1 − t), t ≤ 1; g(v) = 1 − e^{−v}. */
export const neymanRow: FDivergence = {
  name: 'neyman',
  f: (u) => tf.div(tf.square(tf.sub(1, u)), u),
  derivative: (u) => tf.sub(1, tf.reciprocal(tf.square(u))),
  conjugate: (t) =>
    onDomain(t, tf.lessEqual(t, 1), 0, (s) => tf.sub(2, tf.mul(2, tf.sqrt(tf.sub(1, s))))),
  activation: (v) => tf.neg(tf.expm1(tf.neg(v))),
  conjugateActivation: (v) => tf.sub(2, tf.mul(2, tf.exp(tf.mul(-0.5, v)))),
  threshold: 0,
};

/** Squared Hellinger (no ½): f(u) = (√u − 1)²; f*(t) = t/(1 − t), t < 1; g(v) = 1 − e^{−v}. */
export const squaredHellingerRow: FDivergence = {
  name: 'squared-hellinger',
  f: (u) => tf.square(tf.sub(tf.sqrt(u), 1)),
  derivative: (u) => tf.sub(1, tf.rsqrt(u)),
  conjugate: (t) => onDomain(t, tf.less(t, 1), 0, (s) => tf.div(s, tf.sub(1, s))),
  activation: (v) => tf.neg(tf.expm1(tf.neg(v))),
  conjugateActivation: (v) => tf.expm1(v),
  threshold: 0,
};

/**
 * Total variation: f(u) = ½|u − 1|; f*(t) = t on |t| ≤ ½ (the table's form; −½ for t < −½,
 * where the supremum over u ≥ 0 sits at u = 0; +∞ above ½); g(v) = ½ tanh v; f′(1) = 0 (a
 * subgradient).
 */
export const totalVariationRow: FDivergence = {
  name: 'total-variation',
  f: (u) => tf.mul(0.5, tf.abs(tf.sub(u, 1))),
  derivative: (u) => tf.mul(0.5, tf.sign(tf.sub(u, 1))),
  conjugate: (t) => onDomain(t, tf.lessEqual(t, 0.5), 0, (s) => tf.maximum(s, -0.5)),
  activation: (v) => tf.mul(0.5, tf.tanh(v)),
  conjugateActivation: (v) => tf.mul(0.5, tf.tanh(v)),
  threshold: 0,
};
