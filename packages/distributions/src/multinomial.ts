import { assertInteger, brand, lgamma, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { binomialExpectation, productError, sampleBinomialRows } from './binomial.js';
import type { Categorical } from './categorical.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import type { LogitsOrProbs } from './logits-or-probs.js';
import { categoricalFor, checkEventSums } from './one-hot-categorical.js';
import { checkParamsObject } from './options.js';
import { poissonLogPmf } from './poisson-log-pmf.js';

export type MultinomialParams = LogitsOrProbs &
  DistributionOptions & {
    /** Number of draws n, a non-negative JS integer (default 1, as torch). */
    totalCount?: number;
  };

/**
 * Multinomial(n, p): the counts of each of K categories in n independent Categorical(p)
 * draws, event shape [K]. `totalCount` n is a plain non-negative integer shared by the batch
 * (as in torch); the last axis of `logits` or `probs` (exactly one) indexes the categories and
 * is checked and normalised as Categorical's; both are public.
 *
 * log p(x) = log n! − Σₖ log xₖ! + Σₖ xₖ ℓₖ (normalised logits, 0 · (−∞) = 0); mean np;
 * variance np(1 − p) (elementwise; the covariances −n pᵢ pⱼ are not returned). `logProb`
 * accepts vectors of non-negative integers summing to n (anything else is an
 * InvalidArgumentError, as torch's `multinomial` constraint).
 *
 * The entropy is exact (torch enumerates the same sum): H = −log n! − n Σₖ pₖ log pₖ +
 * Σₖ E[log Xₖ!] with Xₖ ~ Binomial(n, pₖ), rewritten with Stirling's series
 * log x! = x log x − x + s(x) as Σₖ E[Xₖ log(Xₖ / npₖ) + s(Xₖ)] − s(n) =
 * −Σₖ E[log Pois(Xₖ; npₖ)] − s(n) (using E[Xₖ] = npₖ), which has no cancellation between terms
 * of size n log n in float32; each expectation is summed over the values of non-negligible
 * mass of the binomial marginal with Loader's Poisson log-pmf. There is no mode (NotImplemented,
 * as in torch) and no cdf (the event is not scalar).
 *
 * Sampling is exact and vectorised by conditional binomials: X₁ ~ Bin(n, p₁),
 * Xₖ ~ Bin(n − Σ_{j<k} Xⱼ, pₖ / Σ_{j≥k} pⱼ), the last category taking the rest (K − 1 binomial
 * draws per sample whatever n). No `rsample`.
 *
 * ```ts
 * const d = new Multinomial({ totalCount: 10, probs: [0.2, 0.3, 0.5] });  // eventShape [3]
 * d.logProb(tf.tensor1d([2, 3, 5]));                                     // −2.4645
 * const x = d.sample(5, Rng.fromSeed(0));                                // [5, 3], rows sum to 10
 * ```
 */
export class Multinomial extends BaseDistribution {
  static {
    brand(Multinomial, '@gen/distributions/Multinomial');
  }

  readonly hasRsample = false;
  readonly support = 'nonNegativeInteger' as const;
  readonly totalCount: number;
  /** Normalised log-probabilities, [...batch, K]. */
  readonly logits: tf.Tensor;
  /** Probabilities, [...batch, K]. */
  readonly probs: tf.Tensor;
  readonly numCategories: number;
  private readonly categorical: Categorical;

  constructor(params: MultinomialParams) {
    checkParamsObject('Multinomial', params, ['totalCount', 'logits', 'probs']);
    const { totalCount = 1, ...rest } = params;
    assertInteger('Multinomial', 'totalCount', totalCount, 0);
    const categorical = categoricalFor('Multinomial', rest as LogitsOrProbs & DistributionOptions);
    super(
      categorical.params,
      categorical.batchShape,
      [categorical.numCategories],
      params.validateArgs === undefined ? {} : { validateArgs: params.validateArgs },
    );
    this.categorical = categorical;
    this.totalCount = totalCount;
    this.logits = categorical.logits;
    this.probs = categorical.probs;
    this.numCategories = categorical.numCategories;
  }

  override dispose(): void {
    this.categorical.dispose();
    super.dispose();
  }

  /** Rebuilt with the same `totalCount` and whichever of `logits`/`probs` was given. */
  protected override _expand(
    _batchShape: number[],
    broadcast: (t: tf.Tensor) => tf.Tensor,
  ): BaseDistribution {
    const { logits, probs } = this.params;
    const common = { totalCount: this.totalCount, validateArgs: false };
    return logits !== undefined
      ? new Multinomial({ ...common, logits: broadcast(logits) })
      : new Multinomial({ ...common, probs: broadcast(probs!) });
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    const k = this.numCategories;
    const batch = this.batchShape.reduce((a, b) => a * b, 1);
    const rows = n * batch;
    const probs = tf.reshape(this.probs, [batch, k]);
    // Mass of categories j, j + 1, …, K − 1 (wasm's Cumsum needs a non-negative axis).
    const tail = tf.cumsum(probs, 1, false, true);
    const counts: tf.Tensor[] = [];
    let remaining = tf.fill([rows], this.totalCount);
    for (let j = 0; j < k - 1; j++) {
      const here = tf.reshape(tf.slice(probs, [0, j], [batch, 1]), [batch]);
      const from = tf.reshape(tf.slice(tail, [0, j], [batch, 1]), [batch]);
      const after = tf.reshape(tf.slice(tail, [0, j + 1], [batch, 1]), [batch]);
      const some = tf.greater(from, 0);
      const safe = tf.where(some, from, tf.onesLike(from));
      const p = tf.where(some, tf.minimum(tf.div(here, safe), 1), tf.zerosLike(here));
      const q = tf.where(some, tf.minimum(tf.div(after, safe), 1), tf.onesLike(here));
      const tile = (t: tf.Tensor) => tf.reshape(tf.tile(tf.reshape(t, [1, batch]), [n, 1]), [rows]);
      const x = tf.reshape(sampleBinomialRows(remaining, tile(p), tile(q), 1, rng), [rows]);
      counts.push(x);
      remaining = tf.sub(remaining, x);
    }
    counts.push(remaining);
    return tf.reshape(tf.stack(counts, 1), this.sampleShape(n));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    if (this.validateArgs) {
      checkEventSums(
        'Multinomial.logProb',
        x,
        this.totalCount,
        `counts summing to ${this.totalCount}`,
      );
    }
    const terms = tf.mul(x, this.logits);
    const powers = tf.sum(tf.where(tf.equal(x, 0), tf.zerosLike(terms), terms), -1);
    const n = tf.sum(x, -1);
    return tf.add(tf.sub(lgamma(tf.add(n, 1)), tf.sum(lgamma(tf.add(x, 1)), -1)), powers);
  }

  protected _entropy(): tf.Tensor {
    const n = tf.fill(this.probs.shape, this.totalCount);
    const mean = tf.mul(n, this.probs);
    // The exact mean is fl(np) + δ; δ enters to first order.
    const delta = tf.div(productError(n, this.probs, mean), tf.maximum(mean, 1e-30));
    // x log(x/λ) + s(x) = (x − λ) − log Pois(x; λ) for λ = np, with log Pois(x; λ + δ) =
    // log Pois(x; λ) + δ(x/λ − 1): cancellation-free through Loader's Poisson log-pmf.
    const perCategory = binomialExpectation(n, this.probs, tf.sub(1, this.probs), (k) =>
      tf.sub(tf.sub(k, mean), tf.add(poissonLogPmf(k, mean), tf.mul(delta, k))),
    );
    const total = tf.scalar(this.totalCount);
    return tf.add(tf.sum(perCategory, -1), poissonLogPmf(total, total));
  }

  protected _mean(): tf.Tensor {
    return tf.mul(this.totalCount, this.probs);
  }

  protected _variance(): tf.Tensor {
    return tf.mul(this.totalCount, tf.mul(this.probs, tf.sub(1, this.probs)));
  }
}
