import {
  assertInteger,
  brand,
  type Distribution,
  isGenError,
  NotImplementedError,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { Categorical } from './categorical.js';
import { disposePart, expandPart } from './composite-utils.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
import { MixtureComponents } from './mixture-components.js';
import { checkParamsObject } from './options.js';

export type MixtureParams = LogitsOrProbs &
  DistributionOptions & {
    /**
     * Either one distribution whose LAST batch axis indexes the K components (any event shape:
     * `Normal` with batch [..., K], `Independent(Normal [..., K, d], 1)`, an MVN with batch
     * [K]), or an array of K distributions with equal batch and event shapes.
     */
    components: Distribution | readonly Distribution[];
  };

/**
 * Finite mixture p(x) = Σₖ πₖ pₖ(x) with mixing weights π = softmax(logits) (or `probs`,
 * last axis K) over components of one event shape.
 *
 * log p(x) = logΣexpₖ(log πₖ + log pₖ(x)); mean Σ πₖ μₖ; variance by the law of total variance,
 * Σ πₖ (σ²ₖ + (μₖ − μ)²) (elementwise, i.e. the diagonal for vector events). `sample` draws a
 * component index from the Categorical, then gathers from per-component draws. There is no
 * `rsample` (the index is discrete: use a score-function estimator, or marginalise, as logProb
 * does). The entropy has no closed form: `entropy()` throws; use `entropyEstimate(n, rng)`.
 * Takes ownership of the components: `dispose()` disposes them.
 *
 * ```ts
 * const d = new Mixture({ logits: [0, 0], components: new Normal({ loc: [-2, 2], scale: 1 }) });
 * d.logProb(tf.tensor1d([0]));                       // [log N(0 | 2, 1)]
 * const { value, standardError } = d.entropyEstimate(10000, Rng.fromSeed(0));
 * ```
 */
export class Mixture extends BaseDistribution {
  static {
    brand(Mixture, '@gen/distributions/Mixture');
  }

  readonly hasRsample = false;
  readonly support = 'real' as const;
  /** The mixing distribution over the K components (batch = the mixture's batch or less). */
  readonly mixing: Categorical;
  /** The components as given: one distribution with a component batch axis, or an array. */
  readonly components: Distribution | readonly Distribution[];
  private readonly parts: MixtureComponents;

  constructor(params: MixtureParams) {
    checkParamsObject('Mixture', params, ['logits', 'probs', 'components']);
    const { logits, probs, components, ...options } = params;
    const given = pickLogitsOrProbs('Mixture', logits, probs);
    const parts = new MixtureComponents(components);
    const mixing = new Categorical(
      given.name === 'logits'
        ? { logits: given.value, ...options }
        : { probs: given.value, ...options },
    );
    let batch: number[];
    try {
      if (mixing.numCategories !== parts.count) {
        throw new ShapeMismatchError(
          `Mixture: argument '${given.name}' has ${mixing.numCategories} categories but 'components' has ${parts.count} components`,
        );
      }
      batch = tf.broadcast_util.assertAndGetBroadcastShape(
        [...mixing.batchShape],
        [...parts.batchShape],
      );
    } catch (error) {
      mixing.dispose();
      if (isGenError(error, 'SHAPE_MISMATCH')) throw error;
      throw new ShapeMismatchError(
        `Mixture: the batch shapes of the mixing weights [${mixing.batchShape.join(', ')}] and the components [${parts.batchShape.join(', ')}] do not broadcast`,
      );
    }
    super({ ...mixing.params, ...parts.params }, batch, parts.eventShape, options);
    this.mixing = mixing;
    this.parts = parts;
    this.components = components;
  }

  /**
   * Monte Carlo entropy H = −E[log p(X)] from n ≥ 2 draws, with its standard error
   * (sample standard deviation of −log p(Xᵢ) over √n); both shaped like the batch. Not a
   * differentiable estimate of ∇H (the draws are detached).
   */
  entropyEstimate(n: number, rng: Rng): { value: tf.Tensor; standardError: tf.Tensor } {
    this.checkDraws('Mixture.entropyEstimate', n, rng);
    assertInteger('Mixture.entropyEstimate', 'n', n, 2);
    return tf.tidy(() => {
      const lp = this.logProb(this.sample(n, rng));
      const { mean, variance } = tf.moments(lp, 0);
      const standardError = tf.sqrt(tf.div(tf.mul(variance, n / (n - 1)), n));
      return { value: tf.neg(mean), standardError };
    });
  }

  override dispose(): void {
    this.mixing.dispose();
    this.parts.dispose();
    super.dispose();
  }

  /**
   * The components expanded (one distribution to `[...batchShape, K]`, each of an array to
   * `batchShape`) and the mixing weights, as given (`logits` or `probs`), broadcast to
   * `[...batchShape, K]`.
   */
  protected override _expand(
    batchShape: number[],
    broadcast: (t: tf.Tensor, eventRank?: number) => tf.Tensor,
  ): BaseDistribution {
    const fn = `${this.name}.expand`;
    const { logits, probs } = this.mixing.params;
    const weights = broadcast((logits ?? probs)!, 1);
    const parts: Distribution[] = [];
    try {
      let components: Distribution | Distribution[];
      if (Array.isArray(this.components)) {
        for (const c of this.components as readonly Distribution[]) {
          parts.push(expandPart(fn, 'components', c, batchShape));
        }
        components = parts;
      } else {
        const single = this.components as Distribution;
        parts.push(expandPart(fn, 'components', single, [...batchShape, this.parts.count]));
        components = parts[0]!;
      }
      return logits !== undefined
        ? new Mixture({ logits: weights, components, validateArgs: false })
        : new Mixture({ probs: weights, components, validateArgs: false });
    } catch (error) {
      for (const part of parts) disposePart(part);
      throw error;
    }
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    const [indexRng, componentRng] = rng.split(2) as [Rng, Rng];
    const index = this.mixing.sample(n, indexRng); // [n, ...mixingBatch]
    const draws = this.parts.sample(n, componentRng); // [n, ...batch, K, ...event]
    const chosen = this.expandEvent(
      tf.equal(tf.expandDims(index, -1), tf.range(0, this.parts.count)),
    );
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(chosen.shape, draws.shape);
    const zeros = tf.zeros(shape);
    const picked = tf.where(tf.broadcastTo(chosen, shape), tf.broadcastTo(draws, shape), zeros);
    return tf.sum(picked, -(this.eventShape.length + 1));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    return tf.logSumExp(tf.add(this.parts.logProb(x), this.mixing.logits), -1);
  }

  protected _entropy(): tf.Tensor {
    throw new NotImplementedError(
      'Mixture.entropy: a mixture has no closed-form entropy; use mixture.entropyEstimate(n, rng), a Monte Carlo estimate with its standard error',
    );
  }

  protected _mean(): tf.Tensor {
    return tf.sum(tf.mul(this.weights(), this.parts.mean()), -(this.eventShape.length + 1));
  }

  protected _variance(): tf.Tensor {
    const axis = -(this.eventShape.length + 1);
    const spread = tf.square(tf.sub(this.parts.mean(), tf.expandDims(this._mean(), axis)));
    return tf.sum(tf.mul(this.weights(), tf.add(this.parts.variance(), spread)), axis);
  }

  /** π as [...mixingBatch, K, 1, …, 1] (one 1 per event axis). */
  private weights(): tf.Tensor {
    return this.expandEvent(this.mixing.probs);
  }

  private expandEvent(t: tf.Tensor): tf.Tensor {
    return tf.reshape(t, [...t.shape, ...this.eventShape.map(() => 1)]);
  }
}
