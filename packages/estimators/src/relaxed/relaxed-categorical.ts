import { InvalidArgumentError, NotImplementedError, type Rng, ShapeMismatchError } from '@gen/core';
import { BaseDistribution, defaultValidation, type ParamLike } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import {
  expandedRelaxationParams,
  ONE_MINUS_EPS,
  pickRelaxationParams,
  type RelaxationOptions,
  TINY,
} from './relaxation-options.js';
import { straightThroughValue } from './straight-through.js';

export type RelaxedCategoricalParams = ({ logits: ParamLike } | { probs: ParamLike }) &
  RelaxationOptions;

/** Logits may be −∞ (probability 0) but never NaN or +∞, and not −∞ in a whole row. */
function checkLogits(fn: string, t: tf.Tensor, owned: tf.Tensor[]): void {
  const k = t.shape[t.rank - 1]!;
  const values = t.dataSync();
  for (let start = 0; start < values.length; start += k) {
    const row = Array.from(values.subarray(start, start + k));
    const bad = row.findIndex((v) => Number.isNaN(v) || v === Number.POSITIVE_INFINITY);
    if (bad >= 0 || !row.some(Number.isFinite)) {
      tf.dispose(owned);
      const got = bad >= 0 ? `${row[bad]} at flat index ${start + bad}` : `a row of -Infinity`;
      throw new InvalidArgumentError(
        `${fn}: argument 'logits' must be finite or -Infinity with a finite entry in every row, got ${got}`,
      );
    }
  }
}

/**
 * The Concrete / Gumbel-softmax distribution (Maddison et al. 2017; Jang et al. 2017), a
 * relaxed one-hot Categorical on the simplex: y = softmax((ℓ + G)/τ) with G standard Gumbel
 * noise; the last axis of `logits`/`probs` holds the K categories, so eventShape is [K] and
 * draws are `[n, ...batch, K]`. `rsample` is reparameterised: use it with {@link pathwise}, with
 * a cost written for one-hot vectors (biased for τ > 0). With `straightThrough`, draws are the
 * exact one-hot Categorical samples (Gumbel-max) in the forward pass and carry the gradient of
 * the relaxed draws.
 *
 * log p(y) = log (K−1)! + (K−1) log τ + Σₖ (ℓₖ − (τ+1) log yₖ) − K log Σₖ e^{ℓₖ − τ log yₖ}
 * (inputs clamped to ≥ 1.2e−38). No closed-form entropy, mean or variance.
 *
 * ```ts
 * const d = relaxedCategorical({ logits: [1, 0, -1], temperature: 0.5, straightThrough: true });
 * const y = d.rsample(4, rng);        // [4, 3] one-hot rows, differentiable w.r.t. the logits
 * ```
 */
export class RelaxedOneHotCategorical extends BaseDistribution {
  readonly hasRsample = true;
  readonly support = 'unitInterval' as const;
  /** Normalised logits, [...batch, K]. */
  readonly logits: tf.Tensor;
  readonly probs: tf.Tensor;
  readonly numCategories: number;
  readonly temperature: number;
  readonly straightThrough: boolean;

  constructor(params: RelaxedCategoricalParams) {
    const fn = 'RelaxedOneHotCategorical';
    const given = pickRelaxationParams(fn, params);
    const options = params.validateArgs === undefined ? {} : { validateArgs: params.validateArgs };
    // Logits may be −∞ (a category of probability 0), as for Categorical.
    const constraints = given.name === 'probs' ? { probs: 'unitInterval' as const } : {};
    const p = BaseDistribution.prepare(fn, { [given.name]: given.value }, constraints, options);
    const t = p.params[given.name]!;
    if (t.rank < 1 || t.shape[t.rank - 1]! < 2) {
      tf.dispose(p.owned);
      throw new ShapeMismatchError(
        `${fn}: argument '${given.name}' must have a last axis of K >= 2 categories, got shape [${t.shape.join(', ')}]`,
      );
    }
    if (given.name === 'logits' && (params.validateArgs ?? defaultValidation())) {
      checkLogits(fn, t, p.owned);
    }
    const k = t.shape[t.rank - 1]!;
    super(p.params, t.shape.slice(0, -1), [k], options);
    this.own(p.owned);
    this.numCategories = k;
    this.temperature = given.temperature;
    this.straightThrough = given.straightThrough;
    if (given.name === 'logits') {
      this.logits = tf.tidy(() => tf.sub(t, tf.logSumExp(t, -1, true)));
      this.probs = tf.exp(this.logits);
    } else {
      this.probs = tf.tidy(() => tf.div(t, tf.sum(t, -1, true)));
      this.logits = tf.log(this.probs);
    }
    this.own([this.logits, this.probs]);
  }

  /** {@link BaseDistribution.expand}: the broadcast logits or probs, same temperature and mode. */
  protected override _expand(
    _batchShape: number[],
    broadcast: (t: tf.Tensor, eventRank?: number) => tf.Tensor,
  ): RelaxedOneHotCategorical {
    return new RelaxedOneHotCategorical(expandedRelaxationParams(this, broadcast));
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    const u = tf.clipByValue(rng.uniform(this.sampleShape(n)), TINY, ONE_MINUS_EPS);
    const z = tf.div(tf.sub(this.logits, tf.log(tf.neg(tf.log(u)))), this.temperature);
    const soft = tf.exp(tf.sub(z, tf.logSumExp(z, -1, true)));
    if (!this.straightThrough) return soft;
    return straightThroughValue(
      tf.cast(tf.oneHot(tf.argMax(z, -1), this.numCategories), 'float32'),
      soft,
    );
  }

  protected _logProb(y: tf.Tensor): tf.Tensor {
    const k = this.numCategories;
    const tau = this.temperature;
    const logY = tf.log(tf.maximum(y, TINY));
    const finite = tf.where(
      tf.isFinite(this.logits),
      this.logits,
      tf.fill(this.logits.shape, -1e30),
    );
    const terms = tf.sum(tf.sub(finite, tf.mul(tau + 1, logY)), -1);
    const norm = tf.logSumExp(tf.sub(finite, tf.mul(tau, logY)), -1);
    let logFactorial = 0;
    for (let i = 2; i < k; i++) logFactorial += Math.log(i);
    const constant = logFactorial + (k - 1) * Math.log(tau);
    return tf.add(tf.sub(terms, tf.mul(k, norm)), constant);
  }

  protected _entropy(): tf.Tensor {
    throw new NotImplementedError('RelaxedOneHotCategorical.entropy: no closed form');
  }

  protected _mean(): tf.Tensor {
    throw new NotImplementedError('RelaxedOneHotCategorical.mean: no closed form');
  }

  protected _variance(): tf.Tensor {
    throw new NotImplementedError('RelaxedOneHotCategorical.variance: no closed form');
  }
}

/** A {@link RelaxedOneHotCategorical}: `relaxedCategorical({ logits, temperature })`. */
export function relaxedCategorical(params: RelaxedCategoricalParams): RelaxedOneHotCategorical {
  return new RelaxedOneHotCategorical(params);
}
