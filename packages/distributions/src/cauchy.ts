import { brand, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';

const LOG_PI = Math.log(Math.PI);
/** Beyond this |t|, log(1 + t²) = 2 log |t| to float32 precision (the rest is < 1e-8). */
const LARGE = 1e4;

/**
 * log(1 + t²), elementwise, without overflow of t² in float32 (|t| ≳ 1.8e19 in a heavy tail):
 * 2 log |t| once |t| > 1e4. Each branch sees a clamped input, so neither sends a NaN gradient
 * through the unselected side of the `where`.
 */
export function log1pSquare(t: tf.Tensor): tf.Tensor {
  const small = tf.log1p(tf.square(tf.clipByValue(t, -LARGE, LARGE)));
  const large = tf.mul(2, tf.log(tf.maximum(tf.abs(t), LARGE)));
  return tf.where(tf.greater(tf.abs(t), LARGE), large, small);
}

export interface CauchyParams extends DistributionOptions {
  /** Location (the median and mode) x₀. */
  loc: ParamLike;
  /** Scale γ > 0 (the half-width at half-maximum). */
  scale: ParamLike;
}

/**
 * Cauchy(x₀, γ), elementwise over a batch (scipy's `cauchy(loc, scale)`).
 *
 * log p(x) = −log π − log γ − log(1 + ((x − x₀)/γ)²); entropy log 4πγ; cdf
 * ½ + atan((x − x₀)/γ)/π, inverse cdf x₀ + γ tan(π(p − ½)). The mean is undefined (NaN) and
 * the variance infinite, as in torch. Reparameterised draws by the inverse cdf,
 * x = x₀ + γ tan(π(U − ½)).
 *
 * ```ts
 * const d = new Cauchy({ loc: [0, 1], scale: 2 });   // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));          // [100, 2], differentiable
 * ```
 */
export class Cauchy extends BaseDistribution {
  static {
    brand(Cauchy, '@gen/distributions/Cauchy');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(params: CauchyParams) {
    checkParamsObject('Cauchy', params, ['loc', 'scale']);
    const { loc, scale, ...options } = params;
    const p = BaseDistribution.prepare(
      'Cauchy',
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
    const u = rng.uniform(this.sampleShape(n));
    return tf.add(this.loc, tf.mul(this.scale, tf.tan(tf.mul(Math.PI, tf.sub(u, 0.5)))));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), this.scale);
    return tf.neg(tf.add(tf.add(log1pSquare(z), tf.log(this.scale)), LOG_PI));
  }

  protected _entropy(): tf.Tensor {
    return tf.add(tf.log(this.scale), Math.log(4 * Math.PI));
  }

  protected _mean(): tf.Tensor {
    return tf.fill([...this.batchShape], Number.NaN);
  }

  protected _variance(): tf.Tensor {
    return tf.fill([...this.batchShape], Number.POSITIVE_INFINITY);
  }

  protected override _mode(): tf.Tensor {
    return tf.clone(this.loc);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), this.scale);
    return tf.add(0.5, tf.div(tf.atan(z), Math.PI));
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    // tan(π(p − ½)) in float32 has the wrong sign at p = 1 (π/2 rounds up): ±∞ at the ends.
    const x = tf.add(this.loc, tf.mul(this.scale, tf.tan(tf.mul(Math.PI, tf.sub(p, 0.5)))));
    const end = tf.where(tf.less(p, 0.5), tf.scalar(-Infinity), tf.scalar(Infinity));
    return tf.where(tf.logicalOr(tf.equal(p, 0), tf.equal(p, 1)), end, x);
  }
}
