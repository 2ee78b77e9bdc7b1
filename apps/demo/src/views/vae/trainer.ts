import { InvalidArgumentError, Rng } from '@gen/core';
import { batches, bernoulliBinarize } from '@gen/data';
import { Independent, kl, Normal } from '@gen/distributions';
import { adam, createTrainer, type Trainer } from '@gen/train';
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

/** The held-out batch's mean −ELBO and its two terms, nats per image. */
export interface HeldOut {
  negElbo: number;
  /** KL(q(z|x) ‖ p(z)), closed form. */
  kl: number;
  /** −E_q[log p(x|z)] at the metric's fixed draw of z: `negElbo − kl`. */
  reconstruction: number;
}

/** A small default model: 784-256-2 with a Bernoulli decoder, so the latent map is the latent space. */
export const DEFAULT_SETTINGS: Readonly<VaeSettings> = {
  learningRate: 1e-3,
  batchSize: 64,
  beta: 1,
  latentSize: 2,
  hiddenSize: 256,
};

/** Optimiser steps per chunk of the view; the training loss is read once per chunk. */
export const STEPS_PER_CHUNK = 5;
/** The view trains until paused or reset; a trainer needs a total it never reaches. */
const UNBOUNDED_STEPS = Number.MAX_SAFE_INTEGER;

/**
 * One VAE being trained on MNIST by @gen/train, on batches binarised afresh (dynamic
 * binarisation) by @gen/data's seeded batcher; owns the model, the optimiser (Adam, ε = 1e-7:
 * WebGL's backend default is 1e-4) and the trainer, not the data, which the view keeps across
 * resets.
 */
export class VaeTrainer {
  readonly vae: Vae;
  readonly settings: VaeSettings;
  private readonly optimizer: tf.Optimizer;
  private readonly rng: Rng;
  private trainer: Trainer;
  /** Steps of the trainers that a batch-size change replaced. */
  private earlierSteps = 0;

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
    this.trainer = this.makeTrainer();
  }

  /** Steps done since construction. */
  get steps(): number {
    return this.earlierSteps + this.trainer.status.step;
  }

  /**
   * Runs `count` optimiser steps and resolves with the mean loss of the newest history row (one
   * row per {@link STEPS_PER_CHUNK} steps), the batch mean of −E_q[log p(x|z)] + β·KL. A NaN or
   * infinite loss rejects with @gen/train's `NumericalError`.
   */
  async train(count: number): Promise<number> {
    if (!Number.isInteger(count) || count < 1) {
      throw new InvalidArgumentError(`VaeTrainer.train: 'count' must be >= 1, got ${count}`);
    }
    const row = (await this.trainer.run(count)).history.at(-1);
    return row?.loss ?? Number.NaN;
  }

  /** −ELBO per example (nats, β = 1) on the held-out batch, with a fixed draw of z. */
  async heldOutNegElbo(): Promise<number> {
    return (await this.heldOut()).negElbo;
  }

  /**
   * The held-out batch's mean −ELBO (nats, β = 1, a fixed draw of z) and its KL(q(z|x) ‖ N(0, I))
   * term (closed form, @gen/distributions' `kl`); the reconstruction term −E_q[log p(x|z)] is
   * their difference. One read-back.
   */
  async heldOut(): Promise<HeldOut> {
    const values = tf.tidy(() => {
      const x = this.data.evalBatch;
      const negElbo = tf.neg(tf.mean(this.vae.elbo(x, { rng: Rng.fromSeed(7) })));
      const { mean, scale } = this.vae.encode(x);
      const q = new Independent(new Normal({ loc: mean, scale, validateArgs: false }), 1, {
        validateArgs: false,
      });
      const prior = new Independent(
        new Normal({ loc: tf.zerosLike(mean), scale: tf.onesLike(scale), validateArgs: false }),
        1,
        { validateArgs: false },
      );
      return tf.stack([negElbo, tf.mean(kl(q, prior))]);
    });
    const [negElbo = Number.NaN, klTerm = Number.NaN] = await values.data();
    values.dispose();
    return { negElbo, kl: klTerm, reconstruction: negElbo - klTerm };
  }

  /** A new learning rate from the next step on (Adam keeps its moment estimates). */
  setLearningRate(learningRate: number): void {
    this.settings.learningRate = learningRate;
  }

  /** A new batch size from the next step on: a new trainer of the same model and optimiser. */
  setBatchSize(batchSize: number): void {
    this.settings.batchSize = batchSize;
    this.earlierSteps = this.steps;
    this.trainer.dispose();
    this.trainer = this.makeTrainer();
  }

  /** Disposes the trainer, the optimiser and the model. */
  dispose(): void {
    this.trainer.dispose();
    this.optimizer.dispose();
    this.vae.dispose();
  }

  private makeTrainer(): Trainer {
    const [dataRng, lossRng] = this.rng.split(2) as [Rng, Rng];
    const { train } = this.data;
    const { batchSize } = this.settings;
    // Fresh binarisations, so the data is an iterable (the trainer owns and disposes each batch).
    const binarised = {
      *[Symbol.iterator]() {
        const stream = batches(train, {
          batchSize,
          rng: dataRng,
          epochs: Number.POSITIVE_INFINITY,
          map: bernoulliBinarize,
        });
        for (let batch = stream.take(); batch !== undefined; batch = stream.take()) yield batch;
      },
    };
    return createTrainer(this.vae, binarised, {
      steps: UNBOUNDED_STEPS,
      optimizer: this.optimizer,
      // Read before every step, so a new rate applies without a new trainer.
      learningRate: () => this.settings.learningRate,
      rng: lossRng,
      logEvery: STEPS_PER_CHUNK,
    });
  }
}
