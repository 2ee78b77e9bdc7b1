/**
 * One deterministic (optionally denoising) autoencoder, `Autoencoder.mlp` of @gen/vae with a
 * Bernoulli (binary cross-entropy) reconstruction loss, trained on the demo's MNIST asset by
 * @gen/train's `createTrainer`, with the held-out metrics and the tensors the panels draw.
 */
import { InvalidArgumentError, Rng } from '@gen/core';
import { batches, bernoulliBinarize } from '@gen/data';
import {
  adam,
  type CheckpointStore,
  createTrainer,
  memoryCheckpointStore,
  type Trainer,
} from '@gen/train';
import { Autoencoder, type Corruption } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import type { MnistTensors } from '../vae/mnist-tensors.js';
import { type CodeStats, codeStats, traversalCodes } from './traversal.js';

/** What corrupts the input of a denoising autoencoder (none: a plain autoencoder). */
export type NoiseKind = 'none' | 'mask' | 'gaussian';

/** The user's settings; latent size and hidden width take effect through a restart. */
export interface AeSettings {
  learningRate: number;
  batchSize: number;
  latentSize: number;
  hiddenSize: number;
  noise: NoiseKind;
  /** Probability of zeroing a pixel ('mask') or the noise's σ ('gaussian'). */
  noiseLevel: number;
}

export const DEFAULT_SETTINGS: Readonly<AeSettings> = {
  learningRate: 1e-3,
  batchSize: 64,
  latentSize: 2,
  hiddenSize: 256,
  noise: 'none',
  noiseLevel: 0.3,
};

/** The package's corruption for `kind` at `level` (null without noise or at level 0). */
export function corruptionOf(kind: NoiseKind, level: number): Corruption | null {
  if (kind === 'none' || level === 0) return null;
  return kind === 'mask' ? { type: 'mask', rate: level } : { type: 'gaussian', std: level };
}

/** Optimiser steps per chunk of the view; the training loss is read once per chunk. */
export const STEPS_PER_CHUNK = 5;
/** Test digits shown in the reconstruction rows (the first of the test asset). */
export const RECON_COUNT = 10;
/** Test digits on the code map and behind the traversal's per-dimension spread. */
export const MAP_POINTS = 500;
/** Images per traversal row. */
export const TRAVERSAL_STEPS = 9;
/** Traversal span in standard deviations of each dimension's codes. */
export const TRAVERSAL_SPAN = 3;
/** Seed of the fixed corruption drawn for the panels and the held-out denoising loss. */
const DISPLAY_NOISE_SEED = 5;
/** The view trains until paused or reset; a trainer needs a total it never reaches. */
const UNBOUNDED_STEPS = Number.MAX_SAFE_INTEGER;
/** Checkpoints are written only when asked ({@link AeTrainer.snapshot}). */
const NEVER = 1_000_000_000;

/**
 * A run captured by {@link AeTrainer.snapshot}: @gen/train checkpoint bytes of the current
 * trainer (weights, Adam's state, the data position and Rng state, the trainer's step), the
 * steps of the trainers a settings change replaced before it, and the settings.
 */
export interface AeSnapshot {
  /** The checkpoint's step: optimiser steps of the current trainer. */
  step: number;
  /** Steps of the replaced trainers; the run's step is their sum. */
  earlierSteps: number;
  /** Trainers made so far (the data stream of the n-th comes from the n-th split of the seed). */
  trainers: number;
  bytes: Uint8Array;
  settings: AeSettings;
}

/** Held-out reconstruction losses, nats per image (binary cross-entropy summed over pixels). */
export interface HeldOut {
  /** From the clean test digits. */
  clean: number;
  /** From the same digits corrupted by the training noise (a fixed draw); NaN without noise. */
  denoising: number;
}

