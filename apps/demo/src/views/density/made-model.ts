/**
 * The density playground's MADE: p(x₁) p(x₂ | x₁), each conditional a mixture of Gaussians from
 * one masked MLP, trained by maximum likelihood. Its log-density is exact.
 */

import { Made } from '@gen/autoregressive';
import type { Rng } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { ChunkTrainer, meanLoss } from './chunk-trainer.js';
import type { DensityModel, ModelSettings } from './model.js';

const HIDDEN = [64, 64];
/** Gaussians per conditional. */
const COMPONENTS = 5;

/** `Made` (2 → 64 → 64 → 5-component mixtures, natural order) behind {@link DensityModel}. */
export class MadeModel implements DensityModel {
  readonly heatKind = 'log-density';
  readonly metricName = 'NLL (nats, training units)';
  private readonly made: Made;
  readonly training: ChunkTrainer;

  constructor(settings: ModelSettings) {
    this.made = new Made({
      inputSize: 2,
      hiddenSizes: HIDDEN,
      likelihood: 'gaussian',
      components: COMPONENTS,
      seed: settings.seed,
      // logProb's value check reads back synchronously, which stalls WebGPU; the data are finite.
      validateArgs: false,
    });
    this.training = new ChunkTrainer(
      this.made,
      { batchSize: settings.batchSize, learningRate: settings.learningRate },
      { fromRow: (row) => row.loss!, measure: meanLoss(this.made) },
      10,
    );
  }

  get stepsPerChunk(): number {
    return this.training.stepsPerChunk;
  }

  /** `n` Adam steps on minibatches; returns the mean NLL of the last chunk's batches. */
  train(x: tf.Tensor2D, n: number, rng: Rng): Promise<number> {
    return this.training.train(x, n, rng);
  }

  /** Exact log p(x) per grid point. */
  heat(points: tf.Tensor2D): tf.Tensor1D {
    return this.made.logProb(points) as tf.Tensor1D;
  }

  /** Exact ancestral draws: x₁, then x₂ given x₁ (two passes). */
  sample(n: number, rng: Rng): tf.Tensor2D {
    return this.made.sample(n, rng) as tf.Tensor2D;
  }

  dispose(): void {
    this.training.dispose();
    this.made.dispose();
  }
}
