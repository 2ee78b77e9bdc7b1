import {
  assertInteger,
  type Bijector,
  type Distribution,
  formatValue,
  type GenerativeModel,
  InvalidArgumentError,
  type NamedTensors,
  NotImplementedError,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import { BaseDistribution, type DistributionOptions } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { checkFlowParts, sumRightmost, transformParams } from './flow-parts.js';
import { assignFlowWeights, flowSlots } from './flow-weights.js';

export interface FlowParams extends DistributionOptions {
  /** The distribution of the noise z, e.g. `standardNormal(dim)`. */
  base: Distribution;
  /** Bijectors applied to z in order: x = transforms[K−1](… transforms[0](z)). */
  transforms: readonly Bijector[];
}

/**
 * A normalizing flow: a `Distribution` and a `GenerativeModel` (trainable with @gen/train's
 * `fit`). Convention (TFP's, also Pyro's): the transforms map base noise to data through
 * `forward`, z ∼ base, x = f_K ∘ … ∘ f_1(z), transforms listed in the order they act on z. So
 *
 *   log p(x) = log p_base(z) + Σ_k log |det ∂f_k⁻¹/∂y| evaluated along z = f_1⁻¹ ∘ … ∘ f_K⁻¹(x),
 *
 * i.e. density evaluation runs the inverses (one pass for couplings, splines and MAF), sampling
 * the forwards (one pass for couplings, splines and IAF). nflows uses the opposite (data → noise)
 * convention for its transforms' `forward`. Log-dets of transforms whose eventRank is below the
 * event rank are summed over the remaining event axes.
 *
 * `loss(batch)` is the mean negative log-likelihood; `sampleAndLogProb(n, rng)` samples and
 * scores in one forward pass (no inverse: use it for planar/radial or IAF flows). `mean`,
 * `variance` and `entropy` have no closed form and throw NotImplementedError. The flow owns its
 * base and transforms: `dispose()` disposes them.
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
export class Flow extends BaseDistribution implements GenerativeModel {
  readonly hasRsample: boolean;
  protected readonly support = 'real' as const;
  readonly base: Distribution;
  readonly transforms: readonly Bijector[];
  private readonly extraRanks: readonly number[];

  constructor(params: FlowParams) {
    const { base, transforms, ...options } = (params ?? {}) as FlowParams;
    const extraRanks = checkFlowParts('Flow', base, transforms);
    super(
      { ...base.params, ...transformParams(transforms) },
      base.batchShape,
      base.eventShape,
      options,
    );
    this.base = base;
    this.transforms = Object.freeze([...transforms]);
    this.hasRsample = base.hasRsample;
    this.extraRanks = extraRanks;
  }

  /** Every trainable variable of the transforms (and of the base, if its params are variables). */
  get trainableVariables(): tf.Variable[] {
    return [
      ...new Set(Object.values(flowSlots(this.base, this.transforms)).map((s) => s.variable)),
    ];
  }

  /** Mean negative log-likelihood of a batch `[n, ...event]`, as a differentiable scalar. */
  loss(batch: tf.Tensor): tf.Scalar {
    const fn = 'Flow.loss';
    if (!(batch instanceof tf.Tensor) || batch.isDisposed) {
      throw new InvalidArgumentError(
        `${fn}: argument 'batch' must be a live tf.Tensor, got ${formatValue(batch)}`,
      );
    }
    this.checkEventShape(fn, batch);
    return tf.tidy(() => tf.neg(tf.mean(this._logProb(batch)))) as tf.Scalar;
  }

  /**
   * `n` samples and their log-densities from one forward pass:
   * log p(x) = log p_base(z) − Σ_k log |det ∂f_k/∂z_k|. Reparameterised when the base has
   * `rsample` (gradients reach the transforms' and the base's parameters).
   */
  sampleAndLogProb(n: number, rng: Rng): { x: tf.Tensor; logProb: tf.Tensor } {
    assertInteger('Flow.sampleAndLogProb', 'n', n, 1);
    return tf.tidy(() => {
      let x = this.hasRsample ? this.base.rsample(n, rng) : this.base.sample(n, rng);
      let logProb = this.base.logProb(x);
      this.transforms.forEach((t, i) => {
        const step = t.forwardAndLogDet(x);
        x = step.y;
        logProb = tf.sub(logProb, sumRightmost(step.logDet, this.extraRanks[i]!));
      });
      return { x, logProb };
    });
  }

  getWeights(): NamedTensors {
    const slots = flowSlots(this.base, this.transforms);
    return Object.fromEntries(
      Object.entries(slots).map(([name, s]) => [name, tf.clone(s.variable)]),
    );
  }

  setWeights(weights: NamedTensors): void {
    assignFlowWeights(flowSlots(this.base, this.transforms), this.transforms, weights);
  }

  override dispose(): void {
    for (const part of [this.base, ...this.transforms]) {
      (part as { dispose?: () => void }).dispose?.();
    }
    super.dispose();
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    return this.push(this.base.sample(n, rng));
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    return this.push(this.base.rsample(n, rng));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    let z = x;
    let logDet: tf.Tensor | null = null;
    for (let i = this.transforms.length - 1; i >= 0; i--) {
      const step = this.transforms[i]!.inverseAndLogDet(z);
      z = step.x;
      const term = sumRightmost(step.logDet, this.extraRanks[i]!);
      logDet = logDet === null ? term : tf.add(logDet, term);
    }
    const base = this.base.logProb(z);
    return logDet === null ? base : tf.add(base, logDet);
  }

  protected _entropy(): tf.Tensor {
    throw this.noClosedForm('entropy', 'tf.neg(tf.mean(flow.sampleAndLogProb(n, rng).logProb))');
  }

  protected _mean(): tf.Tensor {
    throw this.noClosedForm('mean', 'tf.mean(flow.sample(n, rng), 0)');
  }

  protected _variance(): tf.Tensor {
    throw this.noClosedForm('variance', 'tf.moments(flow.sample(n, rng), 0).variance');
  }

  private noClosedForm(what: string, estimate: string): NotImplementedError {
    return new NotImplementedError(
      `Flow.${what}: a normalizing flow has no closed-form ${what}; estimate it from samples, e.g. ${estimate}`,
    );
  }

  private push(z: tf.Tensor): tf.Tensor {
    const x = this.transforms.reduce((v, t) => t.forward(v), z);
    if (!tf.util.arraysEqual(x.shape, z.shape)) {
      throw new ShapeMismatchError(
        `Flow.sample: the transforms changed the sample shape [${z.shape.join(', ')}] to [${x.shape.join(', ')}]`,
      );
    }
    return x;
  }
}