/** What the panels draw, read back to JS. */
export interface PanelData {
  inputs: Float32Array;
  /** The corrupted inputs (null without noise). */
  corrupted: Float32Array | null;
  /** Reconstructions of the inputs (of the corrupted ones with noise). */
  reconstructions: Float32Array;
  /** Codes of the first {@link MAP_POINTS} test digits, [n, latentSize] row-major. */
  codes: Float32Array;
  stats: CodeStats;
  /** The picked digit's traversal, latentSize rows of {@link TRAVERSAL_STEPS} images. */
  traversal: Float32Array;
  /** The picked digit's own code. */
  pickedCode: Float32Array;
}

/**
 * Owns the autoencoder, its Adam optimiser (ε = 1e-7) and the trainer; not the data, which the
 * view keeps across restarts. Batches are binarised afresh (dynamic binarisation) by @gen/data's
 * seeded batcher; the corruption noise comes from the trainer's rng.
 */
export class AeTrainer {
  readonly settings: AeSettings;
  private model: Autoencoder;
  private readonly optimizer: tf.Optimizer;
  private readonly rng: Rng;
  private trainer: Trainer;
  private store: CheckpointStore = memoryCheckpointStore({ keep: 1 });
  /** Steps of the trainers that a batch-size or noise change replaced. */
  private earlierSteps = 0;
  /** Trainers made so far. */
  private trainers = 0;

