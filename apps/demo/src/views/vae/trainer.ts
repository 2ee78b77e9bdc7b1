import { InvalidArgumentError, Rng } from '@gen/core';
import { type BatchIterator, batches, bernoulliBinarize } from '@gen/data';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import type { MnistTensors } from './mnist-tensors.js';

/** The user's settings; latent size, hidden width and β take effect through a reset. */
export interface VaeSettings {
  learningRate: number;
  batchSize: number;
  beta: number;
  latentSize: number;
  hiddenSize: number;
}

/** A small default model: 784-256-2 with a Bernoulli decoder, so the latent map is the latent space. */
export const DEFAULT_SETTINGS: Readonly<VaeSettings> = {
  learningRate: 1e-3,
  batchSize: 64,
  beta: 1,
  latentSize: 2,
  hiddenSize: 256,
};

/** Adam with an explicit ε = 1e-7 (WebGL's backend default is 1e-4). */
function adam(learningRate: number): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
}

/**
 * One VAE being trained on MNIST with dynamically binarised batches; owns the model, the
 * optimiser and the batch stream (not the data, which the view keeps across resets).
 */
export class VaeTrainer {
  readonly vae: Vae;
  readonly settings: VaeSettings;
  /** Steps done since construction. */
  steps = 0;
  private optimizer: tf.Optimizer;
  private stream: BatchIterator;
  private readonly rng: Rng;

  constructor(
    private readonly data: MnistTensors,
    settings: VaeSettings,
    seed = 0,
  ) {
    this.settings = { ...settings };
    this.vae = Vae.mlp({
      inputSize: data.train.shape[1],
      hiddenSizes: [settings.hiddenSize],
      latentSize: settings.latentSize,
      likelihood: 'bernoulli',
      beta: settings.beta,
      seed,
    });
    this.rng = Rng.fromSeed(seed + 1);
    this.optimizer = adam(settings.learningRate);
    this.stream = this.makeStream();
  }

  /**
   * Runs `count` optimiser steps (enqueued, no readback) and returns the last batch's loss,
   * the batch mean of −E_q[log p(x|z)] + β·KL; the caller reads it with `await data()` and
   * disposes it.
   */
  trainSteps(count: number): tf.Scalar {
    if (!Number.isInteger(count) || count < 1) {
      throw new InvalidArgumentError(`VaeTrainer.trainSteps: 'count' must be >= 1, got ${count}`);
    }
    let last: tf.Scalar | undefined;
    for (let i = 0; i < count; i++) {
      const batch = this.stream.next().value;
      if (batch === undefined) throw new Error('VaeTrainer.trainSteps: the batch stream ended');
      last?.dispose();
      last =
        this.optimizer.minimize(
          () => this.vae.loss(batch, this.rng),
          true,
          this.vae.trainableVariables,
        ) ?? undefined;
      this.steps += 1;
    }
    if (last === undefined)
      throw new Error('VaeTrainer.trainSteps: the optimiser returned no loss');
    return last;
  }

  /** −ELBO per example (nats, β = 1) on the held-out batch, with a fixed draw of z. */
  async heldOutNegElbo(): Promise<number> {
    const value = tf.tidy(() =>
      tf.neg(tf.mean(this.vae.elbo(this.data.evalBatch, { rng: Rng.fromSeed(7) }))),
    );
    const [v] = await value.data();
    value.dispose();
    return v ?? Number.NaN;
  }

  /** A new learning rate (a fresh Adam: its moment estimates restart). */
  setLearningRate(learningRate: number): void {
    this.optimizer.dispose();
    this.optimizer = adam(learningRate);
    this.settings.learningRate = learningRate;
  }

  /** A new batch size, from the next step on. */
  setBatchSize(batchSize: number): void {
    this.settings.batchSize = batchSize;
    this.stream.return();
    this.stream = this.makeStream();
  }

  /** Disposes the model, the optimiser and the current batch. */
  dispose(): void {
    this.stream.return();
    this.optimizer.dispose();
    this.vae.dispose();
  }

  private makeStream(): BatchIterator {
    return batches(this.data.train, {
      batchSize: this.settings.batchSize,
      rng: this.rng.split(1)[0]!,
      epochs: Number.POSITIVE_INFINITY,
      map: bernoulliBinarize,
    });
  }
}
