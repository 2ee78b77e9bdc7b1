import { brand, logSigmoid, type Rng, softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { CDF_SLACK } from './integer-quantile.js';
import { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
import { checkParamsObject } from './options.js';

export type BernoulliParams = LogitsOrProbs & DistributionOptions;

/**
 * Bernoulli on {0, 1}, elementwise over a batch, parameterised by exactly one of `logits` ℓ
 * (real) or `probs` p ∈ [0, 1]; the other is derived (p = σ(ℓ), ℓ = log p − log(1 − p)) and
 * both are public.
 *
 * log p(x) = log σ((2x − 1)ℓ) (finite for every finite ℓ, exact at p ∈ {0, 1});
 * entropy softplus(ℓ) − pℓ (0 at p ∈ {0, 1}); mean p; variance p(1 − p); cdf 1 − p on [0, 1);
 * icdf(u) 0 for u ≤ 1 − p, else 1.
 * No `rsample`: use a score-function or measure-valued gradient estimator.
 *
 * `logProb` accepts exactly what torch's `Bernoulli` with `validate_args` accepts: values in
 * {0, 1} (anything else, 0.5 included, is an InvalidArgumentError). With `validateArgs: false`
 * nothing is checked and other values get the continuous extension x·log p + (1 − x)·log(1 − p).
 *
 * ```ts
 * const d = new Bernoulli({ logits: [-2, 0, 3] });  // batchShape [3]
 * d.logProb(tf.tensor1d([0, 1, 1]));                 // [−0.1269, −0.6931, −0.0486]
 * const x = d.sample(100, Rng.fromSeed(0));           // [100, 3] of 0/1
 * ```
 */
export class Bernoulli extends BaseDistribution {
  static {
    brand(Bernoulli, '@gen/distributions/Bernoulli');
  }

  readonly hasRsample = false;
  readonly support = 'binary' as const;
  readonly logits: tf.Tensor;
  readonly probs: tf.Tensor;

  constructor(params: BernoulliParams) {
    checkParamsObject('Bernoulli', params, ['logits', 'probs']);
    const { logits, probs, ...options } = params;
    const given = pickLogitsOrProbs('Bernoulli', logits, probs);
    const p = BaseDistribution.prepare(
      'Bernoulli',
      { [given.name]: given.value },
      { [given.name]: given.name === 'logits' ? 'real' : 'unitInterval' },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    const t = p.params[given.name]!;
    if (given.name === 'logits') {
      this.logits = t;
      this.probs = tf.sigmoid(t);
      this.own([this.probs]);
    } else {
      this.probs = t;
      this.logits = tf.tidy(() => tf.sub(tf.log(t), tf.log1p(tf.neg(t))));
      this.own([this.logits]);
    }
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    return tf.cast(tf.less(rng.uniform(this.sampleShape(n)), this.probs), 'float32');
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return logSigmoid(tf.mul(tf.sub(tf.mul(2, x), 1), this.logits));
  }

  protected _entropy(): tf.Tensor {
    // Infinite logits (p = 0 or 1) would give ∞ − ∞; their entropy is 0.
    const finite = tf.isFinite(this.logits);
    const l = tf.where(finite, this.logits, tf.zerosLike(this.logits));
    const h = tf.sub(softplus(l), tf.mul(tf.sigmoid(l), l));
    return tf.where(finite, h, tf.zerosLike(h));
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.probs);
  }

  protected _variance(): tf.Tensor {
    return tf.mul(this.probs, tf.sigmoid(tf.neg(this.logits)));
  }

  /** 1 for p > ½, 0 for p < ½, NaN at p = ½ (torch's convention). */
  protected override _mode(): tf.Tensor {
    const mode = tf.cast(tf.greater(this.probs, 0.5), 'float32');
    return tf.where(tf.equal(this.probs, 0.5), tf.fill(mode.shape, Number.NaN), mode);
  }

  /** 0 below 0, 1 − p = σ(−logits) on [0, 1), 1 from 1 on. */
  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const below = tf.sigmoid(tf.neg(this.logits));
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(x.shape, below.shape);
    const xb = tf.broadcastTo(x, shape);
    const inner = tf.broadcastTo(below, shape);
    return tf.where(
      tf.less(xb, 0),
      tf.zeros(shape),
      tf.where(tf.less(xb, 1), inner, tf.ones(shape)),
    );
  }

  /**
   * The smallest k ∈ {0, 1} with cdf(k) ≥ u: 0 for u ≤ 1 − p, else 1 (up to float32 rounding:
   * the comparison has the relative slack of the integer families' search); 1 at u = 1 (the upper
   * end, as scipy) and 0 at u = 0 (the lower end; scipy's ppf(0) is −1). 1 − p is taken from
   * `probs` where they were given (exact in float32 for p ≥ ½), else σ(−ℓ).
   */
  protected override _icdf(u: tf.Tensor): tf.Tensor {
    const below =
      this.params.probs === undefined ? tf.sigmoid(tf.neg(this.logits)) : tf.sub(1, this.probs);
    const one = tf.less(below, tf.mul(u, 1 - CDF_SLACK));
    const k = tf.cast(tf.logicalOr(one, tf.equal(u, 1)), 'float32');
    const inside = tf.logicalAnd(tf.greaterEqual(u, 0), tf.lessEqual(u, 1));
    return tf.where(inside, k, tf.fill(k.shape, Number.NaN));
  }
}
