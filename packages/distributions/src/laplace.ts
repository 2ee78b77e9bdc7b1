import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { accurateLog1p } from './special.js';

export interface LaplaceParams extends DistributionOptions {
  loc: ParamLike;
  /** Scale b > 0. */
  scale: ParamLike;
}

/**
 * Laplace(μ, b), elementwise over a batch.
 *
 * log p(x) = −|x − μ|/b − log 2b; mean μ, variance 2b², entropy 1 + log 2b. Reparameterised
 * draws x = μ + b·s·E with E = −log1p(−U) ~ Exponential(1) and an independent random sign s.
 *
 * ```ts
 * const d = new Laplace({ loc: [0, 1], scale: 0.5 });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));           // [100, 2], differentiable
 * ```
 */
export class Laplace extends BaseDistribution {
  static {
    brand(Laplace, '@gen/distributions/Laplace');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: LaplaceParams) {
    checkParamsObject('Laplace', params, ['loc', 'scale']);
    const { loc, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'Laplace',
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
    const shape = this.sampleShape(n);
    const magnitude = tf.neg(tf.log1p(tf.neg(rng.uniform(shape))));
    const sign = tf.where(tf.less(rng.uniform(shape), 0.5), tf.fill(shape, -1), tf.ones(shape));
    return tf.add(this.loc, tf.mul(this.scale, tf.mul(sign, magnitude)));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.abs(tf.sub(x, this.loc)), this.scale);
    return tf.neg(tf.add(z, tf.log(tf.mul(2, this.scale))));
  }

  protected _entropy(): tf.Tensor {
    return tf.add(1, tf.log(tf.mul(2, this.scale)));
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected _variance(): tf.Tensor {
    return tf.mul(2, tf.square(this.scale));
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }

  /** ½ − ½ sign(x − μ) expm1(−|x − μ|/b). */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const d = tf.sub(x, this.loc);
    const tail = tf.expm1(tf.neg(tf.div(tf.abs(d), this.scale)));
    return tf.sub(0.5, tf.mul(0.5, tf.mul(tf.sign(d), tail)));
  }

  /** μ − b sign(p − ½) log1p(−2|p − ½|). */
  protected override _icdf(p: tf.Tensor): tf.Tensor {
    const t = tf.sub(p, 0.5);
    const magnitude = accurateLog1p(tf.mul(-2, tf.abs(t)));
    return tf.sub(this.loc, tf.mul(this.scale, tf.mul(tf.sign(t), magnitude)));
  }
}
