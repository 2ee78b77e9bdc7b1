import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng.js';

/** Named tensors, as tfjs `io.encodeWeights` takes them. */
export type NamedTensors = Record<string, tf.Tensor>;

/** Anything that owns tensors and must be released explicitly. */
export interface Disposable {
  dispose(): void;
}

/**
 * A probability distribution over tensors (the spec every @gen family implements).
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

/** An explicit model trained by minimising `loss` (NLL or negative ELBO per example, batch mean). */
export interface GenerativeModel extends Disposable, HasWeights {
  readonly trainableVariables: readonly tf.Variable[];
  loss(batch: tf.Tensor, rng?: Rng): tf.Scalar;
  sample(n: number, rng: Rng): tf.Tensor;
  /** Log-likelihood per example, where tractable. */
  logProb?(x: tf.Tensor): tf.Tensor;
}

/** An implicit model trained by a two-player game (GANs). */
export interface AdversarialModel extends Disposable, HasWeights {
  readonly generatorVariables: readonly tf.Variable[];
  readonly discriminatorVariables: readonly tf.Variable[];
  discriminatorLoss(real: tf.Tensor, rng?: Rng): tf.Scalar;
  generatorLoss(n: number, rng?: Rng): tf.Scalar;
  sample(n: number, rng: Rng): tf.Tensor;
}
