import { log1mexp, logSigmoid, softplus, xlogy } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type FDivergence, onDomain } from './f-divergence.js';
import { wrightOmega } from './lambert-w.js';

const LN2 = Math.LN2;

/** f(u) = u log u; f*(t) = e^{t−1}; g(v) = v; f′(1) = 1. */
export const klRow: FDivergence = {
  name: 'kl',
  f: (u) => xlogy(u, u),
  derivative: (u) => tf.add(1, tf.log(u)),
  conjugate: (t) => tf.exp(tf.sub(t, 1)),
  activation: (v) => tf.clone(v),
  conjugateActivation: (v) => tf.exp(tf.sub(v, 1)),
  threshold: 1,
};

/** f(u) = −log u; f*(t) = −1 − log(−t), t < 0; g(v) = −e^{−v}; f′(1) = −1. */
export const reverseKlRow: FDivergence = {
  name: 'reverse-kl',
  f: (u) => tf.neg(tf.log(u)),
  derivative: (u) => tf.neg(tf.reciprocal(u)),
  conjugate: (t) => onDomain(t, tf.less(t, 0), -1, (s) => tf.sub(-1, tf.log(tf.neg(s)))),
  activation: (v) => tf.neg(tf.exp(tf.neg(v))),
  conjugateActivation: (v) => tf.sub(v, 1),
  threshold: -1,
};

/**
 * Jeffrey: f(u) = (u − 1) log u; f*(t) = W(e^{1−t}) + 1/W(e^{1−t}) + t − 2 with W the Lambert
 * W function, evaluated as ω(1 − t) (Wright omega) so e^{1−t} never overflows; g(v) = v.
 */
export const jeffreysRow: FDivergence = {
  name: 'jeffreys',
  f: (u) => tf.mul(tf.sub(u, 1), tf.log(u)),
  derivative: (u) => tf.sub(tf.add(1, tf.log(u)), tf.reciprocal(u)),
  conjugate: (t) => jeffreysConjugate(t),
  activation: (v) => tf.clone(v),
  conjugateActivation: (v) => jeffreysConjugate(v),
  threshold: 0,
};

function jeffreysConjugate(t: tf.Tensor): tf.Tensor {
  const w = wrightOmega(tf.sub(1, t));
  return tf.add(tf.add(w, tf.reciprocal(w)), tf.sub(t, 2));
}

/**
 * Jensen–Shannon, halved so that D_f = JS ≤ log 2 (the paper's f is twice this):
 * f(u) = ½[u log u − (u+1) log((u+1)/2)]; f*(t) = −½ log(2 − e^{2t}), t < ½ log 2;
 * g(v) = ½ log 2 − ½ log(1 + e^{−v}).
 */
export const jsRow: FDivergence = {
  name: 'js',
  f: (u) => tf.mul(0.5, tf.sub(xlogy(u, u), tf.mul(tf.add(u, 1), tf.log(tf.div(tf.add(u, 1), 2))))),
  derivative: (u) => tf.mul(0.5, tf.log(tf.div(tf.mul(2, u), tf.add(1, u)))),
  conjugate: (t) =>
    onDomain(t, tf.less(t, 0.5 * LN2), 0, (s) =>
      tf.sub(-0.5 * LN2, tf.mul(0.5, log1mexp(tf.sub(tf.mul(2, s), LN2)))),
    ),
  activation: (v) => tf.sub(0.5 * LN2, tf.mul(0.5, softplus(tf.neg(v)))),
  conjugateActivation: (v) => tf.sub(tf.mul(0.5, softplus(v)), 0.5 * LN2),
  threshold: 0,
};

/**
 * The original GAN: f(u) = u log u − (u+1) log(u+1) (D_f = 2·JS − log 4);
 * f*(t) = −log(1 − eᵗ), t < 0; g(v) = −log(1 + e^{−v}) = log σ(v); f′(1) = −log 2.
 */
export const ganRow: FDivergence = {
  name: 'gan',
  f: (u) => tf.sub(xlogy(u, u), xlogy(tf.add(u, 1), tf.add(u, 1))),
  derivative: (u) => tf.log(tf.div(u, tf.add(u, 1))),
  conjugate: (t) => onDomain(t, tf.less(t, 0), -1, (s) => tf.neg(log1mexp(s))),
  activation: (v) => logSigmoid(v),
  conjugateActivation: (v) => softplus(v),
  threshold: -LN2,
};
