import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { ndtri } from './special.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export interface NormalParams extends DistributionOptions {
  loc: ParamLike;
  scale: ParamLike;
}

/**
 * Normal N(loc, scale²), elementwise over a batch (a diagonal Gaussian: wrap it in
 * `Independent` to treat the last axes as one event).
 *
 * log p(x) = −(x − μ)²/(2σ²) − log σ − ½ log 2π; entropy ½ + ½ log 2π + log σ.
 *
 * ```ts
 * const d = new Normal({ loc: [0, 1], scale: 2 });   // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));           // [100, 2], differentiable
 * ```
 */
export class Normal extends BaseDistribution {
  static {
    brand(Normal, '@gen/distributions/Normal');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: NormalParams) {
    checkParamsObject('Normal', params, ['loc', 'scale']);
    const { loc, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'Normal',
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
    return tf.add(this.loc, tf.mul(this.scale, eps));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), this.scale);
    return tf.sub(tf.sub(tf.mul(-0.5, tf.square(z)), tf.log(this.scale)), HALF_LOG_2PI);
  }

  protected _entropy(): tf.Tensor {
    return tf.add(tf.log(this.scale), 0.5 + HALF_LOG_2PI);
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected _variance(): tf.Tensor {
    return tf.square(this.scale);
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }

  /** Φ((x − μ)/σ) = ½(1 + erf((x − μ)/(σ√2))). */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), tf.mul(this.scale, Math.SQRT2));
    return tf.mul(0.5, tf.add(1, tf.erf(z)));
  }

  /** μ + σ Φ⁻¹(p), by {@link ndtri}. */
  protected override _icdf(p: tf.Tensor): tf.Tensor {
    return tf.add(this.loc, tf.mul(this.scale, ndtri(p)));
  }
}
