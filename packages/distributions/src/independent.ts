import {
  assertDistribution,
  assertInteger,
  brand,
  type Distribution,
  hasBrand,
  NotImplementedError,
  type Rng,
} from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { disposePart, expandPart, sumRightmost } from './composite-utils.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkOptionsObject } from './options.js';

const INDEPENDENT = '@gen/distributions/Independent';

/**
 * Reinterprets the last `reinterpretedBatchRank` batch axes of `base` as event axes, so that
 * a batch of independent scalars becomes one multivariate event (torch/TFP `Independent`).
 * batchShape = base.batchShape without those axes; eventShape = those axes + base.eventShape.
 *
 * log p(x) = Σ over the reinterpreted axes of base.logProb(x); entropy likewise sums;
 * mean, variance and samples are the base's. `rsample` exactly when the base has it;
 * `params` are the base's. Takes ownership of `base`: `dispose()` disposes it.
 *
 * ```ts
 * // A diagonal Gaussian over R³ with batch [2]: batchShape [2], eventShape [3].
 * const d = new Independent(new Normal({ loc: tf.zeros([2, 3]), scale: 1 }), 1);
 * d.logProb(tf.zeros([2, 3]));                       // [2], each −3·½ log 2π
 * ```
 */
export class Independent extends BaseDistribution {
  static {
    brand(Independent, INDEPENDENT);
  }

  readonly hasRsample: boolean;
  readonly support = 'real' as const;
  readonly base: Distribution;
  readonly reinterpretedBatchRank: number;

  constructor(
    base: Distribution,
    reinterpretedBatchRank: number,
    options: DistributionOptions = {},
  ) {
    assertDistribution('Independent', 'base', base);
    checkOptionsObject('Independent', options);
    const rank = base.batchShape.length;
    assertInteger('Independent', 'reinterpretedBatchRank', reinterpretedBatchRank, 0, rank);
    const split = rank - reinterpretedBatchRank;
    super(
      { ...base.params },
      base.batchShape.slice(0, split),
      [...base.batchShape.slice(split), ...base.eventShape],
      options,
    );
    this.base = base;
    this.reinterpretedBatchRank = reinterpretedBatchRank;
    this.hasRsample = base.hasRsample;
  }

  override dispose(): void {
    disposePart(this.base);
    super.dispose();
  }

  /** The base expanded to `[...batchShape, ...reinterpreted axes]`, wrapped again. */
  protected override _expand(batchShape: number[]): BaseDistribution {
    const rank = this.base.batchShape.length;
    const inner = [
      ...batchShape,
      ...this.base.batchShape.slice(rank - this.reinterpretedBatchRank),
    ];
    const base = expandPart(`${this.name}.expand`, 'base', this.base, inner);
    try {
      return new Independent(base, this.reinterpretedBatchRank, { validateArgs: false });
    } catch (error) {
      disposePart(base);
      throw error;
    }
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    return this.base.sample(n, rng);
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    return this.base.rsample(n, rng);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return sumRightmost(this.base.logProb(x), this.reinterpretedBatchRank);
  }

  protected _entropy(): tf.Tensor {
    return sumRightmost(this.base.entropy(), this.reinterpretedBatchRank);
  }

  protected _mean(): tf.Tensor {
    return this.base.mean();
  }

  protected _variance(): tf.Tensor {
    return this.base.variance();
  }

  /** The base's mode (the mode of independent coordinates is the vector of their modes). */
  protected override _mode(): tf.Tensor {
    return this.baseMethod('mode')();
  }

  /** Only with reinterpretedBatchRank 0 (a scalar event): the base's cdf. */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    return this.baseMethod('cdf')(x);
  }

  /** Only with reinterpretedBatchRank 0 (a scalar event): the base's icdf. */
  protected override _icdf(p: tf.Tensor): tf.Tensor {
    return this.baseMethod('icdf')(p);
  }

  /** A method the base may have beyond the Distribution interface, or NotImplementedError. */
  private baseMethod(name: 'mode' | 'cdf' | 'icdf'): (...args: tf.Tensor[]) => tf.Tensor {
    const method = (this.base as unknown as Record<string, unknown>)[name];
    if (typeof method !== 'function') {
      throw new NotImplementedError(`${this.name}.${name}: the base distribution has no ${name}()`);
    }
    return (...args: tf.Tensor[]) => method.apply(this.base, args) as tf.Tensor;
  }
}

/**
 * Whether `x` is an {@link Independent} from any installed copy of @gen/distributions (a brand
 * check: code that peels `Independent` wrappers, such as the measure-valued estimator, must see
 * through one built by a second copy, where `instanceof Independent` would miss it).
 */
export function isIndependent(x: unknown): x is Independent {
  return hasBrand(x, INDEPENDENT);
}
