import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { ndtri } from './special.js';

const HALF_LOG_HALF_PI = 0.5 * Math.log(Math.PI / 2);
/** Below this p the inverse cdf uses erf⁻¹'s series (1 − p would lose p's digits). */
const SERIES_BELOW = 1e-3;

export interface HalfNormalParams extends DistributionOptions {
  /** Scale σ > 0 (the standard deviation of the Normal folded at 0). */
  scale: ParamLike;
}

/**
 * HalfNormal(σ): |X| for X ~ N(0, σ²), on x ≥ 0, elementwise over a batch (scipy's
 * `halfnorm(scale=σ)`).
 *
 * log p(x) = ½ log(2/π) − log σ − x²/(2σ²); mean σ √(2/π), variance σ² (1 − 2/π),
 * entropy ½ log(πσ²/2) + ½, mode 0; cdf erf(x/(σ√2)), inverse cdf σ√2 erf⁻¹(p), computed as
 * −σ Φ⁻¹((1 − p)/2) (exact in float32 up to p → 1) and below p = 10⁻³ by the series
 * σ√2 · (√π/2)(p + πp³/12), where 1 − p would round. Reparameterised draws x = σ |ε| with
 * ε ~ N(0, 1).
 *
 * ```ts
 * const d = new HalfNormal({ scale: [0.5, 2] });   // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));        // [100, 2], differentiable
 * ```
 */
export class HalfNormal extends BaseDistribution {
  static {
    brand(HalfNormal, '@gen/distributions/HalfNormal');
  }

  readonly hasRsample = true;
  readonly support = 'nonNegative' as const;
  readonly scale: tf.Tensor;

  constructor(params: HalfNormalParams) {
    checkParamsObject('HalfNormal', params, ['scale']);
    const { scale, ...options } = params;
    const p = BaseDistribution.prepare('HalfNormal', { scale }, { scale: 'positive' }, options);
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.scale = p.params.scale!;
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    return tf.mul(this.scale, tf.abs(rng.normal(this.sampleShape(n))));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(x, this.scale);
    return tf.sub(tf.sub(tf.mul(-0.5, tf.square(z)), tf.log(this.scale)), HALF_LOG_HALF_PI);
  }

  protected _entropy(): tf.Tensor {
    return tf.add(tf.log(this.scale), HALF_LOG_HALF_PI + 0.5);
  }

  protected _mean(): tf.Tensor {
    return tf.mul(this.scale, Math.sqrt(2 / Math.PI));
  }

  protected _variance(): tf.Tensor {
    return tf.mul(tf.square(this.scale), 1 - 2 / Math.PI);
  }

  protected override _mode(): tf.Tensor {
    return tf.zerosLike(this.scale);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    // 0 below the support (cdf accepts any non-NaN x).
    return tf.erf(tf.div(tf.maximum(x, 0), tf.mul(this.scale, Math.SQRT2)));
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    const small = tf.less(p, SERIES_BELOW);
    const direct = tf.neg(ndtri(tf.mul(0.5, tf.sub(1, tf.where(small, tf.scalar(0.5), p)))));
    // erf⁻¹(p) = (√π/2)(p + πp³/12 + O(p⁵)); the p⁵ term is below 2e−13 relative here.
    const ps = tf.where(small, p, tf.zerosLike(p));
    const series = tf.mul(
      Math.SQRT2 * (Math.sqrt(Math.PI) / 2),
      tf.add(ps, tf.mul(Math.PI / 12, tf.mul(ps, tf.square(ps)))),
    );
    return tf.mul(this.scale, tf.where(small, series, direct));
  }
}
