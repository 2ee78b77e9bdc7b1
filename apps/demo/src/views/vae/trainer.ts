import { type ConditionalBatch, InvalidArgumentError, invalidArgument, Rng } from '@gen/core';
import { batches, bernoulliBinarize } from '@gen/data';
import { Independent, kl, Normal } from '@gen/distributions';
import {
  adam,
  type CheckpointStore,
  createTrainer,
  memoryCheckpointStore,
  type Trainer,
} from '@gen/train';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import type { MnistTensors } from './mnist-tensors.js';

/**
 * The user's settings; latent size, hidden width, β and `conditional` take effect through a
 * reset.
 */
export interface VaeSettings {
  learningRate: number;
  batchSize: number;
  beta: number;
  latentSize: number;
  hiddenSize: number;
  /**
   * A conditional VAE on the digit's one-hot label (`conditionSize: 10`): q(z | x, c) and
   * p(x | z, c). Absent means false (the unconditional model).
   */
  conditional?: boolean;
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
  conditional: false,
};

/** Classes of MNIST: a conditional model's condition is a one-hot row of this length. */
export const DIGITS = 10;

/** Optimiser steps per chunk of the view; the training loss is read once per chunk. */
export const STEPS_PER_CHUNK = 5;
/** The view trains until paused or reset; a trainer needs a total it never reaches. */
const UNBOUNDED_STEPS = Number.MAX_SAFE_INTEGER;
/** Checkpoints are written only when asked ({@link VaeTrainer.snapshot}). */
const NEVER = 1_000_000_000;

/**
 * A run captured by {@link VaeTrainer.snapshot}: @gen/train checkpoint bytes of the current
 * trainer (weights, Adam's state, the data position and Rng state, the trainer's step), the
 * steps of the trainers a batch-size change replaced before it, and the settings.
 */
export interface VaeSnapshot {
  /** The checkpoint's step: optimiser steps of the current trainer. */
  step: number;
  /** Steps of the replaced trainers; the run's step is their sum. */
  earlierSteps: number;
  /** Trainers made so far (the data stream of the n-th comes from the n-th split of the seed). */
  trainers: number;
  bytes: Uint8Array;
  settings: VaeSettings;
}

/** One-hot rows [n, {@link DIGITS}] (float32) of digit labels. */
export function oneHotDigits(labels: ArrayLike<number>): tf.Tensor2D {
  const values = new Float32Array(labels.length * DIGITS);
  for (let i = 0; i < labels.length; i++) {
    const digit = labels[i]!;
    if (!Number.isInteger(digit) || digit < 0 || digit >= DIGITS) {
      throw invalidArgument('oneHotDigits', `labels[${i}]`, digit, 'must be a digit 0–9');
    }
    values[i * DIGITS + digit] = 1;
  }
  return tf.tensor2d(values, [labels.length, DIGITS]);
}

/** The conditions of a conditional training stream: one row per image, and the row indices. */
export interface TrainingConditions {
  /** [n, C]: row i is image i's condition. */
  conditions: tf.Tensor2D;
  /** int32 [n]: 0, 1, …, n − 1 (what the batcher shuffles). */
  rows: tf.Tensor1D;
}

/** The {@link TrainingConditions} of `conditions`; the caller disposes both tensors. */
export function trainingConditions(conditions: tf.Tensor2D): TrainingConditions {
  return { conditions, rows: tf.range(0, conditions.shape[0], 1, 'int32') };
}

/**
 * The endless training stream of `images` (grey levels in [0, 1]): seeded shuffled batches of
 * `batchSize` rows, binarised afresh per batch (@gen/data's batcher with `bernoulliBinarize`).
 * With `conditional` each batch is `{ x, condition }`, the images' rows with their own condition
 * rows: the batcher draws row indices, and each batch gathers both tensors by them, so the
 * images (and their binarisation) are exactly those of the stream without conditions. The
 * caller owns each batch (the trainer disposes it after its step).
 */
