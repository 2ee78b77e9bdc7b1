/**
 * The density playground's model interface: each model trains in chunks of steps on data in
 * training units (x / s), scores a grid (log-density, or the discriminator's logit for a GAN)
 * and samples.
 */
import type { Rng } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { ChunkTrainer } from './chunk-trainer.js';

/** Settings every model reads. */
export interface ModelSettings {
  learningRate: number;
  batchSize: number;
  /** GAN only: a name of @gen/gan's `GAN_LOSS_NAMES`. */
  lossKey: string;
  /** GMM only: number of components. */
  components: number;
  seed: number;
}

/** What the heatmap shows: log p(x), a lower bound of it (a VAE's ELBO), or D's logit. */
export type HeatKind = 'log-density' | 'elbo' | 'discriminator';

export interface DensityModel {
  readonly heatKind: HeatKind;
  /** The metric's name in the toolbar. */
  readonly metricName: string;
  /**
   * Steps per chunk of the view (EM iterations are whole-data passes, gradient steps
   * minibatches); the metric is read once per chunk.
   */
  readonly stepsPerChunk: number;
  /** The model's @gen/train trainer (its step count, its checkpoints). */
  readonly training: ChunkTrainer;
  /**
   * Runs `n` steps on `x` ([N, 2], training units; the same tensor and Rng on every call of a run,
   * the first call starts @gen/train's trainer on them) and returns the metric after them, read
   * with data(): its mean over the last chunk. `n = 0` only computes the metric of the model as
   * it stands.
   */
  train(x: tf.Tensor2D, n: number, rng: Rng): Promise<number>;
  /** One value per grid row of `points` ([M, 2], training units): log p, the ELBO or D's logit. */
  heat(points: tf.Tensor2D): tf.Tensor1D;
  /** `n` samples in training units. */
  sample(n: number, rng: Rng): tf.Tensor2D;
  /** GMM only: the most likely component of each row. */
  clusters?(x: tf.Tensor2D): tf.Tensor1D;
  dispose(): void;
}
