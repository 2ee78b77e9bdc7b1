import { brand, digamma, lgamma, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { log1pSquare } from './cauchy.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { betainc, ndtri } from './special.js';
import { standardGamma } from './standard-gamma.js';

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);
/** Newton steps of the inverse cdf (float64 trials converge to 1e−6 in at most 5 for
 * 0.1 ≤ ν ≤ 10⁴ and 1e−30 ≤ p ≤ 1 − 1e−7). */
const NEWTON_STEPS = 6;
/** log of the largest float32, 3.4e38. */
const LOG_MAX = 88.72;
/** Floor of the cdf inside the Newton steps (float32 underflows below ~1e−38). */
const TINY = 1e-37;
/** log 1e−7: below it x = ν/(ν + s²) is small enough for the tail's leading term. */
const LOG_FAR = Math.log(1e-7);

/** log density of the standard t (μ = 0, σ = 1) with ν degrees of freedom at z. */
function standardLogPdf(z: tf.Tensor, df: tf.Tensor): tf.Tensor {
  const half = tf.mul(0.5, tf.add(df, 1));
  const norm = tf.sub(
    tf.sub(lgamma(half), lgamma(tf.mul(0.5, df))),
    tf.add(tf.mul(0.5, tf.log(df)), HALF_LOG_PI),
  );
  return tf.sub(norm, tf.mul(half, log1pSquare(tf.div(z, tf.sqrt(df)))));
}

/**
 * cdf of the standard t at z from the lower tail T(|z|) = P(T ≤ −|z|) = ½ I_x(ν/2, ½) with
 * x = ν/(ν + z²) (F = T for z ≤ 0, 1 − T above). I_x is summed directly where its continued
 * fraction converges (x < (ν/2 + 1)/(ν/2 + 5/2), which covers the tails, where T is small and
 * kept to relative accuracy), else as 1 − I_y(½, ν/2) with y = z²/(ν + z²) = 1 − x formed
 * exactly, not by rounding x near 1.
 */
function standardCdf(z: tf.Tensor, df: tf.Tensor): tf.Tensor {
  const z2 = tf.square(z);
  const halfDf = tf.mul(0.5, df);
  const total = tf.add(df, z2);
  const x = tf.div(df, total);
  const direct = tf.less(x, tf.div(tf.add(halfDf, 1), tf.add(halfDf, 2.5)));
  // One betainc call on whichever form is summed directly. y = z²/(ν + z²) from a z² zeroed
  // where it is not used (z² = ∞ would make it NaN there, and NaN gradients through the where).
  const half = tf.scalar(0.5);
  const z2Near = tf.where(direct, tf.zerosLike(z2), z2);
  const arg = tf.where(direct, x, tf.div(z2Near, tf.add(df, z2Near)));
  const value = betainc(tf.where(direct, halfDf, half), tf.where(direct, half, halfDf), arg);
  const tail = tf.mul(0.5, tf.where(direct, value, tf.sub(1, value)));
  return tf.where(tf.greater(z, 0), tf.sub(1, tail), tail);
}

/**
 * log T(s) = log P(T ≤ −s) and its derivative in u = log s for the inverse cdf's Newton steps.
 * Where x = ν/(ν + s²) < 1e−7 the leading term of I_x's expansion,
 * T = x^(ν/2) / (ν B(ν/2, ½)) (1 + O(x)), in logs from u, so neither s² nor T has to fit in float32:
 * d log T/du = −ν (1 − x) there, −s p(s)/T elsewhere.
 */
function logLowerTail(u: tf.Tensor, df: tf.Tensor): { logT: tf.Tensor; slope: tf.Tensor } {
  const logDf = tf.log(df);
  // log x = log ν − 2u − log(1 + ν e^(−2u)); the exponent is clamped where the branch is unused.
  const logX = tf.sub(
    tf.sub(logDf, tf.mul(2, u)),
    tf.log1p(tf.exp(tf.minimum(tf.sub(logDf, tf.mul(2, u)), 0))),
  );
  const far = tf.less(logX, LOG_FAR);
  const lbeta = tf.sub(
    tf.add(lgamma(tf.mul(0.5, df)), HALF_LOG_PI),
    lgamma(tf.mul(0.5, tf.add(df, 1))),
  );
  const logTFar = tf.sub(tf.mul(tf.mul(0.5, df), logX), tf.add(logDf, lbeta));
  const slopeFar = tf.neg(tf.mul(df, tf.sub(1, tf.exp(logX))));
  // The exact branch at a point it can represent where `far` drops it.
  const s = tf.exp(tf.where(far, tf.zerosLike(u), u));
  const logTNear = tf.log(tf.maximum(standardCdf(tf.neg(s), df), TINY));
  const slopeNear = tf.neg(tf.exp(tf.sub(tf.add(tf.log(s), standardLogPdf(s, df)), logTNear)));
  return { logT: tf.where(far, logTFar, logTNear), slope: tf.where(far, slopeFar, slopeNear) };
}

export interface StudentTParams extends DistributionOptions {
  /** Degrees of freedom ν > 0. */
  df: ParamLike;
  /** Location μ (the median and mode; the mean where ν > 1). */
  loc: ParamLike;
  /** Scale σ > 0. */
  scale: ParamLike;
}