export function* trainingBatches(
  images: tf.Tensor2D,
  conditional: TrainingConditions | undefined,
  batchSize: number,
  rng: Rng,
): Generator<tf.Tensor | ConditionalBatch> {
  const options = { batchSize, rng, epochs: Number.POSITIVE_INFINITY };
  if (conditional === undefined) {
    const stream = batches(images, { ...options, map: bernoulliBinarize });
    for (let batch = stream.take(); batch !== undefined; batch = stream.take()) yield batch;
    return;
  }
  const { conditions, rows } = conditional;
  const [n, width] = [images.shape[0], images.shape[1]];
  if (conditions.shape[0] !== n || rows.shape[0] !== n) {
    throw invalidArgument(
      'trainingBatches',
      'conditional',
      conditional,
      `must have one condition and one row index per image (${n})`,
    );
  }
  // One tensor per batch from the batcher: binarised images and their conditions side by side.
  const stream = batches(rows, {
    ...options,
    map: (index, batchRng) =>
      tf.concat(
        [bernoulliBinarize(tf.gather(images, index), batchRng), tf.gather(conditions, index)],
        1,
      ),
  });
  for (let both = stream.take(); both !== undefined; both = stream.take()) {
    const pair = {
      x: tf.slice(both, [0, 0], [-1, width]),
      condition: tf.slice(both, [0, width], [-1, -1]),
    };
    both.dispose();
    yield pair;
  }
}

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
  /**
   * A conditional model's one-hot conditions of the training, test and held-out digits
   * (undefined for the unconditional model).
   */
  readonly conditions:
    | { train: TrainingConditions; test: tf.Tensor2D; evalBatch: tf.Tensor2D }
    | undefined;
  private trainer: Trainer;
  private store: CheckpointStore = memoryCheckpointStore({ keep: 1 });
  /** Steps of the trainers that a batch-size change replaced. */
  private earlierSteps = 0;
  /** Trainers made so far. */
  private trainers = 0;

  /**
   * A new run with fresh weights (seeded by `seed`), or, with `restored` (a {@link VaeSnapshot},
   * e.g. taken before a backend switch), that run continued with its settings: weights, Adam's
   * state, data position and step come from the snapshot once {@link begin} (or the first
   * {@link train}) has read it.
   */
  constructor(
    private readonly data: MnistTensors,
    settings: VaeSettings,
    seed = 0,
    restored?: VaeSnapshot,
  ) {
    if (restored !== undefined) settings = restored.settings;
    this.settings = { ...settings, conditional: settings.conditional === true };
    if (this.settings.conditional) {
      if (data.trainLabels === undefined) {
        throw invalidArgument(
          'VaeTrainer',
          'data.trainLabels',
          undefined,
          'must hold the training labels for a conditional model',
        );
      }
      const test = oneHotDigits(data.testLabels);
      let train: tf.Tensor2D;
      try {
        train = oneHotDigits(data.trainLabels);
      } catch (error) {
        test.dispose();
        throw error;
      }
      this.conditions = {
        train: trainingConditions(train),
        test,
        evalBatch: tf.slice(test, [0, 0], [data.evalBatch.shape[0], -1]),
      };
    }
    this.vae = Vae.mlp({
      inputSize: data.train.shape[1],
      hiddenSizes: [settings.hiddenSize],
      latentSize: settings.latentSize,
      likelihood: 'bernoulli',
      beta: settings.beta,
      seed,
      ...(this.conditions === undefined ? {} : { conditionSize: DIGITS }),
    });
    this.rng = Rng.fromSeed(seed + 1);
    this.optimizer = adam(settings.learningRate);
    if (restored !== undefined) {
      this.earlierSteps = restored.earlierSteps;
      // The restored trainer's data stream is the one its run had: skip the earlier splits.
      for (let i = 1; i < restored.trainers; i++) this.rng.split(2);
      this.trainers = restored.trainers - 1;
      // The memory store keeps the bytes at once; a bad checkpoint is refused by the first run.
      void this.store.save(restored.step, restored.bytes).catch(() => undefined);
    }
    this.trainer = this.makeTrainer(restored !== undefined);
  }

  /** Starts the trainer (reads a restored checkpoint), so {@link steps} is the run's. */
  async begin(): Promise<void> {
    await this.trainer.run(0);
  }

  /** The run as checkpoint bytes (@gen/train's format) at the current step. */
  async snapshot(): Promise<VaeSnapshot> {
    await this.trainer.save();
    const step = this.trainer.status.step;
    const bytes = await this.store.load(step);
    if (bytes === undefined) throw new Error('VaeTrainer.snapshot: no checkpoint was written');
    return {
      step,
      earlierSteps: this.earlierSteps,
      trainers: this.trainers,
      bytes,
      settings: { ...this.settings },
    };
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

  /** Whether the model is a conditional VAE on the digits' one-hot labels. */
  get conditional(): boolean {
    return this.conditions !== undefined;
  }

  /** The held-out batch as the model takes it: the images, with their conditions if conditional. */
  private heldOutBatch(): tf.Tensor | ConditionalBatch {
    const x = this.data.evalBatch;
    return this.conditions === undefined ? x : { x, condition: this.conditions.evalBatch };
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
      const x = this.heldOutBatch();
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
    this.store = memoryCheckpointStore({ keep: 1 });
    this.trainer = this.makeTrainer(false);
  }

  /** Disposes the trainer, the optimiser, the model and a conditional model's conditions. */
  dispose(): void {
    this.trainer.dispose();
    this.optimizer.dispose();
    this.vae.dispose();
    const c = this.conditions;
    if (c !== undefined) tf.dispose([c.train.conditions, c.train.rows, c.test, c.evalBatch]);
  }

  private makeTrainer(resume: boolean): Trainer {
    this.trainers += 1;
    const [dataRng, lossRng] = this.rng.split(2) as [Rng, Rng];
    const { train } = this.data;
    const { batchSize } = this.settings;
    const conditional = this.conditions?.train;
    // Fresh binarisations, so the data is an iterable (the trainer owns and disposes each batch);
    // a conditional model's batches are `{ x, condition }`.
    const binarised = {
      [Symbol.iterator]: () => trainingBatches(train, conditional, batchSize, dataRng),
    };
    return createTrainer<tf.Tensor | ConditionalBatch>(this.vae, binarised, {
      steps: UNBOUNDED_STEPS,
      optimizer: this.optimizer,
      // Read before every step, so a new rate applies without a new trainer.
      learningRate: () => this.settings.learningRate,
      rng: lossRng,
      logEvery: STEPS_PER_CHUNK,
      checkpoint: { store: this.store, every: NEVER },
      ...(resume ? { resume: this.store } : {}),
    });
  }
}
