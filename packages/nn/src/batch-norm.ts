import {
  assertFiniteNumber,
  assertInteger,
  assertKnownOptions,
  assertTensor,
  invalidArgument,
  Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /** Size of the last axis (features, or channels of NHWC images). */
  features: number;
  /**
   * Weight of the newest batch in the running statistics, in (0, 1]: running ← (1 − m)·running
   * + m·batch (PyTorch's convention; default 0.1).
   */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  epsilon?: number;
  /** Registration name (default 'batchNorm'). */
  name?: string;
}

const BATCH_NORM_OPTIONS = ['features', 'momentum', 'epsilon', 'name'];

/**
 * Batch normalisation (Ioffe & Szegedy 2015) over every axis but the last: for x: [..., features]
 * it returns y = γ ⊙ (x − μ)/√(σ² + ε) + β, with learned `scale` γ (ones) and `offset` β (zeros).
 *
 * In training mode (the default) μ and σ² are the mean and biased variance of the batch, over
 * every position of each feature, and each call moves the buffers `runningMean` and
 * `runningVariance` towards them (the variance with Bessel's correction, as in PyTorch). In
 * inference mode (`setTraining(false)`) μ and σ² are those running statistics, so outputs no
 * longer depend on the rest of the batch. The running statistics are saved and restored with the
 * weights (`getWeights`/`setWeights`, checkpoints, safetensors), so a loaded model samples as the
 * trained one did.
 *
 * ```ts
 * const bn = new BatchNorm({ features: 64 });
 * bn.apply(h);                    // training: batch statistics, running ones updated
 * bn.setTraining(false).apply(h); // inference: running statistics
 * ```
 */
export class BatchNorm extends Module {
  readonly features: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly scale: tf.Variable;
  readonly offset: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVariance: tf.Variable;

  constructor(options: BatchNormOptions) {
    const fn = 'BatchNorm';
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidArgument(fn, 'options', options, 'must be an options object');
    }
    assertKnownOptions(fn, options, BATCH_NORM_OPTIONS);
    const { features, momentum = 0.1, epsilon = 1e-5 } = options;
    assertInteger(fn, 'features', features, 1);
    assertFiniteNumber(fn, 'momentum', momentum);
    if (momentum <= 0 || momentum > 1) {
      throw invalidArgument(fn, 'momentum', momentum, 'must be in (0, 1]');
    }
    assertFiniteNumber(fn, 'epsilon', epsilon);
    if (epsilon <= 0) throw invalidArgument(fn, 'epsilon', epsilon, 'must be > 0');
    super(options.name ?? 'batchNorm');
    this.features = features;
    this.momentum = momentum;
    this.epsilon = epsilon;
    // Constant initialisers draw nothing from the Rng.
    const rng = Rng.fromSeed(0);
    this.scale = this.addWeight('scale', [features], 'ones', rng);
    this.offset = this.addWeight('offset', [features], 'zeros', rng);
    this.runningMean = tf.tidy(() => this.addBuffer('runningMean', tf.zeros([features])));
    this.runningVariance = tf.tidy(() => this.addBuffer('runningVariance', tf.ones([features])));
  }

  /** Normalises `x: [..., features]` (rank ≥ 2); returns the same shape. */
  apply(x: tf.Tensor): tf.Tensor {
    const fn = 'BatchNorm.apply';
    this.assertLive(fn);
    assertTensor(fn, 'x', x);
    if (x.rank < 2 || x.shape.at(-1) !== this.features) {
      throw new ShapeMismatchError(
        `${fn}: argument 'x' must be [..., ${this.features}] with rank >= 2, got [${x.shape.join(', ')}]`,
      );
    }
    const count = x.size / this.features;
    if (this.training && count < 2) {
      throw invalidArgument(
        fn,
        'x',
        `shape [${x.shape.join(', ')}]`,
        'needs more than one value per feature in training mode (use setTraining(false))',
      );
    }
    return tf.tidy(() => {
      if (!this.training) return this.normalise(x, this.runningMean, this.runningVariance);
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      this.updateRunning(mean, variance, count);
      return this.normalise(x, mean, variance);
    });
  }

  private normalise(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor {
    const inverse = tf.mul(this.scale, tf.rsqrt(tf.add(variance, this.epsilon)));
    return tf.add(tf.mul(tf.sub(x, mean), inverse), this.offset);
  }

  // Runs inside the caller's tidy; assign keeps the new values alive. Under a gradient tape these
  // ops are recorded but lead to no loss, so they add no gradient.
  private updateRunning(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const m = this.momentum;
    const unbiased = tf.mul(variance, count / (count - 1));
    const blend = (running: tf.Variable, batch: tf.Tensor) =>
      running.assign(tf.add(tf.mul(running, 1 - m), tf.mul(batch, m)));
    blend(this.runningMean, mean);
    blend(this.runningVariance, unbiased);
  }
}
