import { brand, lgamma, type Rng, xlogy } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { accurateLog1p } from './special.js';

const EULER_GAMMA = 0.5772156649015329;

export interface WeibullParams extends DistributionOptions {
  /** Shape k > 0. */
  shape: ParamLike;
  /** Scale λ > 0. */
  scale: ParamLike;
}

/**
 * Weibull(k, λ) on x ≥ 0, elementwise over a batch (scipy's `weibull_min(c=k, scale=λ)`).
 *
 * log p(x) = log k − log λ + (k − 1) log(x/λ) − (x/λ)ᵏ; mean λ Γ(1 + 1/k), variance
 * λ² [Γ(1 + 2/k) − Γ(1 + 1/k)²], entropy γ (1 − 1/k) + log(λ/k) + 1 (γ: Euler's constant).
 * Reparameterised draws by the inverse CDF, x = λ (−log1p(−U))^(1/k).
 *
 * ```ts
 * const d = new Weibull({ shape: [0.5, 2], scale: 1 });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));             // [100, 2], differentiable
 * ```
 */
export class Weibull extends BaseDistribution {
  static {
    brand(Weibull, '@gen/distributions/Weibull');
  }

  readonly hasRsample = true;
  readonly support = 'nonNegative' as const;
  /** Shape k (named like the constructor parameter; the tensor shape is `batchShape`). */
  readonly shape: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: WeibullParams) {
    checkParamsObject('Weibull', params, ['shape', 'scale']);
    const { shape, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'Weibull',
      { shape, scale },
      { shape: 'positive', scale: 'positive' },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.shape = p.params.shape!;
    this.scale = p.params.scale!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const e = tf.neg(tf.log1p(tf.neg(rng.uniform(this.sampleShape(n)))));
    return tf.mul(this.scale, tf.pow(e, tf.reciprocal(this.shape)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const k = this.shape;
    const z = tf.div(x, this.scale);
    const logNorm = tf.sub(tf.log(k), tf.log(this.scale));
    return tf.add(logNorm, tf.sub(xlogy(tf.sub(k, 1), z), tf.pow(z, k)));
  }

  protected _entropy(): tf.Tensor {
    const k = this.shape;
    const gammaTerm = tf.mul(EULER_GAMMA, tf.sub(1, tf.reciprocal(k)));
    return tf.add(tf.add(gammaTerm, tf.log(tf.div(this.scale, k))), 1);
  }

  protected _mean(): tf.Tensor {
    return tf.mul(this.scale, tf.exp(lgamma(tf.add(1, tf.reciprocal(this.shape)))));
  }

  protected _variance(): tf.Tensor {
    const inv = tf.reciprocal(this.shape);
    const first = tf.exp(lgamma(tf.add(1, inv)));
    const second = tf.exp(lgamma(tf.add(1, tf.mul(2, inv))));
    return tf.mul(tf.square(this.scale), tf.sub(second, tf.square(first)));
  }

  /**
   * λ((k − 1)/k)^(1/k) for k > 1; 0 for k ≤ 1, where the density is largest (or unbounded) at 0
   * (torch gives NaN for k < 1).
   */
  protected override _mode(): tf.Tensor {
    const k = this.shape;
    const peaked = tf.greater(k, 1);
    const base = tf.where(peaked, tf.div(tf.sub(k, 1), k), tf.onesLike(k));
    const mode = tf.mul(this.scale, tf.pow(base, tf.reciprocal(k)));
    return tf.where(peaked, mode, tf.zerosLike(mode));
  }

  /** 1 − exp(−(x/λ)^k) = −expm1(−(x/λ)^k) for x ≥ 0, 0 below. */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const z = tf.pow(tf.div(tf.relu(x), this.scale), this.shape);
    return tf.neg(tf.expm1(tf.neg(z)));
  }

  /** λ(−log1p(−p))^(1/k). */
  protected override _icdf(p: tf.Tensor): tf.Tensor {
    const e = tf.neg(accurateLog1p(tf.neg(p)));
    return tf.mul(this.scale, tf.pow(e, tf.reciprocal(this.shape)));
  }
}
