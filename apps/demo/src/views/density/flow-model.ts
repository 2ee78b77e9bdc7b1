/** The density playground's flow: RealNVP (4 affine couplings) trained by maximum likelihood. */
import type { Rng } from '@gen/core';
import { AffineCoupling, Flow, standardNormal } from '@gen/flows';
import type * as tf from '@tensorflow/tfjs-core';
import { ChunkTrainer, meanLoss } from './chunk-trainer.js';
import type { DensityModel, ModelSettings } from './model.js';

/** Coupling layers, alternating which coordinate is kept. */
const LAYERS = 4;
const HIDDEN = [32, 32];

/** A RealNVP `Flow` trained by @gen/train (Adam, ε = 1e-7) behind {@link DensityModel}. */
export class FlowModel implements DensityModel {
  readonly heatKind = 'log-density';
  readonly metricName = 'NLL (nats, training units)';
  private readonly flow: Flow;
  readonly training: ChunkTrainer;

  constructor(settings: ModelSettings) {
    this.flow = new Flow({
      base: standardNormal(2),
      transforms: Array.from(
        { length: LAYERS },
        (_, i) =>
          new AffineCoupling({
            dim: 2,
            hiddenSizes: HIDDEN,
            parity: (i % 2) as 0 | 1,
            seed: settings.seed + i,
          }),
      ),
    });
    this.training = new ChunkTrainer(
      this.flow,
      { batchSize: settings.batchSize, learningRate: settings.learningRate },
      { fromRow: (row) => row.loss!, measure: meanLoss(this.flow) },
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

  heat(points: tf.Tensor2D): tf.Tensor1D {
    return this.flow.logProb(points) as tf.Tensor1D;
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    return this.flow.sample(n, rng) as tf.Tensor2D;
  }

  dispose(): void {
    this.training.dispose();
    this.flow.dispose();
  }
}
