import {
  assertDistribution,
  assertInteger,
  brand,
  type Distribution,
  hasBrand,
  type Rng,
} from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { disposePart, sumRightmost } from './composite-utils.js';
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
  protected readonly support = 'real' as const;
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
}

/**
 * Whether `x` is an {@link Independent} from any installed copy of @gen/distributions (a brand
 * check: code that peels `Independent` wrappers, such as the measure-valued estimator, must see
 * through one built by a second copy, where `instanceof Independent` would miss it).
 */
export function isIndependent(x: unknown): x is Independent {
  return hasBrand(x, INDEPENDENT);
}
