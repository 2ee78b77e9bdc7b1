import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { log1pSquare } from './cauchy.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';

const LOG_HALF_PI = Math.log(Math.PI / 2);

export interface HalfCauchyParams extends DistributionOptions {
  /** Scale γ > 0 (the median). */
  scale: ParamLike;
}

/**
 * HalfCauchy(γ): |X| for X ~ Cauchy(0, γ), on x ≥ 0, elementwise over a batch (scipy's
 * `halfcauchy(scale=γ)`).
 *
 * log p(x) = log 2 − log π − log γ − log(1 + (x/γ)²); entropy log 2πγ; cdf (2/π) atan(x/γ),
 * inverse cdf γ tan(πp/2); mode 0. Mean and variance are infinite, as in torch.
 * Reparameterised draws x = γ |tan(π(U − ½))| (the absolute value of a Cauchy draw, which stays
 * clear of the float32 rounding of π/2 that an inverse-cdf draw γ tan(πU/2) would meet).
 *
 * ```ts
 * const d = new HalfCauchy({ scale: [0.5, 2] });   // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));        // [100, 2], differentiable
 * ```
 */
export class HalfCauchy extends BaseDistribution {
  static {
    brand(HalfCauchy, '@gen/distributions/HalfCauchy');
  }

  readonly hasRsample = true;
  readonly support = 'nonNegative' as const;
  readonly scale: tf.Tensor;

  constructor(params: HalfCauchyParams) {
    checkParamsObject('HalfCauchy', params, ['scale']);
    const { scale, ...options } = params;
    const p = BaseDistribution.prepare('HalfCauchy', { scale }, { scale: 'positive' }, options);
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.scale = p.params.scale!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const u = rng.uniform(this.sampleShape(n));
    return tf.mul(this.scale, tf.abs(tf.tan(tf.mul(Math.PI, tf.sub(u, 0.5)))));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(x, this.scale);
    return tf.neg(tf.add(tf.add(log1pSquare(z), tf.log(this.scale)), LOG_HALF_PI));
  }

  protected _entropy(): tf.Tensor {
    return tf.add(tf.log(this.scale), Math.log(2 * Math.PI));
  }

  protected _mean(): tf.Tensor {
    return tf.fill([...this.batchShape], Number.POSITIVE_INFINITY);
  }

  protected _variance(): tf.Tensor {
    return tf.fill([...this.batchShape], Number.POSITIVE_INFINITY);
  }

  protected override _mode(): tf.Tensor {
    return tf.zerosLike(this.scale);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    // x < 0 lies outside the support: probability 0 there (only reachable with validation off
    // or through cdf, which accepts any non-NaN x).
    const c = tf.mul(2 / Math.PI, tf.atan(tf.div(x, this.scale)));
    return tf.maximum(c, 0);
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    // tan(πp/2) in float32 turns negative at p = 1 (π/2 rounds up): +∞ there.
    const x = tf.mul(this.scale, tf.tan(tf.mul(Math.PI / 2, p)));
    return tf.where(tf.equal(p, 1), tf.scalar(Infinity), x);
  }
}
