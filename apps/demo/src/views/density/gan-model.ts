/** The density playground's GAN (any loss of the zoo); its heatmap is the discriminator's output. */
import type { Rng } from '@gen/core';
import { Gan, parseGanLoss } from '@gen/gan';
import { adam } from '@gen/train';
import type * as tf from '@tensorflow/tfjs-core';
import { ChunkTrainer } from './chunk-trainer.js';
import type { DensityModel, ModelSettings } from './model.js';

/**
 * `Gan.mlp` (2×64 leaky ReLU, z ∈ R⁸) trained by @gen/train's adversarial loop with two
 * Adam(β₁ = 0.5) optimisers, behind {@link DensityModel}.
 */
export class GanModel implements DensityModel {
  readonly heatKind = 'discriminator';
  readonly metricName = 'generator loss';
  private readonly gan: Gan;
  private readonly dOpt: tf.Optimizer;
  private readonly gOpt: tf.Optimizer;
  readonly training: ChunkTrainer;

  constructor(settings: ModelSettings) {
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 8,
      hiddenSizes: [64, 64],
      loss: parseGanLoss(settings.lossKey),
      seed: settings.seed,
    });
    this.gan = gan;
    this.dOpt = adam(settings.learningRate, { beta1: 0.5 });
    this.gOpt = adam(settings.learningRate, { beta1: 0.5 });
    this.training = new ChunkTrainer(
      gan,
      {
        batchSize: settings.batchSize,
        discriminatorSteps: gan.discriminatorSteps,
        discriminatorOptimizer: this.dOpt,
        generatorOptimizer: this.gOpt,
      },
      {
        fromRow: (row) => row.generatorLoss!,
        measure: (_x, rng) => gan.generatorLoss(settings.batchSize, rng),
      },
      10,
    );
  }

  get stepsPerChunk(): number {
    return this.training.stepsPerChunk;
  }

  /**
   * `n` generator steps, each after `gan.discriminatorSteps` discriminator steps; returns the
   * mean generator loss of the last chunk.
   */
  train(x: tf.Tensor2D, n: number, rng: Rng): Promise<number> {
    return this.training.train(x, n, rng);
  }

  heat(points: tf.Tensor2D): tf.Tensor1D {
    return this.gan.critic(points) as tf.Tensor1D;
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    return this.gan.sample(n, rng) as tf.Tensor2D;
  }

  dispose(): void {
    this.training.dispose();
    this.gan.dispose();
    this.dOpt.dispose();
    this.gOpt.dispose();
  }
}
