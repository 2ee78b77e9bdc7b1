import { brand, InvalidArgumentError, type Rng, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { Categorical } from './categorical.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
import { checkParamsObject } from './options.js';

export type OneHotCategoricalParams = LogitsOrProbs & DistributionOptions;

/**
 * A {@link Categorical} over the last axis of `logits`/`probs` (its checks and normalisation),
 * for a family `fn` built on it: errors name `fn` instead of Categorical. Internal: used by
 * OneHotCategorical and Multinomial (torch builds both on a Categorical too).
 */
export function categoricalFor(
  fn: string,
  params: LogitsOrProbs & DistributionOptions,
): Categorical {
  const { logits, probs, ...options } = params;
  const given = pickLogitsOrProbs(fn, logits, probs);
  try {
    return new Categorical(
      given.name === 'logits'
        ? { logits: given.value, ...options }
        : { probs: given.value, ...options },
    );
  } catch (error) {
    const prefix = 'Categorical';
    if (error instanceof Error && error.message.startsWith(prefix)) {
      const message = `${fn}${error.message.slice(prefix.length)}`;
      if (error instanceof ShapeMismatchError)
        throw new ShapeMismatchError(message, { cause: error });
      if (error instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(message, { cause: error });
      }
    }
    throw error;
  }
}

/**
 * Throws an InvalidArgumentError naming `fn` unless every event (last axis) of `x` sums to
 * `total`; entries are already known to be non-negative integers. Internal.
 */
export function checkEventSums(fn: string, x: tf.Tensor, total: number, what: string): void {
  const k = x.shape[x.rank - 1]!;
  const values = x.dataSync();
  for (let row = 0; row * k < values.length; row++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += values[row * k + j]!;
    if (sum !== total) {
      throw new InvalidArgumentError(
        `${fn}: argument 'x' must be ${what} along the last axis, got a sum of ${sum} at event index ${row}`,
      );
    }
  }
}

/**
 * OneHotCategorical: a Categorical draw over K categories written as a one-hot vector,
 * event shape [K]. The last axis of `logits` or `probs` (exactly one) indexes the categories
 * and the axes before it are the batch; they are checked and normalised as Categorical's and
 * both are public.
 *
 * log p(x) = Σₖ xₖ ℓₖ (normalised logits; a category of probability 0 contributes 0 where
 * xₖ = 0); entropy −Σ pₖ log pₖ; mean p; variance p(1 − p) (elementwise); mode the one-hot
 * vector of the most probable category (the first on ties). `logProb` accepts one-hot
 * vectors only (0/1 entries summing to 1, as torch's `one_hot` constraint); there is no
 * cdf/icdf (the event is not scalar). Sampling is Categorical's (Gumbel-max), one-hot encoded.
 * No `rsample`.
 *
 * ```ts
 * const d = new OneHotCategorical({ probs: [0.2, 0.3, 0.5] });   // eventShape [3]
 * d.logProb(tf.tensor1d([0, 0, 1]));                            // log 0.5
 * const x = d.sample(10, Rng.fromSeed(0));                      // [10, 3] one-hot rows
 * ```
 */
export class OneHotCategorical extends BaseDistribution {
  static {
    brand(OneHotCategorical, '@gen/distributions/OneHotCategorical');
  }

  readonly hasRsample = false;
  readonly support = 'binary' as const;
  /** Normalised log-probabilities, [...batch, K]. */
  readonly logits: tf.Tensor;
  /** Probabilities, [...batch, K]. */
  readonly probs: tf.Tensor;
  readonly numCategories: number;
  private readonly categorical: Categorical;

  constructor(params: OneHotCategoricalParams) {
    checkParamsObject('OneHotCategorical', params, ['logits', 'probs']);
    const categorical = categoricalFor('OneHotCategorical', params);
    super(
      categorical.params,
      categorical.batchShape,
      [categorical.numCategories],
      params.validateArgs === undefined ? {} : { validateArgs: params.validateArgs },
    );
    this.categorical = categorical;
    this.logits = categorical.logits;
    this.probs = categorical.probs;
    this.numCategories = categorical.numCategories;
  }

  override dispose(): void {
    this.categorical.dispose();
    super.dispose();
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    const index = this.categorical.sample(n, rng);
    // (wasm's OneHot writes float32 output as integer bit patterns: encode in int32, then cast)
    return tf.cast(tf.oneHot(tf.cast(index, 'int32'), this.numCategories), 'float32');
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    if (this.validateArgs) checkEventSums('OneHotCategorical.logProb', x, 1, 'one-hot (sum to 1)');
    const terms = tf.mul(x, this.logits);
    return tf.sum(tf.where(tf.equal(x, 0), tf.zerosLike(terms), terms), -1);
  }

  protected _entropy(): tf.Tensor {
    return this.categorical.entropy();
  }

  protected _mean(): tf.Tensor {
    return tf.clone(this.probs);
  }

  protected _variance(): tf.Tensor {
    return tf.mul(this.probs, tf.sub(1, this.probs));
  }

  protected override _mode(): tf.Tensor {
    return tf.cast(tf.oneHot(tf.argMax(this.probs, -1), this.numCategories), 'float32');
  }
}
