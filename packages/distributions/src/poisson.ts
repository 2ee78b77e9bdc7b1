import { brand, lgamma, type Rng, xlogy } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { integerQuantile } from './integer-quantile.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { poissonLogPmf } from './poisson-log-pmf.js';
import { samplePoisson } from './poisson-sampler.js';
import { igammac } from './special.js';

export interface PoissonParams extends DistributionOptions {
  /** Rate λ > 0 (the mean). */
  rate: ParamLike;
}

/** Rates below this get the entropy series, the others its asymptotic expansion. */
const SERIES_LIMIT = 50;
/** Series length: ceil(50 + 10√50 + 10); the tail beyond is below 1e−30 for every λ < 50. */
const SERIES_TERMS = 131;

/**
 * Poisson(λ) on {0, 1, 2, …}, elementwise over a batch.
 *
 * log p(k) = k log λ − λ − log k!; mean = variance = λ. The entropy has no closed form:
 * H = −Σₖ p(k) log p(k) is summed over k = 0…130 for λ < 50 (with a cancellation-free log-pmf),
 * and for λ ≥ 50 taken from the asymptotic expansion
 * ½ log(2πeλ) − 1/(12λ) − 1/(24λ²) − 19/(360λ³) (error < 2e−8 there).
 * Samples are exact (inversion for λ < 10, Hörmann's PTRS above); there is no `rsample`.
 * `cdf` is Q(⌊x⌋ + 1, λ) (`igammac`); `icdf(u)` the smallest k with cdf(k) ≥ u, by a fixed-cost
 * search (no gradient).
 *
 * ```ts
 * const d = new Poisson({ rate: [0.5, 4, 30] });
 * d.logProb(tf.tensor1d([0, 3, 31]));                 // [−0.5, −1.6329, −2.6551]
 * const x = d.sample(1000, Rng.fromSeed(0));           // [1000, 3], integer-valued float32
 * ```
 */
export class Poisson extends BaseDistribution {
  static {
    brand(Poisson, '@gen/distributions/Poisson');
  }

  readonly hasRsample = false;
  readonly support = 'nonNegativeInteger' as const;
  readonly rate: tf.Tensor;

  constructor(params: PoissonParams) {
    checkParamsObject('Poisson', params, ['rate']);
    const { rate, ...options } = params;
    const p = BaseDistribution.prepare('Poisson', { rate }, { rate: 'positive' }, options);
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.rate = p.params.rate!;
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    return samplePoisson(this.rate, this.sampleShape(n), rng);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return tf.sub(tf.sub(xlogy(x, this.rate), this.rate), lgamma(tf.add(x, 1)));
  }

  protected _entropy(): tf.Tensor {
    const big = tf.greaterEqual(this.rate, SERIES_LIMIT);
    const small = tf.where(big, tf.onesLike(this.rate), this.rate);
    const ks = tf.reshape(tf.range(0, SERIES_TERMS), [
      SERIES_TERMS,
      ...this.rate.shape.map(() => 1),
    ]);
    const logP = poissonLogPmf(ks, small);
    const series = tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), 0));
    const lam = tf.where(big, this.rate, tf.fill(this.rate.shape, SERIES_LIMIT));
    const inv = tf.reciprocal(lam);
    const correction = tf.mul(
      inv,
      tf.add(1 / 12, tf.mul(inv, tf.add(1 / 24, tf.mul(inv, 19 / 360)))),
    );
    const asymptotic = tf.sub(tf.mul(0.5, tf.log(tf.mul(2 * Math.PI * Math.E, lam))), correction);
    return tf.where(big, asymptotic, series);
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.rate);
  }

  protected _variance(): tf.Tensor {
    return tf.clone(this.rate);
  }

  /** ⌊λ⌋ (for integer λ, λ − 1 is a mode too), as torch. */
  protected override _mode(): tf.Tensor {
    return tf.floor(this.rate);
  }

  /** P(X ≤ x) = Q(⌊x⌋ + 1, λ), the regularised upper incomplete gamma ({@link igammac}); 0 for x < 0. */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const k = tf.floor(x);
    const negative = tf.less(k, 0);
    const a = tf.add(tf.where(negative, tf.zerosLike(k), k), 1);
    const cdf = igammac(a, this.rate);
    return tf.where(tf.broadcastTo(negative, cdf.shape), tf.zerosLike(cdf), cdf);
  }

  /**
   * The smallest k with cdf(k) ≥ u (scipy's ppf), by a fixed-cost search of the cdf below
   * λ + 10√λ + 50 (where the tail mass is below float32's resolution); 0 at u = 0, ∞ at u = 1.
   */
  protected override _icdf(u: tf.Tensor): tf.Tensor {
    const hi = tf.ceil(tf.add(tf.add(this.rate, tf.mul(10, tf.sqrt(this.rate))), 50));
    return integerQuantile((k) => this._cdf(k), u, hi, Number.POSITIVE_INFINITY);
  }
}
