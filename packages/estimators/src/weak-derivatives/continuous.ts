import type { Exponential, Gamma, Normal, Weibull } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import type { WeakDerivative } from './registry.js';
import { doubleSidedMaxwell, rayleigh, standardExponential } from './samplers.js';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** One slot: [n, ...batch] → [1, n, ...batch]. */
const slot = (t: tf.Tensor): tf.Tensor => tf.expandDims(t, 0);

/**
 * Normal mean: c = 1/(σ√(2π)), p± = μ ± σ·W(2, 0.5) (Rayleigh). Coupled: the same Rayleigh draw
 * on both sides (Weibull–Weibull coupling).
 */
export const normalLoc: WeakDerivative<Normal> = ({ dist, base, rng, coupling }) => {
  const [loc, scale] = [dist.loc, dist.scale];
  const w = rayleigh(base.shape, rng);
  const w2 = coupling ? w : rayleigh(base.shape, rng);
  return {
    positive: slot(tf.add(loc, tf.mul(scale, w))),
    negative: slot(tf.sub(loc, tf.mul(scale, w2))),
    constant: tf.div(1, tf.mul(scale, SQRT_2PI)),
  };
};

/**
 * Normal standard deviation: c = 1/σ, p⁺ = double-sided Maxwell M(μ, σ²), p⁻ = N(μ, σ²).
 * Coupled: m ∼ M(0, 1), u ∼ U(0, 1), and u·m ∼ N(0, 1) (Maxwell–Gaussian coupling).
 */
export const normalScale: WeakDerivative<Normal> = ({ dist, base, rng, coupling }) => {
  const [loc, scale] = [dist.loc, dist.scale];
  const m = doubleSidedMaxwell(base.shape, rng);
  const positive = slot(tf.add(loc, tf.mul(scale, m)));
  const constant = tf.reciprocal(scale);
  if (!coupling) return { positive, constant };
  const n = tf.mul(rng.uniform(base.shape), m);
  return { positive, negative: slot(tf.add(loc, tf.mul(scale, n))), constant };
};

/**
 * Exponential rate θ: c = 1/θ, p⁺ = E(θ), p⁻ = Erlang(2, θ) = Gamma(2, θ). Coupled: x⁻ = x + E'/θ
 * with x the shared draw (an exponential plus an independent one is Erlang(2)).
 */
export const exponentialRate: WeakDerivative<Exponential> = ({ dist, base, rng, coupling }) => {
  const rate = dist.rate;
  const first = coupling ? base : tf.div(standardExponential(base.shape, rng), rate);
  const negative = tf.add(first, tf.div(standardExponential(base.shape, rng), rate));
  return { negative: slot(negative), constant: tf.reciprocal(rate) };
};

/**
 * Gamma rate θ (concentration a): c = a/θ, p⁺ = G(a, θ), p⁻ = G(a + 1, θ). Coupled:
 * x⁻ = x + E'/θ (G(a, θ) + G(1, θ) = G(a + 1, θ)).
 */
export const gammaRate: WeakDerivative<Gamma> = ({ dist, base, rng, coupling }) => {
  const rate = dist.rate;
  const first = coupling ? base : dist.sample(base.shape[0]!, rng);
  const negative = tf.add(first, tf.div(standardExponential(base.shape, rng), rate));
  return { negative: slot(negative), constant: tf.div(dist.concentration, rate) };
};

/**
 * Weibull scale λ (shape k). The table's Weibull(α, θ) has density αθx^{α−1}e^{−θx^α}, so
 * θ = λ^{−k}: c_θ = 1/θ, p⁺ = W(k, λ), p⁻ = G(2, θ)^{1/k} = λ·G(2, 1)^{1/k}, and the chain rule
 * dθ/dλ = −kλ^{−k−1} gives c_λ = −k/λ. Coupled: with x = λE^{1/k}, x⁻ = λ(E + E')^{1/k}.
 */
export const weibullScale: WeakDerivative<Weibull> = ({ dist, base, rng, coupling }) => {
  const [k, scale] = [dist.shape, dist.scale];
  const first = coupling ? tf.pow(tf.div(base, scale), k) : standardExponential(base.shape, rng);
  const sum = tf.add(first, standardExponential(base.shape, rng));
  return {
    negative: slot(tf.mul(scale, tf.pow(sum, tf.reciprocal(k)))),
    constant: tf.neg(tf.div(k, scale)),
  };
};