  /**
   * A new run with fresh weights (seeded by `seed`), or, with `restored` (an {@link AeSnapshot},
   * e.g. taken before a backend switch), that run continued with its settings: weights, Adam's
   * state, data position and step come from the snapshot once {@link begin} (or the first
   * {@link train}) has read it.
   */
  constructor(
    private readonly data: MnistTensors,
    settings: AeSettings,
    seed = 0,
    restored?: AeSnapshot,
  ) {
    if (restored !== undefined) settings = restored.settings;
    this.settings = { ...settings };
    const noise = corruptionOf(settings.noise, settings.noiseLevel);
    this.model = Autoencoder.mlp({
      inputSize: data.train.shape[1],
      hiddenSizes: [settings.hiddenSize],
      latentSize: settings.latentSize,
      loss: 'bernoulli',
      ...(noise === null ? {} : { noise }),
      seed,
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
  async snapshot(): Promise<AeSnapshot> {
    await this.trainer.save();
    const step = this.trainer.status.step;
    const bytes = await this.store.load(step);
    if (bytes === undefined) throw new Error('AeTrainer.snapshot: no checkpoint was written');
    return {
      step,
      earlierSteps: this.earlierSteps,
      trainers: this.trainers,
      bytes,
      settings: { ...this.settings },
    };
  }

  get autoencoder(): Autoencoder {
    return this.model;
  }

  /** Steps done since construction. */
  get steps(): number {
    return this.earlierSteps + this.trainer.status.step;
  }

  /**
   * Runs `count` optimiser steps and resolves with the mean training loss (nats per image, from
   * the corrupted batch when denoising) of the newest history row. A NaN or infinite loss
   * rejects with @gen/train's `NumericalError`.
   */
  async train(count: number): Promise<number> {
    if (!Number.isInteger(count) || count < 1) {
      throw new InvalidArgumentError(`AeTrainer.train: 'count' must be >= 1, got ${count}`);
    }
    const row = (await this.trainer.run(count)).history.at(-1);
    return row?.loss ?? Number.NaN;
  }

  /** Held-out reconstruction losses on the evaluation batch (see {@link HeldOut}). */
  async heldOut(): Promise<HeldOut> {
    const { evalBatch } = this.data;
    const ae = this.model;
    const values = tf.tidy(() => {
      const clean = tf.mean(ae.reconstructionLoss(evalBatch));
      if (ae.noise === null) return [clean];
      const noisy = ae.corrupt(evalBatch, Rng.fromSeed(DISPLAY_NOISE_SEED));
      return [clean, tf.mean(ae.reconstructionLoss(evalBatch, noisy))];
    });
    const read = await Promise.all(values.map((t) => t.data()));
    tf.dispose(values);
    return { clean: read[0]?.[0] ?? Number.NaN, denoising: read[1]?.[0] ?? Number.NaN };
  }

  /** A new learning rate from the next step on (Adam keeps its moment estimates). */
  setLearningRate(learningRate: number): void {
    this.settings.learningRate = learningRate;
  }

  /** A new batch size from the next step on: a new trainer of the same model and optimiser. */
  setBatchSize(batchSize: number): void {
    this.settings.batchSize = batchSize;
    this.replaceTrainer();
  }

  /**
   * New input corruption from the next step on. The weights and Adam's state stay: the same two
   * networks are wrapped in a new `Autoencoder` with the new noise, trained by a new trainer.
   */
  setNoise(kind: NoiseKind, level: number): void {
    const noise = corruptionOf(kind, level);
    const next = new Autoencoder({
      encoder: this.model.encoder,
      decoder: this.model.decoder,
      loss: 'bernoulli',
      ...(noise === null ? {} : { noise }),
    });
    this.settings.noise = kind;
    this.settings.noiseLevel = level;
    // The old wrapper is dropped without dispose(): it shares (and would free) the networks.
    this.model = next;
    this.replaceTrainer();
  }

  /**
   * Encodes and decodes what the panels show: the first {@link RECON_COUNT} test digits, their
   * corruption (fixed draw) and reconstructions; the codes of {@link MAP_POINTS} test digits and
   * their per-dimension spread; the traversal of test digit `picked`.
   */
  async panels(picked: number): Promise<PanelData> {
    const { test } = this.data;
    if (!Number.isInteger(picked) || picked < 0 || picked >= test.shape[0]) {
      throw new InvalidArgumentError(
        `AeTrainer.panels: 'picked' must be a test digit index in [0, ${test.shape[0] - 1}], got ${picked}`,
      );
    }
    const ae = this.model;
    const L = this.settings.latentSize;
    const first = tf.tidy(() => {
      const inputs = tf.slice(test, [0, 0], [RECON_COUNT, -1]);
      // Without noise this is a copy of the inputs (not shown).
      const corrupted = ae.corrupt(inputs, Rng.fromSeed(DISPLAY_NOISE_SEED));
      const mapCount = Math.min(MAP_POINTS, test.shape[0]);
      return {
        inputs,
        corrupted,
        reconstructions: ae.reconstruct(corrupted),
        codes: ae.encode(tf.slice(test, [0, 0], [mapCount, -1])),
        picked: ae.encode(tf.slice(test, [picked, 0], [1, -1])),
      };
    });
    try {
      const [inputs, corrupted, reconstructions, codes, pickedCode] = await Promise.all([
        first.inputs.data() as Promise<Float32Array>,
        ae.noise === null ? null : (first.corrupted.data() as Promise<Float32Array>),
        first.reconstructions.data() as Promise<Float32Array>,
        first.codes.data() as Promise<Float32Array>,
        first.picked.data() as Promise<Float32Array>,
      ]);
      const stats = codeStats(codes, L);
      const grid = traversalCodes(pickedCode, stats, TRAVERSAL_STEPS, TRAVERSAL_SPAN);
      const decoded = tf.tidy(() => ae.decode(tf.tensor2d(grid, [L * TRAVERSAL_STEPS, L])));
      const traversal = (await decoded.data()) as Float32Array;
      decoded.dispose();
      return { inputs, corrupted, reconstructions, codes, stats, traversal, pickedCode };
    } finally {
      tf.dispose(Object.values(first));
    }
  }

  /** Disposes the trainer, the optimiser and the model. */
  dispose(): void {
    this.trainer.dispose();
    this.optimizer.dispose();
    this.model.dispose();
  }

  private replaceTrainer(): void {
    this.earlierSteps = this.steps;
    this.trainer.dispose();
    this.store = memoryCheckpointStore({ keep: 1 });
    this.trainer = this.makeTrainer(false);
  }

  private makeTrainer(resume: boolean): Trainer {
    this.trainers += 1;
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
    return createTrainer(this.model, binarised, {
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
