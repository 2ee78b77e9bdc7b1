import { brand, InvalidArgumentError, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { float32String } from './float32-string.js';
import { checkParamsObject } from './options.js';
import { type ParamLike, toParam } from './param.js';
import { defaultValidation } from './validation.js';

export interface UniformParams extends DistributionOptions {
  low: ParamLike;
  /** Upper end, > low elementwise. */
  high: ParamLike;
}

/** The first true entry of `mask` (index and the value of `values` broadcast there), if any. */
function firstTrue(mask: tf.Tensor, values: tf.Tensor): { index: number; value: number } {
  const index = (mask.dataSync() as Uint8Array).indexOf(1);
  const value = index < 0 ? Number.NaN : tf.broadcastTo(values, mask.shape).dataSync()[index]!;
  return { index, value };
}

/**
 * Uniform on [low, high], elementwise over a batch.
 *
 * log p(x) = −log(high − low) on [low, high], −∞ outside; mean (low + high)/2, variance
 * (high − low)²/12, entropy log(high − low). With validation on, `logProb` rejects points
 * outside [low, high] instead of returning −∞.
 *
 * ```ts
 * const d = new Uniform({ low: 0, high: [1, 2] });  // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));        // [100, 2], differentiable
 * ```
 */
export class Uniform extends BaseDistribution {
  static {
    brand(Uniform, '@gen/distributions/Uniform');
  }

  readonly hasRsample = true;
  readonly support = 'real' as const;
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;

  constructor(params: UniformParams) {
    checkParamsObject('Uniform', params, ['low', 'high']);
    const { low, high, ...options } = params;
    const p = BaseDistribution.prepare(
      'Uniform',
      { low, high },
      { low: 'real', high: 'real' },
      options,
    );
    if (options.validateArgs ?? defaultValidation()) {
      const { high: h, low: l } = p.params as { high: tf.Tensor; low: tf.Tensor };
      const bad = tf.tidy(() => firstTrue(tf.lessEqual(h, l), h));
      if (bad.index >= 0) {
        const lowValue = l.dataSync()[bad.index];
        tf.dispose(p.owned);
        throw new InvalidArgumentError(
          `Uniform: argument 'high' must be > low, got ${float32String(bad.value)} (low ${float32String(lowValue!)}) at flat index ${bad.index}`,
        );
      }
    }
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.low = p.params.low!;
    this.high = p.params.high!;
  }

  /** Also rejects finite points outside [low, high] when validation is on. */
  override logProb(x: ParamLike): tf.Tensor {
    if (this.validateArgs) {
      const fn = 'Uniform.logProb';
      const { tensor, owned } = toParam(fn, 'x', x);
      try {
        this.checkEventShape(fn, tensor);
        const bad = tf.tidy(() =>
          firstTrue(tf.logicalOr(tf.less(tensor, this.low), tf.greater(tensor, this.high)), tensor),
        );
        if (bad.index >= 0) {
          throw new InvalidArgumentError(
            `${fn}: argument 'x' must be in [low, high], got ${float32String(bad.value)} at flat index ${bad.index}`,
          );
        }
      } finally {
        if (owned) tensor.dispose();
      }
    }
    return super.logProb(x);
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const u = rng.uniform(this.sampleShape(n));
    return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), u));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const width = tf.sub(this.high, this.low);
    const inside = tf.logicalAnd(tf.greaterEqual(x, this.low), tf.lessEqual(x, this.high));
    const value = tf.broadcastTo(tf.neg(tf.log(width)), inside.shape);
    return tf.where(inside, value, tf.fill(inside.shape, Number.NEGATIVE_INFINITY));
  }

  protected _entropy(): tf.Tensor {
    return tf.log(tf.sub(this.high, this.low));
  }

  protected _mean(): tf.Tensor {
    return tf.mul(0.5, tf.add(this.low, this.high));
  }

  protected _variance(): tf.Tensor {
    return tf.div(tf.square(tf.sub(this.high, this.low)), 12);
  }

  /** NaN: every point of [low, high] is a mode (torch's convention). */
  protected override _mode(): tf.Tensor {
    return tf.fill(this.batchShape as number[], Number.NaN);
  }

  /** (x − low)/(high − low), clamped to [0, 1]. */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return tf.clipByValue(tf.div(tf.sub(x, this.low), tf.sub(this.high, this.low)), 0, 1);
  }

  protected override _icdf(p: tf.Tensor): tf.Tensor {
    return tf.add(this.low, tf.mul(p, tf.sub(this.high, this.low)));
  }
}
