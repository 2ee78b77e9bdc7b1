/** The density playground's Gaussian mixture, fitted by EM (one E+M iteration per step). */
import type { Rng } from '@gen/core';
import { GaussianMixture } from '@gen/mixture';
import * as tf from '@tensorflow/tfjs-core';
import type { DensityModel, ModelSettings } from './model.js';

/** `GaussianMixture` (full covariances, k-means init) behind {@link DensityModel}. */
export class GmmModel implements DensityModel {
  readonly heatKind = 'log-density';
  readonly metricName = 'mean log-likelihood (EM bound, nats, training units)';
  private readonly gm: GaussianMixture;
  private initialised = false;

  constructor(settings: ModelSettings) {
    this.gm = new GaussianMixture({
      components: settings.components,
      covariance: 'full',
      seed: settings.seed,
      validateArgs: false,
    });
  }

  /** Initialises by k-means on the first call, then runs `n` EM iterations (returns the bound). */
  async train(x: tf.Tensor2D, n: number, _rng: Rng): Promise<number> {
    if (!this.initialised) {
      await this.gm.initialize(x);
      this.initialised = true;
    }
    let bound = Number.NaN;
    for (let i = 0; i < n; i += 1) bound = (await this.gm.emStep(x)).lowerBound;
    if (n > 0) return bound;
    // No EM bound yet (the initialisation reports none): the mean log-likelihood itself.
    const score = this.gm.score(x);
    const value = (await score.data())[0]!;
    score.dispose();
    return value;
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

  /** GaussianMixture has no dispose(): its variables are all it holds on the device. */
  dispose(): void {
    tf.dispose(this.gm.trainableVariables);
  }
}
