/** The density playground's GAN (any loss of the zoo); its heatmap is the discriminator's output. */
import type { Rng } from '@gen/core';
import { Gan } from '@gen/gan';
import * as tf from '@tensorflow/tfjs-core';
import { lossFromKey } from '../mode-collapse/losses.js';
import { randomBatch } from './batch.js';
import type { DensityModel, ModelSettings } from './model.js';

/** `Gan.mlp` (2×64 leaky ReLU, z ∈ R⁸) and two Adam(β₁ = 0.5) optimisers behind {@link DensityModel}. */
export class GanModel implements DensityModel {
  readonly heatKind = 'discriminator';
  readonly metricName = 'generator loss';
  private readonly gan: Gan;
  private readonly dOpt: tf.Optimizer;
  private readonly gOpt: tf.Optimizer;

  constructor(private readonly settings: ModelSettings) {
    this.gan = Gan.mlp({
      dataSize: 2,
      latentSize: 8,
      hiddenSizes: [64, 64],
      loss: lossFromKey(settings.lossKey),
      seed: settings.seed,
    });
    this.dOpt = tf.train.adam(settings.learningRate, 0.5, 0.999, 1e-7);
    this.gOpt = tf.train.adam(settings.learningRate, 0.5, 0.999, 1e-7);
  }

  /** `n` generator steps, each after `gan.discriminatorSteps` discriminator steps. */
  async train(x: tf.Tensor2D, n: number, rng: Rng): Promise<number> {
    const { batchSize } = this.settings;
    let g: tf.Scalar | null = null;
    for (let i = 0; i < n; i += 1) {
      for (let k = 0; k < this.gan.discriminatorSteps; k += 1) {
        const batch = randomBatch(x, batchSize, rng);
        this.dOpt.minimize(
          () => this.gan.discriminatorLoss(batch, rng),
          false,
          this.gan.discriminatorVariables,
        );
        batch.dispose();
        this.gan.afterDiscriminatorStep();
      }
      g?.dispose();
      g = this.gOpt.minimize(
        () => this.gan.generatorLoss(batchSize, rng),
        true,
        this.gan.generatorVariables,
      );
    }
    g ??= this.gan.generatorLoss(batchSize, rng);
    const value = (await g.data())[0]!;
    g.dispose();
    return value;
  }

  heat(points: tf.Tensor2D): tf.Tensor1D {
    return this.gan.critic(points) as tf.Tensor1D;
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    return this.gan.sample(n, rng) as tf.Tensor2D;
  }

  dispose(): void {
    this.gan.dispose();
    this.dOpt.dispose();
    this.gOpt.dispose();
  }
}
