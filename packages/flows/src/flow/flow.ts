import {
  assertFiniteTensor,
  assertInteger,
  assertKnownOptions,
  type Batch,
  type Bijector,
  type Distribution,
  formatValue,
  type GenerativeModel,
  InvalidArgumentError,
  isConditionalBatch,
  type NamedTensors,
  NotImplementedError,
  type Rng,
  type SampleOptions,
  splitBatch,
  stopGradient,
} from '@gen/core';
import {
  Chain,
  type DistributionOptions,
  type ParamLike,
  TransformedDistribution,
} from '@gen/distributions';
import { type JsonValue, type ModelConfig, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkFlowCondition,
  flowConditionSize,
  forwardThrough,
  inverseThrough,
} from './conditional-passes.js';
import { flowConfigOptions, flowPartsFromConfig } from './flow-from-config.js';
import { checkFlowParts, sumRightmost, transformParams } from './flow-parts.js';
import { flowVariables, getFlowWeights, setFlowWeights } from './flow-weights.js';

export interface FlowParams extends DistributionOptions {
  /** The distribution of the noise z, e.g. `standardNormal(dim)`. */
  base: Distribution;
  /**
   * Bijectors in the order they act on base samples: `transforms[0]` is applied first,
   * `x = transforms[K−1](… transforms[0](z))`.
   */
  transforms: readonly Bijector[];
}

/** Options of a conditional {@link Flow}'s `logProb`. */
export interface FlowConditionOptions {
  /** The condition `[...lead, conditionSize]` of x `[...lead, ...event]` (or one row `[1, C]`). */
  condition?: tf.Tensor;
}

/**
 * A normalizing flow: a `TransformedDistribution` of `base` through a `Chain` of the
 * transforms, and a `GenerativeModel` (trainable with @gen/train's `fit`).
 *
 * Layer order: `transforms` are listed in the order they act on base samples, `transforms[0]`
 * first, x = f_K ∘ … ∘ f_1(z) with f_k = transforms[k−1] (the order of torch's and Pyro's
 * `TransformedDistribution(base, [t0, t1, …])`). `Chain`, like TFP's and Distrax's, is listed in
 * composition order (`new Chain([f, g])` = f ∘ g applies g first), so the flow's `bijector` is
 * `new Chain([...transforms].reverse())`. Every transform maps the noise side to the data side
 * through `forward`, so
 *
 *   log p(x) = log p_base(z) + Σ_k log |det ∂f_k⁻¹/∂y| evaluated along z = f_1⁻¹ ∘ … ∘ f_K⁻¹(x),
 *
 * i.e. density evaluation runs the inverses (one pass for couplings, splines and MAF), sampling
 * the forwards (one pass for couplings, splines and IAF). (nflows' transforms run the other way:
 * their `forward` maps data to noise.) Log-dets of transforms whose eventRank is below the
 * event rank are summed over the remaining event axes.
 *
 * `loss(batch)` is the mean negative log-likelihood (deterministic: no generator needed);
 * `sampleAndLogProb(n, rng)` samples and scores in one forward pass (no inverse: use it for
 * planar/radial or IAF flows). `mean`, `variance` and `entropy` have no closed form unless every
 * transform is affine (`isConstantJacobian`); otherwise they throw NotImplementedError. Weights
 * are named `transforms/<i>/<the transform's weight name>` (and `base/<param>` for trainable
 * base parameters), `params` `transforms.<i>.<name>`. The flow owns its base and transforms:
 * `dispose()` disposes them.
 *
 * A flow with conditional transforms (built with `conditionSize` C, all the same) is a
 * conditional density p(x | c): `loss({ x, condition })`, `logProb(x, { condition })`,
 * `sample(n, rng, { condition })` and `sampleAndLogProb(n, rng, { condition })` give every
 * conditional transform the condition (`[n, C]`, or `[1, C]` shared by all draws), the others
 * run as they are; without a condition these throw a typed error, as does an unconditional flow
 * given one. `bijector` (the unbound chain) and the moments are for unconditional flows.
 *
 * ```ts
 * const flow = new Flow({
 *   base: standardNormal(2),
 *   transforms: [0, 1, 0, 1].map((parity, i) =>
 *     new AffineCoupling({ dim: 2, hiddenSizes: [64, 64], parity, seed: i })),
 * });
 * await fit(flow, data, { steps: 1000, batchSize: 256, learningRate: 1e-3 });
 * flow.logProb(data); flow.sample(100, Rng.fromSeed(0));
 * ```
 */
export class Flow extends TransformedDistribution implements GenerativeModel {
  /** The transforms, in the order they act on base samples. */
  readonly transforms: readonly Bijector[];
  /** C, the width of the condition (0: unconditional). */
  readonly conditionSize: number;
  private readonly validateGiven: boolean | undefined;

