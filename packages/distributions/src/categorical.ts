import { brand, InvalidArgumentError, type Rng, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { checkCategoricalParam } from './categorical-validation.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
import { checkParamsObject } from './options.js';
import { defaultValidation } from './validation.js';

export type CategoricalParams = LogitsOrProbs & DistributionOptions;

/**
 * Categorical over {0, …, K−1}: the last axis of `logits` or `probs` indexes the K categories,
 * the axes before it are the batch (eventShape [], values are integer indices as float32).
 * `logits` are normalised (log-softmax ℓ − logΣexp ℓ) and `probs` = exp(logits); both are public.
 * Logits may be −∞ (a category of probability 0); `probs` must be in [0, 1] and sum to 1
 * along the last axis within 1e−5·K (they are then renormalised).
 *
 * log p(k) = ℓₖ (normalised); entropy −Σ pₖ ℓₖ; mean Σ k pₖ and variance Σ (k − mean)² pₖ of
 * the index. Sampling is Gumbel-max, argmaxₖ(ℓₖ − log(−log uₖ)) with uniforms from the `Rng`,
 * which is exact and gives the same draws on every backend. No `rsample`.
 *
 * ```ts
 * const d = new Categorical({ probs: [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]] }); // batchShape [2]
 * d.logProb(tf.tensor1d([2, 0]));                    // [log 0.5, log 0.6]
 * const k = d.sample(10, Rng.fromSeed(0));            // [10, 2]
 * ```
 */
export class Categorical extends BaseDistribution {
  static {
    brand(Categorical, '@gen/distributions/Categorical');
  }

  readonly hasRsample = false;
  readonly support = 'nonNegativeInteger' as const;
  /** Normalised log-probabilities, [...batch, K]. */
  readonly logits: tf.Tensor;
  /** Probabilities, [...batch, K]. */
  readonly probs: tf.Tensor;
  readonly numCategories: number;

  constructor(params: CategoricalParams) {
    checkParamsObject('Categorical', params, ['logits', 'probs']);
    const { logits, probs, ...options } = params;
    const given = pickLogitsOrProbs('Categorical', logits, probs);
    const p = BaseDistribution.prepare('Categorical', { [given.name]: given.value }, {}, options);
    const t = p.params[given.name]!;
    try {
      if (t.rank < 1 || t.shape[t.rank - 1]! < 1) {
        throw new ShapeMismatchError(
          `Categorical: argument '${given.name}' must have a last axis of K >= 1 categories, got shape [${t.shape.join(', ')}]`,
        );
      }
      if (options.validateArgs ?? defaultValidation()) checkCategoricalParam(given.name, t);
    } catch (error) {
      tf.dispose(p.owned);
      throw error;
    }
    super(p.params, t.shape.slice(0, -1), [], options);
    this.own(p.owned);
    this.numCategories = t.shape[t.rank - 1]!;
    if (given.name === 'logits') {
      this.logits = tf.tidy(() => tf.sub(t, tf.logSumExp(t, -1, true)));
      this.probs = tf.exp(this.logits);
    } else {
      this.probs = tf.tidy(() => tf.div(t, tf.sum(t, -1, true)));
      this.logits = tf.log(this.probs);
    }
    this.own([this.logits, this.probs]);
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    const u = tf.clipByValue(
      rng.uniform(this.sampleShape(n).concat(this.numCategories)),
      1e-30,
      1 - 2 ** -24,
    );
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
    return tf.cast(tf.argMax(tf.add(this.logits, gumbel), -1), 'float32');
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    if (this.validateArgs) this.checkIndices(x);
    const categories = tf.range(0, this.numCategories);
    const selected = tf.equal(tf.expandDims(x, -1), categories);
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(selected.shape, this.logits.shape);
    const logits = tf.broadcastTo(this.logits, shape);
    return tf.sum(tf.where(tf.broadcastTo(selected, shape), logits, tf.zerosLike(logits)), -1);
  }

  protected _entropy(): tf.Tensor {
    return tf.neg(tf.sum(tf.mul(this.probs, this.finiteLogits()), -1));
  }

  protected _mean(): tf.Tensor {
    return tf.sum(tf.mul(this.probs, tf.range(0, this.numCategories)), -1);
  }

  protected _variance(): tf.Tensor {
    const d = tf.sub(tf.range(0, this.numCategories), tf.expandDims(this._mean(), -1));
    return tf.sum(tf.mul(this.probs, tf.square(d)), -1);
  }

  /** The most probable category (the first of equals), as torch. */
  protected override _mode(): tf.Tensor {
    return tf.cast(tf.argMax(this.probs, -1), 'float32');
  }

  /** Logits with −∞ (probability 0, which multiplies them) replaced by 0. */
  private finiteLogits(): tf.Tensor {
    return tf.where(tf.isFinite(this.logits), this.logits, tf.zerosLike(this.logits));
  }

  private checkIndices(x: tf.Tensor): void {
    const values = x.dataSync();
    const i = values.findIndex((v) => v >= this.numCategories);
    if (i >= 0) {
      throw new InvalidArgumentError(
        `Categorical.logProb: argument 'x' must be a category index in [0, ${this.numCategories - 1}], got ${values[i]} at flat index ${i}`,
      );
    }
  }
}
