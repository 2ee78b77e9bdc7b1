import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng.js';

/** Named tensors, as tfjs `io.encodeWeights` takes them. */
export type NamedTensors = Record<string, tf.Tensor>;

/** Anything that owns tensors and must be released explicitly. */
export interface Disposable {
  dispose(): void;
}

/**
 * A probability distribution over tensors (the spec every `@gen` family implements).
 * Shapes: a sample of `n` is `[n, ...batchShape, ...eventShape]`; `logProb(x)` of
 * `x: [...sample, ...batchShape, ...eventShape]` is `[...sample, ...batchShape]`.
 */
export interface Distribution {
  /** Independent, not identically distributed copies, e.g. [3] for three Normals. */
  readonly batchShape: readonly number[];
  /** The shape of one draw, e.g. [2] for a 2-D MultivariateNormal, [] for a scalar family. */
  readonly eventShape: readonly number[];
  /** Whether `rsample` gives reparameterised (pathwise-differentiable) samples. */
  readonly hasRsample: boolean;
  /** Named parameter tensors (the ones gradient estimators differentiate with respect to). */
  readonly params: Readonly<Record<string, tf.Tensor>>;
  /** `n` draws without gradient. */
  sample(n: number, rng: Rng): tf.Tensor;
  /** `n` reparameterised draws through which gradients flow into `params`. */
  rsample(n: number, rng: Rng): tf.Tensor;
  /** Log density (or mass) of `x`. */
  logProb(x: tf.Tensor): tf.Tensor;
  entropy(): tf.Tensor;
  mean(): tf.Tensor;
  variance(): tf.Tensor;
}

/**
 * An invertible, differentiable map with a tractable log |det J|. `eventRank` is the number of
 * rightmost axes that form one event: log-determinants are summed over them, so for `x` of
 * shape `[...batch, ...event]` `logDet` has shape `[...batch]`.
 */
export interface Bijector {
  readonly eventRank: number;
  /** True when log |det J| does not depend on the input (affine maps). */
  readonly isConstantJacobian: boolean;
  forward(x: tf.Tensor): tf.Tensor;
  inverse(y: tf.Tensor): tf.Tensor;
  /** y = f(x) and log |det ∂f/∂x|, in one pass. */
  forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor };
  /** x = f⁻¹(y) and log |det ∂f⁻¹/∂y| (= −forward log-det at x). */
  inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor };
}

/** Per-sample cost c(x): maps `[samples, ...batch, ...event]` to `[samples, ...batch]`. */
export type CostFunction = (x: tf.Tensor) => tf.Tensor;

export interface SurrogateOptions {
  /** Number of Monte Carlo samples. */
  samples: number;
  rng: Rng;
}

export interface Surrogate {
  /** A scalar whose gradient is the estimator's gradient of E[cost]. */
  loss: tf.Scalar;
  /** The Monte Carlo estimate of E[cost] itself. */
  value: tf.Scalar;
}

/**
 * A Monte Carlo gradient estimator of ∇θ E_{x∼p_θ}[c(x)] (score function, pathwise,
 * measure-valued). The gradient of `surrogate(...).loss` with respect to anything upstream of
 * `dist.params` is the estimate, so it composes with `tf.variableGrads` and optimisers.
 */
export interface GradientEstimator {
  readonly name: string;
  surrogate(dist: Distribution, cost: CostFunction, options: SurrogateOptions): Surrogate;
}

/** Weights that can be saved and restored (deep copies in, deep copies out). */
export interface HasWeights {
  /** Copies of every variable, by stable name; the caller owns them. */
  getWeights(): NamedTensors;
  /** Assigns from named tensors; names and shapes must match. */
  setWeights(weights: NamedTensors): void;
}

/**
 * State of a model that is not a weight (counters, schedule positions), as plain JSON. A model
 * that has any declares it through `getState`/`setState`, and every checkpoint carries it beside
 * the weights, so a resumed run continues exactly.
 */
export type ModelState = Record<string, unknown>;

/**
 * A batch whose examples each come with a condition (a one-hot class label, a context vector):
 * `x` `[n, ...]` and `condition` `[n, conditionSize]`, row i of one belonging to row i of the
 * other. Conditional models (`conditionSize` in their factories) take it in `loss`; trainers
 * shuffle and slice the two together.
 */
export interface ConditionalBatch {
  readonly x: tf.Tensor;
  readonly condition: tf.Tensor;
}