  constructor(params: FlowParams) {
    const fn = 'Flow';
    if (params === null || typeof params !== 'object') {
      throw new InvalidArgumentError(
        `${fn}: expected { base, transforms }, got ${formatValue(params)}`,
      );
    }
    assertKnownOptions(fn, params, ['base', 'transforms', 'validateArgs']);
    const { base, transforms, ...options } = params;
    checkFlowParts(fn, base, transforms);
    const conditionSize = flowConditionSize(fn, transforms);
    super({ base, bijector: new Chain([...transforms].reverse()), ...options });
    this.transforms = Object.freeze([...transforms]);
    this.validateGiven = options.validateArgs;
    this.conditionSize = conditionSize;
  }

  /** The transforms' parameters as `transforms.<i>.<name>`, i indexing `transforms`. */
  protected static override bijectorParams(bijector: Bijector): Record<string, tf.Tensor> {
    return transformParams([...(bijector as Chain).bijectors].reverse());
  }

  /** Every trainable variable of the transforms (and of the base, if its params are variables). */
  get trainableVariables(): tf.Variable[] {
    return flowVariables(this.base, this.transforms);
  }

  /**
   * Mean negative log-likelihood of a batch `[n, ...event]` (a conditional flow: `{ x, condition }`
   * with condition `[n, conditionSize]`), as a differentiable scalar. A batch
   * holding NaN or ±Inf is refused with an InvalidArgumentError (one reduction and a one-value
   * read; skipped inside @gen/core's `withoutFiniteChecks`, as the trainer runs it on data it
   * checked once).
   */
  loss(batch: Batch, _rng?: Rng): tf.Scalar {
    const fn = 'Flow.loss';
    const live = batch instanceof tf.Tensor && !batch.isDisposed;
    if (!live && !isConditionalBatch(batch)) {
      const want = this.conditionSize > 0 ? '{ x, condition } of live tensors' : 'a live tf.Tensor';
      throw new InvalidArgumentError(
        `${fn}: argument 'batch' must be ${want}, got ${formatValue(batch)}`,
      );
    }
    if (batch instanceof tf.Tensor) {
      this.checkEventShape(fn, batch);
      checkFlowCondition(fn, 'batch.condition', undefined, this.conditionSize, [], {
        value: batch,
      });
      assertFiniteTensor(fn, 'batch', batch);
      return tf.tidy(() => tf.neg(tf.mean(this._logProb(batch)))) as tf.Scalar;
    }
    const { x, condition } = splitBatch(fn, batch);
    if (x.isDisposed) throw new InvalidArgumentError(`${fn}: argument 'batch.x' is disposed`);
    this.checkEventShape(fn, x);
    const c = checkFlowCondition(
      fn,
      'batch.condition',
      condition,
      this.conditionSize,
      this.leadOf(x),
      {
        value: batch,
      },
    );
    assertFiniteTensor(fn, 'batch.x', x);
    return tf.tidy(() => tf.neg(tf.mean(this.conditionalLogProb(x, c)))) as tf.Scalar;
  }

  /**
   * log p(x) per example (`[...lead]`); a conditional flow needs `options.condition`
   * (`[...lead, conditionSize]` or one row), log p(x | c).
   */
  override logProb(x: ParamLike, options: FlowConditionOptions = {}): tf.Tensor {
    const fn = 'Flow.logProb';
    assertKnownOptions(fn, options, ['condition']);
    if (this.conditionSize === 0) {
      checkFlowCondition(fn, 'options.condition', options.condition, 0, []);
      return super.logProb(x);
    }
    if (!(x instanceof tf.Tensor) || x.isDisposed) {
      throw new InvalidArgumentError(
        `${fn}: argument 'x' must be a live tf.Tensor, got ${formatValue(x)}`,
      );
    }
    this.checkEventShape(fn, x);
    const c = checkFlowCondition(
      fn,
      'options.condition',
      options.condition,
      this.conditionSize,
      this.leadOf(x),
    );
    if (this.validateArgs) assertFiniteTensor(fn, 'x', x);
    return tf.tidy(() => this.conditionalLogProb(x, c));
  }

  /**
   * Draws detached from the parameters (see `Distribution.sample`); a conditional flow draws
   * `n` (a count) given `options.condition` `[n, conditionSize]` (or `[1, conditionSize]`).
   */
  override sample(
    shape: number | readonly number[],
    rng: Rng,
    options: SampleOptions = {},
  ): tf.Tensor {
    const fn = 'Flow.sample';
    assertKnownOptions(fn, options, ['condition']);
    if (this.conditionSize === 0) {
      checkFlowCondition(fn, 'options.condition', options.condition, 0, []);
      return super.sample(shape, rng);
    }
    const n = this.conditionalCount(fn, shape, rng);
    const c = checkFlowCondition(fn, 'options.condition', options.condition, this.conditionSize, [
      n,
    ]);
    return tf.tidy(() => stopGradient(this.conditionalForward(this.base.sample(n, rng), c).x));
  }

