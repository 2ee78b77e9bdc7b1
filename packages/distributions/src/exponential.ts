import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { accurateLog1p } from './special.js';

export interface ExponentialParams extends DistributionOptions {
  /** Rate λ > 0 (mean 1/λ). */
  rate: ParamLike;
}

/**
 * Exponential(λ) on x ≥ 0, elementwise over a batch.
 *
 * log p(x) = log λ − λx; mean 1/λ, variance 1/λ², entropy 1 − log λ. Reparameterised draws by
 * the inverse CDF, x = −log(1 − U)/λ = −log1p(−U)/λ with U ∈ [0, 1).
 *
 * ```ts
 * const d = new Exponential({ rate: [0.5, 2] });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));      // [100, 2], differentiable
 * ```
 */
export class Exponential extends BaseDistribution {
  static {
    brand(Exponential, '@gen/distributions/Exponential');
  }

  readonly hasRsample = true;
  readonly support = 'nonNegative' as const;
  readonly rate: tf.Tensor;

  constructor(params: ExponentialParams) {
    checkParamsObject('Exponential', params, ['rate']);
    const { rate, ...options } = params;
    const p = BaseDistribution.prepare('Exponential', { rate }, { rate: 'positive' }, options);
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.rate = p.params.rate!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const u = rng.uniform(this.sampleShape(n));
    return tf.div(tf.neg(tf.log1p(tf.neg(u))), this.rate);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return tf.sub(tf.log(this.rate), tf.mul(this.rate, x));
  }

  protected _entropy(): tf.Tensor {
    return tf.sub(1, tf.log(this.rate));
  }

  protected _mean(): tf.Tensor {
    return tf.reciprocal(this.rate);
  }

  protected _variance(): tf.Tensor {
    return tf.reciprocal(tf.square(this.rate));
  }

  protected override _mode(): tf.Tensor {
    return tf.zeros(this.batchShape as number[]);
  }

  /** 1 − e^(−λx) = −expm1(−λx) for x ≥ 0, 0 below. */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return tf.neg(tf.expm1(tf.neg(tf.mul(this.rate, tf.relu(x)))));
  }

  /** −log1p(−p)/λ. */
  protected override _icdf(p: tf.Tensor): tf.Tensor {
    return tf.div(tf.neg(accurateLog1p(tf.neg(p))), this.rate);
  }
}
