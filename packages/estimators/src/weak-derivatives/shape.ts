import type { Rng } from '@gen/core';
import { digamma, lgamma } from '@gen/core';
import { type Beta, Gamma, igammaGradA, type Weibull } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { untaped } from '../detach.js';
import type { WeakDerivative } from './registry.js';

/**
 * Weak derivatives of shape parameters, for which Table 1 of Mohamed et al. (2020) has no entry.
 * Each uses the Hahn–Jordan decomposition of ∂θ p: with G(x) = ∂θ F(x; θ) (F the cdf),
 * ∂θ p = G′, so p⁺ and p⁻ are G′'s positive and negative parts normalised by c = their common
 * mass, and their cdfs are pieces of G/c. Draws invert those cdfs by bisection and Newton
 * steps, fixed in number (no data-dependent loops or reads), off the gradient tape. Coupled: p⁺ and p⁻
 * share the uniform they invert (common random numbers). See docs/references.md#weak-derivatives.
 */

/** Bisection steps of the inverse cdfs, then safeguarded Newton steps (fixed counts). */
const BISECTIONS = 10;
const NEWTON_STEPS = 5;
/** Lowest log x searched: e⁻⁸⁰ ≈ 2e−35 stays a normal float32. */
const LOG_FLOOR = -80;

/** One slot: [n, ...batch] → [1, n, ...batch]. */
const slot = (t: tf.Tensor): tf.Tensor => tf.expandDims(t, 0);

/** A cdf in the search variable t, with its derivative. */
type Cdf = (t: tf.Tensor) => { value: tf.Tensor; slope: tf.Tensor };

/**
 * The t in [lo, hi] with cdf(t) = u, for a cdf increasing on each element's bracket: a few
 * bisections, then Newton steps that fall back to bisection when they leave the bracket (the
 * slope vanishes where a Hahn–Jordan part's density does). Elementwise on equal shapes; fixed
 * cost, memory of one step at a time.
 */
function invertCdf(cdf: Cdf, u: tf.Tensor, lo: tf.Tensor, hi: tf.Tensor): tf.Tensor {
  let [a, b, t] = [tf.clone(lo), tf.clone(hi), tf.mul(0.5, tf.add(lo, hi))];
  for (let i = 0; i < BISECTIONS + NEWTON_STEPS; i++) {
    const next = tf.tidy(() => {
      const { value, slope } = cdf(t);
      const below = tf.less(value, u);
      const a2 = tf.where(below, t, a);
      const b2 = tf.where(below, b, t);
      const middle = tf.mul(0.5, tf.add(a2, b2));
      if (i < BISECTIONS) return [a2, b2, middle];
      const step = tf.sub(t, tf.div(tf.sub(value, u), slope));
      // Inclusive: a converged iterate sits on the end of the bracket it just moved.
      const inside = tf.logicalAnd(tf.greaterEqual(step, a2), tf.lessEqual(step, b2));
      return [a2, b2, tf.where(inside, step, middle)];
    });
    tf.dispose([a, b, t]);
    [a, b, t] = next as [tf.Tensor, tf.Tensor, tf.Tensor];
  }
  tf.dispose([a, b]);
  return t;
}

/** Uniforms for the two sides: shared when coupled. */
function uniforms(shape: number[], rng: Rng, coupling: boolean): [tf.Tensor, tf.Tensor] {
  const u = rng.uniform(shape);
  return [u, coupling ? u : rng.uniform(shape)];
}

// --- Gamma concentration ----------------------------------------------------------------------

/**
 * Draws of the Hahn–Jordan parts of ∂a Gamma(a, 1) and its mass c. With G(y) = ∂P(a, y)/∂a
 * (`igammaGradA`), ∂a p = p·(log y − ψ(a)) changes sign once, at y₀ = e^{ψ(a)}, where G is
 * smallest, G(y₀) = −c. So p⁻ lives on (0, y₀] with cdf −G/c and p⁺ on [y₀, ∞) with cdf 1 + G/c;
 * both are inverted in t = log y. `a` is `[...batch]`, the uniforms `[n, ...batch]`.
 */
