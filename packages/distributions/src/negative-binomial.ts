import { brand, lgamma, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { mulLog, sampleByTable, successForms } from './binomial.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkOpenEnd } from './geometric.js';
import { integerQuantile } from './integer-quantile.js';
import { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { samplePoisson } from './poisson-sampler.js';
import { betainc } from './special.js';
import { standardGamma } from './standard-gamma.js';
import { defaultValidation } from './validation.js';

export type NegativeBinomialParams = LogitsOrProbs &
  DistributionOptions & {
    /** Number of failures r ≥ 0 that stops the trials (any real, as torch). */
    totalCount: ParamLike;
  };

/**
 * Width of the entropy series beyond the mean: 10 standard deviations plus 50 decay lengths
 * 1/(−log p) of the geometric tail plus 50, which leaves a tail mass below 1e−20 (checked
 * against scipy over a grid of r and p by fixtures/make_discrete_zoo.py).
 */
function seriesLength(r: number, p: number): number {
  if (r === 0 || p === 0) return 1;
  const odds = p / (1 - p);
  const mean = r * odds;
  const sd = Math.sqrt(mean / (1 - p));
  return Math.ceil(mean + 10 * sd + 50 / -Math.log(p) + 50);
}

/** Rates below this are drawn by inversion here, the others by the Poisson family's PTRS. */
const PTRS_THRESHOLD = 10;
/** Inversion table size: P(X > 52) < 1e−17 for λ < 10 (as the Poisson sampler's). */
const POISSON_TERMS = 53;

/**
 * One Poisson draw per rate (each draw has its own rate, as in a Gamma–Poisson mixture): rates
 * below 10 by inversion of a table built from the ratios m(k + 1)/m(k) = λ/(k + 1), the others
 * by the package's PTRS sampler. Returns a flat tensor.
 */
function samplePoissonRates(rates: Float32Array, rng: Rng): tf.Tensor {
  const small: number[] = [];
  const large: number[] = [];
  rates.forEach((rate, i) => {
    (rate < PTRS_THRESHOLD ? small : large).push(i);
  });
  const out = new Float32Array(rates.length);
  if (small.length > 0) {
    const draws = tf.tidy(() => {
      const lam = tf.tensor2d(
        Float32Array.from(small, (i) => rates[i]!),
        [small.length, 1],
      );
      const k = tf.reshape(tf.range(1, POISSON_TERMS + 1), [1, POISSON_TERMS]);
      const logRatios = tf.sub(tf.log(lam), tf.log(k));
      return sampleByTable(logRatios, rng.uniform([small.length, 1])).dataSync();
    });
    small.forEach((i, j) => {
      out[i] = draws[j]!;
    });
  }
  if (large.length > 0) {
    const draws = tf.tidy(() => {
      const lam = tf.tensor1d(Float32Array.from(large, (i) => rates[i]!));
      return samplePoisson(lam, [1, large.length], rng).dataSync();
    });
    large.forEach((i, j) => {
      out[i] = draws[j]!;
    });
  }
  return tf.tensor1d(out);
}

/**
 * NegativeBinomial(r, p) in torch's parameterisation: the number of successes in independent
 * trials of success probability p before the r-th failure, on {0, 1, 2, …}, elementwise over
 * a batch. `totalCount` r ≥ 0 (real-valued allowed) broadcasts against exactly one of `probs`
 * p ∈ [0, 1) or `logits` ℓ (real); the other is derived and both are public. (scipy's
 * `nbinom(n, p')` counts failures before n successes: it is ours with n = r, p' = 1 − p.)
 *
 * log p(k) = log Γ(r + k) − log Γ(k + 1) − log Γ(r) + r log(1 − p) + k log p (log-gammas in
 * float32: absolute error about 1e−7 · (r + k) log(r + k)), and 0 at r = k = 0; mean r p/(1 − p);
 * variance r p/(1 − p)²; mode ⌊(r − 1) p/(1 − p)⌋ clamped at 0 (torch's). `cdf` is
 * P(X ≤ x) = I₁₋ₚ(r, ⌊x⌋ + 1) by the regularised incomplete beta; `icdf(u)` the smallest k with
 * cdf(k) ≥ u (scipy's ppf), by a fixed-cost search of the cdf (no gradient).
 * torch has no entropy for this family; here −Σₖ p(k) log p(k) is summed over
 * k < mean + 10 sd + 50/(−log p) + 50, which holds all but < 1e−20 of the mass.
 *
 * Sampling is the Gamma–Poisson mixture, as torch: λ ~ Gamma(r, rate (1 − p)/p) by the
 * package's Marsaglia–Tsang sampler, then X ~ Poisson(λ) (inversion or PTRS); exact, no
 * `rsample`.
 *
 * ```ts
 * const d = new NegativeBinomial({ totalCount: 3, probs: [0.2, 0.6] });
 * d.mean();                                       // [0.75, 4.5]
 * const x = d.sample(100, Rng.fromSeed(0));        // [100, 2]
 * ```
 */
export class NegativeBinomial extends BaseDistribution {
  static {
    brand(NegativeBinomial, '@gen/distributions/NegativeBinomial');
  }

  readonly hasRsample = false;
  readonly support = 'nonNegativeInteger' as const;
  readonly totalCount: tf.Tensor;
  readonly logits: tf.Tensor;
  readonly probs: tf.Tensor;
  /** log p and log(1 − p), each accurate where p or 1 − p is tiny. */
  private readonly logP: tf.Tensor;
  private readonly logQ: tf.Tensor;

  constructor(params: NegativeBinomialParams) {
    checkParamsObject('NegativeBinomial', params, ['totalCount', 'logits', 'probs']);
    const { totalCount, logits, probs, ...options } = params;
    const given = pickLogitsOrProbs('NegativeBinomial', logits, probs);
    const p = BaseDistribution.prepare(
      'NegativeBinomial',
      { totalCount, [given.name]: given.value },
      {
        totalCount: 'nonNegative',
        [given.name]: given.name === 'logits' ? 'real' : 'unitInterval',
      },
      options,
    );
    const t = p.params[given.name]!;
    if (given.name === 'probs' && (options.validateArgs ?? defaultValidation())) {
      try {
        checkOpenEnd('NegativeBinomial', 'probs', t, 'below', 1);
      } catch (error) {
        tf.dispose(p.owned);
        throw error;
      }
    }
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.totalCount = p.params.totalCount!;
    const forms = successForms(given.name, t);
    this.own(forms.made);
    ({ logits: this.logits, probs: this.probs, logP: this.logP, logQ: this.logQ } = forms);
  }

  /** p/(1 − p) = exp(ℓ), 0 at p = 0. */
  private odds(): tf.Tensor {
    return tf.exp(tf.sub(this.logP, this.logQ));
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    const shape = this.sampleShape(n);
    const r = tf.broadcastTo(this.totalCount, shape);
    const none = tf.equal(r, 0);
    const gamma = standardGamma(tf.where(none, tf.onesLike(r), r), rng);
    const rate = tf.where(none, tf.zerosLike(gamma), tf.mul(gamma, this.odds()));
    return tf.reshape(samplePoissonRates(rate.dataSync() as Float32Array, rng), shape);
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const r = this.totalCount;
    const none = tf.equal(r, 0);
    const safe = tf.where(none, tf.onesLike(r), r);
    const normaliser = tf.sub(lgamma(tf.add(safe, x)), tf.add(lgamma(tf.add(x, 1)), lgamma(safe)));
    const lp = tf.add(normaliser, tf.add(mulLog(r, this.logQ), mulLog(x, this.logP)));
    // r = 0: all mass at 0.
    const degenerate = tf.where(
      tf.equal(x, 0),
      tf.zerosLike(lp),
      tf.fill(lp.shape, Number.NEGATIVE_INFINITY),
    );
    return tf.where(none, degenerate, lp);
  }

  protected _entropy(): tf.Tensor {
    const [rv, pv] = [this.totalCount.dataSync(), this.probs.dataSync()];
    let width = 1;
    for (let i = 0; i < rv.length; i++) width = Math.max(width, seriesLength(rv[i]!, pv[i]!));
    const k = tf.reshape(tf.range(0, width), [width, ...this.batchShape.map(() => 1)]);
    const lp = this._logProb(k);
    const terms = tf.mul(tf.exp(lp), lp);
    return tf.neg(tf.sum(tf.where(tf.isFinite(lp), terms, tf.zerosLike(terms)), 0));
  }

  protected _mean(): tf.Tensor {
    return tf.mul(this.totalCount, this.odds());
  }

  protected _variance(): tf.Tensor {
    return tf.div(this._mean(), tf.exp(this.logQ));
  }

  protected override _mode(): tf.Tensor {
    return tf.relu(tf.floor(tf.mul(tf.sub(this.totalCount, 1), this.odds())));
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const r = this.totalCount;
    const k = tf.floor(x);
    const below = tf.less(k, 0);
    const ks = tf.where(below, tf.zerosLike(k), k);
    const none = tf.equal(r, 0);
    const rs = tf.where(none, tf.onesLike(r), r);
    const value = betainc(rs, tf.add(ks, 1), tf.exp(this.logQ));
    const sure = tf.where(none, tf.onesLike(value), value);
    return tf.where(below, tf.zerosLike(sure), sure);
  }

  /**
   * The smallest k with cdf(k) ≥ u (scipy's ppf), by a fixed-cost search of the cdf below
   * mean + 10 sd + 50/(−log p) + 50 (tail mass below 1e−20, see the entropy series); 0 at u = 0,
   * ∞ at u = 1 (0 for r = 0, all mass at 0).
   */
  protected override _icdf(u: tf.Tensor): tf.Tensor {
    const mean = this._mean();
    const sd = tf.sqrt(this._variance());
    const tail = tf.div(50, tf.neg(this.logP));
    const hi = tf.ceil(tf.add(tf.add(mean, tf.mul(10, sd)), tf.add(tail, 50)));
    const atOne = tf.where(
      tf.equal(this.totalCount, 0),
      tf.zerosLike(hi),
      tf.fill(hi.shape, Number.POSITIVE_INFINITY),
    );
    return integerQuantile((k) => this._cdf(k), u, hi, atOne);
  }
}
