/** The density playground's Gaussian mixture, fitted by EM (one E+M iteration per step). */
import type { Rng } from '@gen/core';
import { GaussianMixture } from '@gen/mixture';
import type * as tf from '@tensorflow/tfjs-core';
import { ChunkTrainer } from './chunk-trainer.js';
import type { DensityModel, ModelSettings } from './model.js';

/**
 * `GaussianMixture` (full covariances, started from k-means++ seeds) fitted by @gen/train's EM trainer (its
 * `fitEm`, run step-wise) behind {@link DensityModel}.
 */
export class GmmModel implements DensityModel {
  readonly heatKind = 'log-density';
  readonly metricName = 'mean log-likelihood (EM bound, nats, training units)';
  private readonly gm: GaussianMixture;
  readonly training: ChunkTrainer;

  constructor(settings: ModelSettings) {
    const gm = new GaussianMixture({
      components: settings.components,
      covariance: 'full',
      // k-means++ seeding alone (data rows as centres, one M-step, no Lloyd iterations): step 0
      // shows an unfitted start that EM then fits step by step (a full k-means start would
      // already look fitted).
      init: 'kmeans++',
      seed: settings.seed,
      validateArgs: false,
    });
    this.gm = gm;
    this.training = new ChunkTrainer(
      gm,
      // EM keeps iterating until the user pauses, as the playground's other models do.
      { kind: 'em', tolerance: 0 },
      {
        // The trainer's EM loss is the negative bound.
        fromRow: (row) => -row.loss!,
        // No EM bound yet (the initialisation reports none): the mean log-likelihood itself.
        measure: (x) => gm.score(x),
      },
      1,
    );
  }

  get stepsPerChunk(): number {
    return this.training.stepsPerChunk;
  }

  /** Initialises from k-means++ seeds on the first call, then runs `n` EM iterations (returns the bound). */
  train(x: tf.Tensor2D, n: number, rng: Rng): Promise<number> {
    return this.training.train(x, n, rng);
  }

  heat(points: tf.Tensor2D): tf.Tensor1D {
    return this.gm.logProb(points) as tf.Tensor1D;
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    return this.gm.sample(n, rng) as tf.Tensor2D;
  }

  clusters(x: tf.Tensor2D): tf.Tensor1D {
    return this.gm.predict(x) as tf.Tensor1D;
  }

  dispose(): void {
    this.training.dispose();
    this.gm.dispose();
  }
}