export function gammaShapeParts(
  a: tf.Tensor,
  uPositive: tf.Tensor,
  uNegative: tf.Tensor,
): { positive: tf.Tensor; negative: tf.Tensor; mass: tf.Tensor } {
  const shape = uPositive.shape;
  const aFull = tf.broadcastTo(a, shape);
  const t0Batch = tf.maximum(digamma(a), LOG_FLOOR + 1);
  const mass = tf.neg(igammaGradA(a, tf.exp(t0Batch)));
  const t0 = tf.broadcastTo(t0Batch, shape);
  const massFull = tf.broadcastTo(mass, shape);
  const psi = tf.broadcastTo(digamma(a), shape);
  const logNorm = tf.broadcastTo(lgamma(a), shape);
  // G(e^t)/c and its t-derivative e^t p(a, e^t)(t − ψ(a))/c, p the Gamma(a, 1) density.
  const parts = (t: tf.Tensor) => {
    const y = tf.exp(t);
    const density = tf.exp(tf.sub(tf.sub(tf.mul(aFull, t), y), logNorm));
    return {
      g: tf.div(igammaGradA(aFull, y), massFull),
      dg: tf.div(tf.mul(density, tf.sub(t, psi)), massFull),
    };
  };
  // Brackets in t = log y beyond which the Gamma(a) tails are below float32's resolution of u:
  // log y is about N(ψ(a), 1/a) for large a, and P(y < e^t) ≈ e^{at}/Γ(a + 1) for small y.
  const top = tf.log(tf.add(tf.add(aFull, tf.mul(20, tf.sqrt(aFull))), 30));
  const bottom = tf.maximum(
    tf.sub(t0, tf.add(tf.div(20, tf.sqrt(aFull)), tf.div(20, aFull))),
    LOG_FLOOR,
  );
  const positive = untaped(() => {
    const cdf: Cdf = (t) => {
      const { g, dg } = parts(t);
      return { value: tf.add(1, g), slope: dg };
    };
    return tf.exp(invertCdf(cdf, uPositive, t0, tf.maximum(top, t0)));
  });
  const negative = untaped(() => {
    const cdf: Cdf = (t) => {
      const { g, dg } = parts(t);
      return { value: tf.neg(g), slope: tf.neg(dg) };
    };
    return tf.exp(invertCdf(cdf, uNegative, bottom, t0));
  });
  return { positive, negative, mass };
}

/**
 * Gamma concentration a (rate β): c = −∂P/∂a at e^{ψ(a)}, p± the Hahn–Jordan parts of
 * ∂a Gamma(a, 1) scaled by 1/β (see {@link gammaShapeParts}); Chi2's degrees of freedom reach
 * it through its concentration df/2.
 */
export const gammaConcentration: WeakDerivative<Gamma> = ({ dist, base, rng, coupling }) => {
  const [uPositive, uNegative] = uniforms(base.shape, rng, coupling);
  const parts = gammaShapeParts(dist.concentration, uPositive, uNegative);
  return {
    positive: slot(tf.div(parts.positive, dist.rate)),
    negative: slot(tf.div(parts.negative, dist.rate)),
    constant: parts.mass,
  };
};

// --- Weibull shape ----------------------------------------------------------------------------

// With z = (x/λ)ᵏ ∼ Exp(1), ∂k F = g(z)/k for g(z) = z e^{−z} log z, whose derivative
// e^{−z}(1 + (1 − z) log z) is positive exactly between the roots z₁ < 1 < z₂ of (z − 1) log z = 1
// (float64 constants; they do not depend on k or λ).
const Z1 = 0.2592463566483173;
const Z2 = 2.239977887656548;
/** −g(z₁), the mass of p⁻ left of z₁. */
const LEFT_MASS = 0.27005337131742757;
/** g(z₂) − g(z₁): the mass C of p⁺ (and of p⁻). */
const WEIBULL_MASS = 0.4623712918286996;
/** Largest log z searched: beyond z = e^4.6 ≈ 100, z e^{−z} < 1e−41. */
const LOG_Z_TOP = 4.6;

/** g(e^t)/C for log z = t, and its t-derivative z e^{−z}(1 + (1 − z) t)/C. */
function weibullG(t: tf.Tensor): { g: tf.Tensor; dg: tf.Tensor } {
  const z = tf.exp(t);
  const ze = tf.div(tf.mul(z, tf.exp(tf.neg(z))), WEIBULL_MASS);
  return { g: tf.mul(ze, t), dg: tf.mul(ze, tf.add(1, tf.mul(tf.sub(1, z), t))) };
}

