import * as tf from '@tensorflow/tfjs-core';
import { alphaSpec } from './alpha-term.js';
import { infinityLike, logTwoOverOnePlusExp } from './log-ratio.js';
import type { DivergenceName } from './names.js';

/** Densities (or masses) and their logs at the same points, broadcast to one shape. */
export interface PointwiseInput {
  p: tf.Tensor;
  q: tf.Tensor;
  logP: tf.Tensor;
  logQ: tf.Tensor;
}

/** Finite values where p > 0 and q > 0, with d = log p − log q. */
export interface RegularInput extends PointwiseInput {
  d: tf.Tensor;
}

/** How one divergence evaluates q·f(p/q) and its limits at zero probabilities. */
export interface PointwiseSpec {
  /** q·f(p/q) where p, q > 0 (p or q may still underflow to 0 with a finite log). */
  regular(x: RegularInput): tf.Tensor;
  /** q·f(0): the term where p = 0 < q. */
  pZero(q: tf.Tensor): tf.Tensor;
  /** p · lim_{u→∞} f(u)/u: the term where q = 0 < p. */
  qZero(p: tf.Tensor): tf.Tensor;
}

const LN2 = Math.LN2;
const zero = (x: tf.Tensor) => tf.zerosLike(x);
const half = (x: tf.Tensor) => tf.mul(0.5, x);
const halfLog2 = (x: tf.Tensor) => tf.mul(0.5 * LN2, x);

// Every formula is anchored on the larger of p and q (d ≤ 0 or d ≥ 0 branches with clamped d),
// so no term overflows unless its true value does, none cancels catastrophically near p = q,
// and each is exactly 0 at p = q. The unused branch sees clamped inputs, so its (zero-weighted)
// gradient is finite and `tf.where` passes no NaN back.
const SPECS: Record<Exclude<DivergenceName, 'alpha'>, PointwiseSpec> = {
  kl: { regular: ({ p, d }) => tf.mul(p, d), pZero: zero, qZero: infinityLike },
  'reverse-kl': { regular: ({ q, d }) => tf.neg(tf.mul(q, d)), pZero: infinityLike, qZero: zero },
  jeffreys: {
    regular: ({ p, q, d }) => tf.mul(tf.sub(p, q), d),
    pZero: infinityLike,
    qZero: infinityLike,
  },
  js: {
    regular: ({ p, q, d }) =>
      half(tf.add(tf.mul(p, logTwoOverOnePlusExp(tf.neg(d))), tf.mul(q, logTwoOverOnePlusExp(d)))),
    pZero: halfLog2,
    qZero: halfLog2,
  },
  pearson: {
    regular: ({ q, logP, d }) => {
      const below = tf.minimum(d, 0);
      const above = tf.maximum(d, 0);
      const low = tf.mul(q, tf.square(tf.expm1(below)));
      const high = tf.mul(tf.exp(tf.add(logP, above)), tf.square(tf.expm1(tf.neg(above))));
      return tf.where(tf.lessEqual(d, 0), low, high);
    },
    pZero: (q) => tf.clone(q),
    qZero: infinityLike,
  },
  neyman: {
    regular: ({ p, logQ, d }) => {
      const below = tf.minimum(d, 0);
      const above = tf.maximum(d, 0);
      const high = tf.mul(p, tf.square(tf.expm1(tf.neg(above))));
      const low = tf.mul(tf.exp(tf.sub(logQ, below)), tf.square(tf.expm1(below)));
      return tf.where(tf.greaterEqual(d, 0), high, low);
    },
    pZero: infinityLike,
    qZero: (p) => tf.clone(p),
  },
  'squared-hellinger': {
    regular: ({ p, q, d }) => {
      const high = tf.mul(p, tf.square(tf.expm1(tf.mul(-0.5, tf.maximum(d, 0)))));
      const low = tf.mul(q, tf.square(tf.expm1(tf.mul(0.5, tf.minimum(d, 0)))));
      return tf.where(tf.greaterEqual(d, 0), high, low);
    },
    pZero: (q) => tf.clone(q),
    qZero: (p) => tf.clone(p),
  },
  'total-variation': {
    regular: ({ p, q }) => half(tf.abs(tf.sub(p, q))),
    pZero: half,
    qZero: half,
  },
};

/** The spec of `name`; `alpha` only for 'alpha' (0 and 1 are its KL limits). */
export function pointwiseSpec(name: DivergenceName, alpha: number | undefined): PointwiseSpec {
  if (name !== 'alpha') return SPECS[name];
  if (alpha === 1) return SPECS.kl;
  if (alpha === 0) return SPECS['reverse-kl'];
  return alphaSpec(alpha!);
}

/**
 * q·f(p/q) elementwise, with the limits at zero probabilities (a zero log means −∞): 0 where
 * p = q = 0, q·f(0) where only p = 0, p·f′(∞) where only q = 0. Never NaN for finite inputs.
 */
export function pointwiseTerm(spec: PointwiseSpec, input: PointwiseInput): tf.Tensor {
  return tf.tidy(() => {
    const pZero = tf.equal(input.logP, Number.NEGATIVE_INFINITY);
    const qZero = tf.equal(input.logQ, Number.NEGATIVE_INFINITY);
    const regular = tf.logicalNot(tf.logicalOr(pZero, qZero));
    const safe = (t: tf.Tensor, fill: number) => tf.where(regular, t, tf.fill(t.shape, fill));
    const logP = safe(input.logP, 0);
    const logQ = safe(input.logQ, 0);
    const value = spec.regular({
      p: safe(input.p, 1),
      q: safe(input.q, 1),
      logP,
      logQ,
      d: tf.sub(logP, logQ),
    });
    const limit = tf.where(
      pZero,
      tf.where(qZero, tf.zerosLike(input.q), spec.pZero(input.q)),
      spec.qZero(input.p),
    );
    return tf.where(regular, value, limit);
  });
}
