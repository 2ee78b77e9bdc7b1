/** The density playground's flow: RealNVP (4 affine couplings) trained by maximum likelihood. */
import type { Rng } from '@gen/core';
import { AffineCoupling, Flow, standardNormal } from '@gen/flows';
import * as tf from '@tensorflow/tfjs-core';
import { minibatchSteps } from './batch.js';
import type { DensityModel, ModelSettings } from './model.js';

/** Coupling layers, alternating which coordinate is kept. */
const LAYERS = 4;
const HIDDEN = [32, 32];

/** A RealNVP `Flow` and its Adam optimiser behind {@link DensityModel}. */
export class FlowModel implements DensityModel {
  readonly heatKind = 'log-density';
  readonly metricName = 'NLL (nats, training units)';
  private readonly flow: Flow;
  private readonly optimizer: tf.Optimizer;

  constructor(private readonly settings: ModelSettings) {
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
    this.optimizer = tf.train.adam(settings.learningRate, 0.9, 0.999, 1e-7);
  }

  async train(x: tf.Tensor2D, n: number, rng: Rng): Promise<number> {
    return minibatchSteps(
      this.optimizer,
      this.flow.trainableVariables,
      (batch) => this.flow.loss(batch),
      x,
      { steps: n, batchSize: this.settings.batchSize, rng },
    );
  }

  heat(points: tf.Tensor2D): tf.Tensor1D {
    return this.flow.logProb(points) as tf.Tensor1D;
  }

  sample(n: number, rng: Rng): tf.Tensor2D {
    return this.flow.sample(n, rng) as tf.Tensor2D;
  }

  dispose(): void {
    this.flow.dispose();
    this.optimizer.dispose();
  }
}