/**
 * Weibull shape k (scale λ): c = C/k with C = g(z₂) − g(z₁) ≈ 0.46237, p⁺ on z ∈ (z₁, z₂) with
 * cdf (g(z) − g(z₁))/C, p⁻ on (0, z₁) ∪ (z₂, ∞) with cdf −g(z)/C left of z₁ and 1 − g(z)/C right
 * of z₂; draws x = λ z^{1/k}.
 */
export const weibullShape: WeakDerivative<Weibull> = ({ dist, base, rng, coupling }) => {
  const shape = base.shape;
  const [uPositive, uNegative] = uniforms(shape, rng, coupling);
  const zPositive = untaped(() => {
    const cdf: Cdf = (t) => {
      const { g, dg } = weibullG(t);
      return { value: tf.add(g, LEFT_MASS / WEIBULL_MASS), slope: dg };
    };
    const [lo, hi] = [tf.fill(shape, Math.log(Z1)), tf.fill(shape, Math.log(Z2))];
    return tf.exp(invertCdf(cdf, uPositive, lo, hi));
  });
  const zNegative = untaped(() => {
    const left = tf.less(uNegative, LEFT_MASS / WEIBULL_MASS);
    const lo = tf.where(left, tf.fill(shape, LOG_FLOOR), tf.fill(shape, Math.log(Z2)));
    const hi = tf.where(left, tf.fill(shape, Math.log(Z1)), tf.fill(shape, LOG_Z_TOP));
    const cdf: Cdf = (t) => {
      const { g, dg } = weibullG(t);
      return { value: tf.where(left, tf.neg(g), tf.sub(1, g)), slope: tf.neg(dg) };
    };
    return tf.exp(invertCdf(cdf, uNegative, lo, hi));
  });
  const k = dist.shape;
  const draw = (z: tf.Tensor) => slot(tf.mul(dist.scale, tf.pow(z, tf.reciprocal(k))));
  return {
    positive: draw(zPositive),
    negative: draw(zNegative),
    constant: tf.div(WEIBULL_MASS, k),
  };
};

// --- Beta concentrations ----------------------------------------------------------------------

/** Standard Gamma(α) draws `[n, ...batch]` through the public family. */
function standardGammaDraws(alpha: tf.Tensor, n: number, rng: Rng): tf.Tensor {
  const g = new Gamma({ concentration: alpha, rate: 1, validateArgs: false });
  const x = g.sample(n, rng);
  g.dispose();
  return x;
}

/**
 * Beta(a, b) as X/(X + Y) with X ∼ Gamma(a), Y ∼ Gamma(b): ∂a moves only X's law, so
 * c = the Gamma shape mass at a, p± = X±/(X± + Y) with X± the Hahn–Jordan parts of
 * ∂a Gamma(a, 1) and one Y (per side unless coupled). Not Beta's own Hahn–Jordan
 * decomposition, but a valid (unbiased) weak derivative; `b` likewise through Y.
 */
function betaConcentration(which: 'a' | 'b'): WeakDerivative<Beta> {
  return ({ dist, base, rng, coupling }) => {
    const n = base.shape[0]!;
    const [moving, other] = which === 'a' ? [dist.a, dist.b] : [dist.b, dist.a];
    const batch = base.shape.slice(1);
    const [uPositive, uNegative] = uniforms(base.shape, rng, coupling);
    const parts = gammaShapeParts(moving, uPositive, uNegative);
    const otherFull = tf.broadcastTo(other, batch);
    const yPositive = standardGammaDraws(otherFull, n, rng);
    const yNegative = coupling ? yPositive : standardGammaDraws(otherFull, n, rng);
    const ratio = (x: tf.Tensor, y: tf.Tensor) =>
      slot(which === 'a' ? tf.div(x, tf.add(x, y)) : tf.div(y, tf.add(x, y)));
    return {
      positive: ratio(parts.positive, yPositive),
      negative: ratio(parts.negative, yNegative),
      constant: tf.broadcastTo(parts.mass, batch),
    };
  };
}

/** Beta concentration a (the exponent of x); see {@link betaConcentration}. */
export const betaA: WeakDerivative<Beta> = betaConcentration('a');
/** Beta concentration b (the exponent of 1 − x); see {@link betaConcentration}. */
export const betaB: WeakDerivative<Beta> = betaConcentration('b');
