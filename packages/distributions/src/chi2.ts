import { brand } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { Gamma } from './gamma.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { igamma } from './special.js';

export interface Chi2Params extends DistributionOptions {
  /** Degrees of freedom ν > 0 (need not be an integer). */
  df: ParamLike;
}

/**
 * Chi-squared χ²(ν) on x ≥ 0, elementwise over a batch (torch's `Chi2(df)`, scipy's
 * `chi2(df)`): a {@link Gamma} with concentration ν/2 and rate ½, and an instance of it, so it
 * inherits Gamma's `logProb`, `entropy`, moments (mean ν, variance 2ν), its KL closed forms, and
 * its reparameterised `rsample` (implicit gradients with respect to ν through the
 * concentration ν/2).
 *
 * log p(x) = (ν/2 − 1) log x − x/2 − (ν/2) log 2 − log Γ(ν/2); mode max(ν − 2, 0); cdf the
 * regularised lower incomplete gamma function P(ν/2, x/2) (`igamma`); icdf its inverse,
 * 2 P⁻¹(ν/2, p) (`igammainv`, inherited from Gamma).
 *
 * `params` holds the Gamma parameters `concentration` (ν/2, computed from `df` and connected to
 * it) and `rate` (½); `df` is the tensor given.
 *
 * ```ts
 * const d = new Chi2({ df: [1, 4.5] });        // batchShape [2]
 * const x = d.rsample(100, Rng.fromSeed(0));  // [100, 2], differentiable in df
 * ```
 */
export class Chi2 extends Gamma {
  static {
    brand(Chi2, '@gen/distributions/Chi2');
  }

  /** Degrees of freedom ν, broadcast to the batch shape. */
  readonly df: tf.Tensor;

  constructor(params: Chi2Params) {
    const { gamma, df, owned } = Chi2.gammaParams(params);
    super(gamma);
    this.own(owned);
    this.df = df;
  }

  /** Validates `{ df }` and builds the Gamma parameters ν/2 and ½ (owned by the instance). */
  private static gammaParams(params: Chi2Params): {
    gamma: ConstructorParameters<typeof Gamma>[0];
    df: tf.Tensor;
    owned: tf.Tensor[];
  } {
    checkParamsObject('Chi2', params, ['df']);
    const { df, ...options } = params;
    const p = BaseDistribution.prepare('Chi2', { df }, { df: 'positive' }, options);
    const dfTensor = p.params.df!;
    const concentration = tf.mul(dfTensor, 0.5);
    const rate = tf.fill(p.batchShape, 0.5);
    return {
      gamma: { concentration, rate, ...options },
      df: dfTensor,
      owned: [...p.owned, concentration, rate],
    };
  }

  /** Rebuilt from `df` (its params hold the Gamma parameters). */
  protected override _expand(
    _batchShape: number[],
    broadcast: (t: tf.Tensor) => tf.Tensor,
  ): BaseDistribution {
    return new Chi2({ df: broadcast(this.df), validateArgs: false });
  }

  protected override _mode(): tf.Tensor {
    return tf.relu(tf.sub(this.df, 2));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    // P(ν/2, x/2); x < 0 (where igamma is NaN) has probability 0.
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(x.shape, [...this.batchShape]);
    const half = tf.broadcastTo(tf.mul(tf.relu(x), 0.5), shape);
    return igamma(tf.broadcastTo(this.concentration, shape), half);
  }
}