/**
 * Student's t with ν degrees of freedom, location μ and scale σ, elementwise over a batch
 * (scipy's `t(df=ν, loc=μ, scale=σ)`).
 *
 * log p(x) = log Γ((ν+1)/2) − log Γ(ν/2) − ½ log νπ − log σ − (ν+1)/2 · log(1 + z²/ν) with
 * z = (x − μ)/σ; entropy (ν+1)/2 · (ψ((ν+1)/2) − ψ(ν/2)) + ½ log ν + log B(ν/2, ½) + log σ;
 * mode μ; cdf by the regularised incomplete beta function (below). As in torch, the mean is μ
 * for ν > 1 and NaN otherwise, and the variance σ²ν/(ν − 2) for ν > 2, ∞ for 1 < ν ≤ 2 and NaN
 * for ν ≤ 1.
 *
 * Reparameterised draws x = μ + σ ε / √(G/(ν/2)) with ε ~ N(0, 1) and G ~ Gamma(ν/2, 1) (so
 * 2G ~ χ²(ν)); the gradient with respect to ν flows through G's implicit reparameterisation
 * (see `Gamma`).
 *
 * The cdf is ½ I_{ν/(ν+z²)}(ν/2, ½) from the nearer tail, summed directly in the tails (relative
 * accuracy there) and through 1 − I_{z²/(ν+z²)}(½, ν/2) near the centre, so no argument rounds
 * to 1 in float32. The inverse cdf takes 6 Newton steps in u = log|t| on
 * log F(−eᵘ) = log min(p, 1 − p), starting from the normal quantile; quantiles beyond the float32
 * range (ν ≪ 1, p far in a tail) are ±∞. Both are accurate to about 1e−5 relative for ν up to a
 * few hundred (`betainc`'s range; about (ν/2)·1e−7 beyond) and differentiable in x (or p), μ and
 * σ, not in ν (that gradient is NaN, as for `betainc`).
 *
 * ```ts
 * const d = new StudentT({ df: [1, 5], loc: 0, scale: 2 });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));                 // [100, 2], differentiable
 * ```
 */
export class StudentT extends BaseDistribution {
  static {
    brand(StudentT, '@gen/distributions/StudentT');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly df: tf.Tensor;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: StudentTParams) {
    checkParamsObject('StudentT', params, ['df', 'loc', 'scale']);
    const { df, loc, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'StudentT',
      { df, loc, scale },
      { df: 'positive', loc: 'real', scale: 'positive' },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.df = p.params.df!;
    this.loc = p.params.loc!;
    this.scale = p.params.scale!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const shape = this.sampleShape(n);
    const halfDf = tf.broadcastTo(tf.mul(0.5, this.df), shape);
    const g = standardGamma(halfDf, rng);
    const t = tf.mul(rng.normal(shape), tf.rsqrt(tf.div(g, halfDf)));
    return tf.add(this.loc, tf.mul(this.scale, t));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), this.scale);
    return tf.sub(standardLogPdf(z, this.df), tf.log(this.scale));
  }

  protected _entropy(): tf.Tensor {
    const df = this.df;
    const halfDf = tf.mul(0.5, df);
    const half = tf.add(halfDf, 0.5);
    const lbeta = tf.sub(tf.add(lgamma(halfDf), HALF_LOG_PI), lgamma(half));
    const digammas = tf.mul(half, tf.sub(digamma(half), digamma(halfDf)));
    return tf.add(tf.add(digammas, tf.mul(0.5, tf.log(df))), tf.add(lbeta, tf.log(this.scale)));
  }

  protected _mean(): tf.Tensor {
    return tf.where(tf.greater(this.df, 1), this.loc, tf.scalar(Number.NaN));
  }

  protected _variance(): tf.Tensor {
    const df = this.df;
    const finite = tf.greater(df, 2);
    // A safe denominator on the side the `where` drops, so no NaN gradient flows through it.
    const ratio = tf.div(df, tf.where(finite, tf.sub(df, 2), tf.onesLike(df)));
    const undefinedOrInfinite = tf.where(
      tf.greater(df, 1),
      tf.scalar(Number.POSITIVE_INFINITY),
      tf.scalar(Number.NaN),
    );
    return tf.where(finite, tf.mul(tf.square(this.scale), ratio), undefinedOrInfinite);
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return standardCdf(tf.div(tf.sub(x, this.loc), this.scale), this.df);
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    const df = this.df;
    // Solve F(−s) = q for s ≥ 0 in the lower half, q = min(p, 1 − p) (1 − p is exact for p ≥ ½).
    const q = tf.minimum(p, tf.sub(1, p));
    const inside = tf.logicalAnd(tf.greater(q, 0), tf.less(q, 0.5));
    const qs = tf.where(inside, q, tf.scalar(0.25));
    const logQ = tf.log(qs);
    // Newton's method on g(u) = log F(−eᵘ) − log q, u = log s, which is decreasing and concave
    // in u (its slope −s p(s)/F(−s) runs from 0 at the centre to −ν in the tails); the tangent
    // lies above g, so from the normal quantile (|Φ⁻¹(q)| ≤ s) the first step overshoots and the
    // rest approach the root monotonically from beyond, with no bracketing needed.
    let u = tf.log(tf.neg(ndtri(qs)));
    for (let k = 0; k < NEWTON_STEPS; k++) {
      const { logT, slope } = logLowerTail(u, df);
      u = tf.minimum(tf.sub(u, tf.div(tf.sub(logT, logQ), slope)), LOG_MAX);
    }
    // Quantiles beyond the float32 range (ν ≪ 1 far in the tail) are ±∞.
    const magnitude = tf.where(
      tf.greaterEqual(u, LOG_MAX),
      tf.scalar(Number.POSITIVE_INFINITY),
      tf.exp(u),
    );
    let t = tf.where(tf.greater(p, 0.5), magnitude, tf.neg(magnitude));
    t = tf.where(tf.equal(q, 0.5), tf.scalar(0), t);
    t = tf.where(tf.equal(p, 0), tf.scalar(Number.NEGATIVE_INFINITY), t);
    t = tf.where(tf.equal(p, 1), tf.scalar(Number.POSITIVE_INFINITY), t);
    return tf.add(this.loc, tf.mul(this.scale, t));
  }
}