/** What a trainer hands a model's `loss`: a tensor of examples, or a {@link ConditionalBatch}. */
export type Batch = tf.Tensor | ConditionalBatch;

/**
 * Options of a conditional model's `sample`: one condition row per draw, `[n, conditionSize]`
 * (or `[1, conditionSize]`, shared by all n).
 */
export interface SampleOptions {
  condition?: tf.Tensor;
}

/**
 * Everything a trainer needs (`createTrainer`, `fit` in @gen/train): variables to optimise, a
 * scalar loss of one batch whose randomness comes from the trainer's `rng`, weights to
 * checkpoint, optional non-weight state, and `dispose`.
 *
 * ```ts
 * const loc = tf.variable(tf.scalar(0));
 * const model: Trainable = {
 *   trainableVariables: [loc],
 *   loss: (batch) => tf.mean(tf.square(tf.sub(batch, loc))),
 *   getWeights: () => ({ loc: loc.clone() }),
 *   setWeights: (w) => loc.assign(w.loc!),
 *   dispose: () => loc.dispose(),
 * };
 * ```
 */
export interface Trainable<B extends Batch = tf.Tensor> extends Disposable, HasWeights {
  readonly trainableVariables: readonly tf.Variable[];
  /**
   * The scalar objective on `batch`, drawing any randomness it needs from `rng`. `B` is the
   * batch type: a tensor (the default), or {@link ConditionalBatch} / {@link Batch} for a
   * conditional model.
   */
  loss(batch: B, rng: Rng): tf.Scalar;
  /** Non-weight state as plain JSON (see {@link ModelState}); checkpoints carry it. */
  getState?(): ModelState;
  /** Restores what `getState` returned. */
  setState?(state: ModelState): void;
}

/** An explicit model trained by minimising `loss` (NLL or negative ELBO per example, batch mean). */
export interface GenerativeModel<B extends Batch = tf.Tensor> extends Trainable<B> {
  /** n draws; a conditional model needs `options.condition`. */
  sample(n: number, rng: Rng, options?: SampleOptions): tf.Tensor;
  /** Log-likelihood per example, where tractable. */
  logProb?(x: tf.Tensor): tf.Tensor;
}

/**
 * A learned function that models take as their parts (a generator, an encoder, a conditioner):
 * `apply` maps a batch to a batch, and the variables it reads are listed, named and
 * replaceable. A `@gen/nn` `Module` is one, so is `fromLayersModel(model)` and so is any plain
 * object with these members.
 */
export interface Network extends Disposable, HasWeights {
  apply(x: tf.Tensor): tf.Tensor;
  readonly trainableVariables: readonly tf.Variable[];
}

/** An implicit model trained by a two-player game (GANs). */
export interface AdversarialModel<B extends Batch = tf.Tensor> extends Disposable, HasWeights {
  readonly generatorVariables: readonly tf.Variable[];
  readonly discriminatorVariables: readonly tf.Variable[];
  /** Conditional GANs (`B` = {@link ConditionalBatch}) receive real examples and their labels. */
  discriminatorLoss(real: B, rng: Rng): tf.Scalar;
  /**
   * The generator's loss on n fakes; trainers pass the condition of the current real batch to a
   * conditional GAN (`options.condition`, `[n, conditionSize]`).
   */
  generatorLoss(n: number, rng: Rng, options?: SampleOptions): tf.Scalar;
  /**
   * Runs after every discriminator update of a training step (weight clipping, counters that
   * schedules read); trainers call it, a loss never does.
   */
  afterDiscriminatorStep?(): void;
  /** n draws; a conditional GAN needs `options.condition`. */
  sample(n: number, rng: Rng, options?: SampleOptions): tf.Tensor;
  getState?(): ModelState;
  setState?(state: ModelState): void;
}

/**
 * A model fitted by expectation-maximisation (`fitEm` in @gen/train): `emStep(x)` runs one E and
 * one M step on all of `x` and resolves with the per-example lower bound before the update.
 */
export interface EmModel extends Disposable, HasWeights {
  /** Prepares the first iteration from the data (e.g. k-means++ initialisation). */
  initialize?(x: tf.Tensor): Promise<unknown> | unknown;
  emStep(x: tf.Tensor): Promise<{ lowerBound: number }>;
  getState?(): ModelState;
  setState?(state: ModelState): void;
}
