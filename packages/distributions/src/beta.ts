import { brand, digamma, lgamma, type Rng, xlogy } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { betainc, betaincinv } from './special.js';
import { standardGamma } from './standard-gamma.js';

export interface BetaParams extends DistributionOptions {
  /** Concentration a > 0 (the exponent of x). */
  a: ParamLike;
  /** Concentration b > 0 (the exponent of 1 − x). */
  b: ParamLike;
}

/**
 * Beta(a, b) on [0, 1], elementwise over a batch.
 *
 * log p(x) = (a − 1) log x + (b − 1) log(1 − x) − log B(a, b), with
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b); mean a/(a + b), variance
 * ab/((a + b)²(a + b + 1)), entropy log B(a, b) − (a − 1)ψ(a) − (b − 1)ψ(b) + (a + b − 2)ψ(a + b).
 *
 * Draws are X/(X + Y) with X ~ Gamma(a, 1), Y ~ Gamma(b, 1); `rsample` differentiates them with
 * the implicit reparameterisation gradients of the two Gamma draws (see {@link Gamma}).
 *
 * ```ts
 * const d = new Beta({ a: [0.5, 2], b: 3 });   // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));   // [100, 2], differentiable
 * ```
 */
export class Beta extends BaseDistribution {
  static {
    brand(Beta, '@gen/distributions/Beta');
  }

  readonly hasRsample = true;
  readonly support = 'unitInterval' as const;
  readonly a: tf.Tensor;
  readonly b: tf.Tensor;

  constructor(params: BetaParams) {
    checkParamsObject('Beta', params, ['a', 'b']);
    const { a, b, ...options } = params;
    const p = BaseDistribution.prepare('Beta', { a, b }, { a: 'positive', b: 'positive' }, options);
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.a = p.params.a!;
    this.b = p.params.b!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const shape = this.sampleShape(n);
    const x = standardGamma(tf.broadcastTo(this.a, shape), rng);
    const y = standardGamma(tf.broadcastTo(this.b, shape), rng);
    return tf.div(x, tf.add(x, y));
  }

  private logBeta(): tf.Tensor {
    return tf.sub(tf.add(lgamma(this.a), lgamma(this.b)), lgamma(tf.add(this.a, this.b)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const kernel = tf.add(xlogy(tf.sub(this.a, 1), x), xlogy(tf.sub(this.b, 1), tf.sub(1, x)));
    return tf.sub(kernel, this.logBeta());
  }

  protected _entropy(): tf.Tensor {
    const { a, b } = this;
    const sum = tf.add(a, b);
    const terms = tf.add(
      tf.neg(tf.add(tf.mul(tf.sub(a, 1), digamma(a)), tf.mul(tf.sub(b, 1), digamma(b)))),
      tf.mul(tf.sub(sum, 2), digamma(sum)),
    );
    return tf.add(this.logBeta(), terms);
  }

  protected _mean(): tf.Tensor {
    return tf.div(this.a, tf.add(this.a, this.b));
  }

  protected _variance(): tf.Tensor {
    const sum = tf.add(this.a, this.b);
    return tf.div(tf.mul(this.a, this.b), tf.mul(tf.square(sum), tf.add(sum, 1)));
  }

  /**
   * (a − 1)/(a + b − 2) for a, b > 1; 0 where the density is largest (or unbounded) at 0
   * (a < 1 ≤ b, or a = 1 < b), 1 at the other end; NaN where there is no unique maximum
   * (a, b < 1: two poles; a = b = 1: uniform).
   */
  protected override _mode(): tf.Tensor {
    const { a, b } = this;
    const interior = tf.logicalAnd(tf.greater(a, 1), tf.greater(b, 1));
    const atZero = tf.logicalOr(tf.less(a, 1), tf.logicalAnd(tf.equal(a, 1), tf.greater(b, 1)));
    const atOne = tf.logicalOr(tf.less(b, 1), tf.logicalAnd(tf.equal(b, 1), tf.greater(a, 1)));
    const denominator = tf.where(interior, tf.sub(tf.add(a, b), 2), tf.onesLike(a));
    const peak = tf.div(tf.sub(a, 1), denominator);
    const shape = peak.shape;
    const nan = tf.fill(shape, Number.NaN);
    const edge = tf.where(
      tf.logicalAnd(atZero, atOne),
      nan,
      tf.where(atZero, tf.zeros(shape), tf.where(atOne, tf.ones(shape), nan)),
    );
    return tf.where(interior, peak, edge);
  }

  /** I_x(a, b), the regularised incomplete beta function ({@link betainc}), x clamped to [0, 1]. */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return betainc(this.a, this.b, tf.clipByValue(x, 0, 1));
  }

  /**
   * The x with I_x(a, b) = p, by {@link betaincinv} (0 at p = 0, 1 at p = 1); differentiable in
   * p only (the gradients in a and b are NaN, as `betainc`'s).
   */
  protected override _icdf(p: tf.Tensor): tf.Tensor {
    return betaincinv(this.a, this.b, p);
  }
}
