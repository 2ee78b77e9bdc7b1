import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';

const EULER_GAMMA = 0.5772156649015329;
/** Smallest normal float32 and the largest float32 below 1: the open interval of U. */
const TINY = 1.1754943508222875e-38;
const ONE_MINUS_EPS = 1 - 2 ** -24;

export interface GumbelParams extends DistributionOptions {
  /** Location μ (the mode). */
  loc: ParamLike;
  /** Scale β > 0. */
  scale: ParamLike;
}

/**
 * Gumbel(μ, β), the type-I extreme value distribution of maxima, elementwise over a batch
 * (scipy's `gumbel_r(loc, scale)`).
 *
 * With z = (x − μ)/β: log p(x) = −z − e⁻ᶻ − log β; cdf exp(−e⁻ᶻ), inverse cdf
 * μ − β log(−log p); mean μ + βγ (γ: Euler's constant), variance π²β²/6, entropy
 * log β + γ + 1, mode μ. Reparameterised draws by the inverse cdf, x = μ − β log(−log U), with
 * U kept inside (0, 1) so that every draw is finite. More than about 88 scales below μ, e⁻ᶻ
 * overflows float32 and `logProb` is −∞ (the true value is below −1e38 there).
 *
 * ```ts
 * const d = new Gumbel({ loc: [0, 1], scale: 2 });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));         // [100, 2], differentiable
 * ```
 */
export class Gumbel extends BaseDistribution {
  static {
    brand(Gumbel, '@gen/distributions/Gumbel');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: GumbelParams) {
    checkParamsObject('Gumbel', params, ['loc', 'scale']);
    const { loc, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'Gumbel',
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
    return tf.sub(this.loc, tf.mul(this.scale, tf.log(tf.neg(tf.log(u)))));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), this.scale);
    return tf.neg(tf.add(tf.add(z, tf.exp(tf.neg(z))), tf.log(this.scale)));
  }

  protected _entropy(): tf.Tensor {
    return tf.add(tf.log(this.scale), EULER_GAMMA + 1);
  }

  protected _mean(): tf.Tensor {
    return tf.add(this.loc, tf.mul(EULER_GAMMA, this.scale));
  }

  protected _variance(): tf.Tensor {
    return tf.mul((Math.PI * Math.PI) / 6, tf.square(this.scale));
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), this.scale);
    return tf.exp(tf.neg(tf.exp(tf.neg(z))));
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    // p = 0 gives −∞ and p = 1 gives +∞ through log(0) = −∞.
    return tf.sub(this.loc, tf.mul(this.scale, tf.log(tf.neg(tf.log(p)))));
  }
}
