import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { ndtri } from './special.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export interface LogNormalParams extends DistributionOptions {
  /** Mean μ of log x. */
  loc: ParamLike;
  /** Standard deviation σ > 0 of log x. */
  scale: ParamLike;
}

/**
 * LogNormal(μ, σ): exp(Y) for Y ~ N(μ, σ²), on x > 0, elementwise over a batch (scipy's
 * `lognorm(s=σ, scale=exp(μ))`).
 *
 * log p(x) = −log x − log σ − ½ log 2π − (log x − μ)²/(2σ²); mean exp(μ + σ²/2), variance
 * (exp(σ²) − 1) exp(2μ + σ²), mode exp(μ − σ²), entropy μ + ½ + ½ log 2π + log σ;
 * cdf ½ (1 + erf((log x − μ)/(σ√2))), inverse cdf exp(μ + σ Φ⁻¹(p)). Reparameterised draws
 * x = exp(μ + σε).
 *
 * ```ts
 * const d = new LogNormal({ loc: [0, 1], scale: 0.5 });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));             // [100, 2], differentiable
 * ```
 */
export class LogNormal extends BaseDistribution {
  static {
    brand(LogNormal, '@gen/distributions/LogNormal');
  }

  readonly hasRsample = true;
  readonly support = 'positive' as const;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: LogNormalParams) {
    checkParamsObject('LogNormal', params, ['loc', 'scale']);
    const { loc, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'LogNormal',
      { loc, scale },
      { loc: 'real', scale: 'positive' },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.loc = p.params.loc!;
    this.scale = p.params.scale!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const eps = rng.normal(this.sampleShape(n));
    return tf.exp(tf.add(this.loc, tf.mul(this.scale, eps)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const logX = tf.log(x);
    const z = tf.div(tf.sub(logX, this.loc), this.scale);
    const normal = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(this.scale), HALF_LOG_2PI));
    return tf.sub(normal, logX);
  }

  protected _entropy(): tf.Tensor {
    return tf.add(tf.add(this.loc, tf.log(this.scale)), 0.5 + HALF_LOG_2PI);
  }

  protected _mean(): tf.Tensor {
    return tf.exp(tf.add(this.loc, tf.mul(0.5, tf.square(this.scale))));
  }

  protected _variance(): tf.Tensor {
    const s2 = tf.square(this.scale);
    return tf.mul(tf.expm1(s2), tf.exp(tf.add(tf.mul(2, this.loc), s2)));
  }

  protected override _mode(): tf.Tensor {
    return tf.exp(tf.sub(this.loc, tf.square(this.scale)));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    // log 0 = −∞ gives erf(−∞) = −1, so 0 at and below 0 (cdf accepts any non-NaN x).
    const z = tf.div(tf.sub(tf.log(tf.maximum(x, 0)), this.loc), tf.mul(this.scale, Math.SQRT2));
    return tf.mul(0.5, tf.add(1, tf.erf(z)));
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    return tf.exp(tf.add(this.loc, tf.mul(this.scale, ndtri(p))));
  }
}