  /**
   * `n` samples and their log-densities from one forward pass:
   * log p(x) = log p_base(z) − Σ_k log |det ∂f_k/∂z_k|. Reparameterised when the base has
   * `rsample` (gradients reach the transforms' and the base's parameters).
   */
  sampleAndLogProb(
    n: number,
    rng: Rng,
    options: SampleOptions = {},
  ): { x: tf.Tensor; logProb: tf.Tensor } {
    const fn = 'Flow.sampleAndLogProb';
    assertInteger(fn, 'n', n, 1);
    assertKnownOptions(fn, options, ['condition']);
    if (this.conditionSize > 0) {
      const c = checkFlowCondition(fn, 'options.condition', options.condition, this.conditionSize, [
        n,
      ]);
      return tf.tidy(() => {
        const z = this.hasRsample ? this.base.rsample(n, rng) : this.base.sample(n, rng);
        const { x, logDet } = this.conditionalForward(z, c);
        return { x, logProb: tf.sub(this.base.logProb(z), logDet) };
      });
    }
    checkFlowCondition(fn, 'options.condition', options.condition, 0, []);
    return tf.tidy(() => {
      const z = this.hasRsample ? this.base.rsample(n, rng) : this.base.sample(n, rng);
      const { y, logDet } = this.bijector.forwardAndLogDet(z);
      const logProb = tf.sub(this.base.logProb(z), sumRightmost(logDet, this.extraEventRank));
      return { x: y, logProb };
    });
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this flow: the base and each transform with the options
   * it was built from. `factory` is `null` when a part was not built from plain options (your own
   * bijector, base or conditioner, an `rng`): load such a flow with `{ into }`.
   */
  toConfig(): ModelConfig {
    const options = flowConfigOptions(this.base, this.transforms);
    return {
      package: '@gen/flows',
      model: 'Flow',
      factory: options === undefined ? null : 'new',
      options: {
        ...options,
        ...(this.validateGiven === undefined ? {} : { validateArgs: this.validateGiven }),
      },
    };
  }

  getWeights(): NamedTensors {
    return getFlowWeights(this.base, this.transforms);
  }

  setWeights(weights: NamedTensors): void {
    setFlowWeights(this.base, this.transforms, weights);
  }

  protected override _entropy(): tf.Tensor {
    if (this.bijector.isConstantJacobian) return super._entropy();
    throw this.noClosedForm('entropy', 'tf.neg(tf.mean(flow.sampleAndLogProb(n, rng).logProb))');
  }

  protected override _mean(): tf.Tensor {
    if (this.bijector.isConstantJacobian) return super._mean();
    throw this.noClosedForm('mean', 'tf.mean(flow.sample(n, rng), 0)');
  }

  protected override _variance(): tf.Tensor {
    if (this.bijector.isConstantJacobian && this.bijector.eventRank === 0) {
      return super._variance();
    }
    throw this.noClosedForm('variance', 'tf.moments(flow.sample(n, rng), 0).variance');
  }

  /** The leading (sample and batch) axes of data `x`. */
  private leadOf(x: tf.Tensor): number[] {
    return x.shape.slice(0, x.rank - this.eventShape.length);
  }

  private conditionalCount(fn: string, shape: number | readonly number[], rng: Rng): number {
    const n = typeof shape === 'number' ? shape : shape.length === 1 ? shape[0] : undefined;
    if (n === undefined) {
      throw new InvalidArgumentError(
        `${fn}: argument 'shape' must be a count n for a conditional flow (one draw per condition row), got ${formatValue(shape)}`,
      );
    }
    this.checkDraws(fn, n, rng);
    return n;
  }

  private conditionalLogProb(x: tf.Tensor, c: tf.Tensor | null): tf.Tensor {
    const { z, logDet } = inverseThrough(this.transforms, x, c, this.eventShape.length);
    return tf.add(this.base.logProb(z), logDet);
  }

  private conditionalForward(z: tf.Tensor, c: tf.Tensor | null) {
    return forwardThrough(this.transforms, z, c, this.eventShape.length);
  }

  private noClosedForm(what: string, estimate: string): NotImplementedError {
    return new NotImplementedError(
      `Flow.${what}: a normalizing flow has no closed-form ${what}; estimate it from samples, e.g. ${estimate}`,
    );
  }
}

registerModel('@gen/flows', 'Flow', {
  new: (options) => {
    const { validateArgs, ...parts } = options as { [key: string]: JsonValue };
    return new Flow({
      ...flowPartsFromConfig(parts),
      ...(typeof validateArgs === 'boolean' ? { validateArgs } : {}),
    });
  },
});
