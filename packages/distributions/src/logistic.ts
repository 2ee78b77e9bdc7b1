import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';

/** Smallest normal float32 and the largest float32 below 1: the open interval of U. */
const TINY = 1.1754943508222875e-38;
const ONE_MINUS_EPS = 1 - 2 ** -24;

export interface LogisticParams extends DistributionOptions {
  /** Location μ (the mean, median and mode). */
  loc: ParamLike;
  /** Scale s > 0. */
  scale: ParamLike;
}

/**
 * Logistic(μ, s), elementwise over a batch (TFP's `Logistic(loc, scale)`, scipy's
 * `logistic(loc, scale)`; torch has no class of its own).
 *
 * With z = (x − μ)/s: log p(x) = −|z| − 2 log(1 + e^−|z|) − log s; cdf σ(z), inverse cdf
 * μ + s logit(p); mean and mode μ, variance π²s²/3, entropy log s + 2. Reparameterised draws
 * by the inverse cdf, x = μ + s (log U − log(1 − U)), with U kept inside (0, 1).
 *
 * ```ts
 * const d = new Logistic({ loc: [0, 1], scale: 2 });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));           // [100, 2], differentiable
 * ```
 */
export class Logistic extends BaseDistribution {
  static {
    brand(Logistic, '@gen/distributions/Logistic');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: LogisticParams) {
    checkParamsObject('Logistic', params, ['loc', 'scale']);
    const { loc, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'Logistic',
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
    const u = tf.clipByValue(rng.uniform(this.sampleShape(n)), TINY, ONE_MINUS_EPS);
    return tf.add(this.loc, tf.mul(this.scale, logit(u)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    // Symmetric in z: −|z| − 2 log1p(e^−|z|) never overflows.
    const a = tf.abs(tf.div(tf.sub(x, this.loc), this.scale));
    const tail = tf.mul(2, tf.log1p(tf.exp(tf.neg(a))));
    return tf.neg(tf.add(tf.add(a, tail), tf.log(this.scale)));
  }

  protected _entropy(): tf.Tensor {
    return tf.add(tf.log(this.scale), 2);
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected _variance(): tf.Tensor {
    return tf.mul((Math.PI * Math.PI) / 3, tf.square(this.scale));
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(tf.div(tf.sub(x, this.loc), this.scale));
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    // p = 0 gives −∞ and p = 1 gives +∞.
    return tf.add(this.loc, tf.mul(this.scale, logit(p)));
  }
}

/** log p − log(1 − p), ±∞ at p = 0 and 1. */
function logit(p: tf.Tensor): tf.Tensor {
  return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
}
