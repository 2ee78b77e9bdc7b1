/**
 * The DCGAN view's model: `Gan.dcgan` with the released run's options, trained by @gen/train's
 * adversarial loop (k discriminator updates per generator update, two Adam optimisers with the
 * run's β = (0.5, 0.9)) on the grey MNIST training digits, one generator step per chunk.
 */
import { InvalidArgumentError, Rng } from '@gen/core';
import { discriminatorObjective, Gan } from '@gen/gan';
import { isModule } from '@gen/nn';
import {
  adam,
  type CheckpointStore,
  createTrainer,
  memoryCheckpointStore,
  type Trainer,
} from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { DCGAN_OPTIONS } from './pretrained-dcgan.js';

/** The user's settings; each takes effect from the next step on. */
export interface DcganSettings {
  learningRate: number;
  batchSize: number;
  discriminatorSteps: number;
}

/** The released run's: Adam 2e-4, batch 64, one discriminator step per generator step. */
export const DEFAULT_SETTINGS: Readonly<DcganSettings> = {
  learningRate: 2e-4,
  batchSize: 64,
  discriminatorSteps: 1,
};

/** Bounds of the settings (the view's fields). */
export const SETTING_RANGES = {
  learningRate: { min: 1e-6, max: 1e-2 },
  batchSize: { min: 2, max: 256 },
  discriminatorSteps: { min: 1, max: 10 },
} as const;

/** Generator steps per chunk: a DCGAN step takes hundreds of ms on wasm, so one. */
export const STEPS_PER_CHUNK = 1;
/** The view trains until paused or reset; a trainer needs a total it never reaches. */
const UNBOUNDED_STEPS = Number.MAX_SAFE_INTEGER;
/** Checkpoints are written only when asked ({@link DcganTrainer.snapshot}). */
const NEVER = 1_000_000_000;

/**
 * A run captured by {@link DcganTrainer.snapshot}: @gen/train checkpoint bytes of the current
 * trainer (weights, both Adam states, the data order and Rng state, the trainer's step) and the
 * steps of the trainers a settings change replaced before it.
 */
export interface DcganSnapshot {
  /** The checkpoint's step: generator steps of the current trainer. */
  step: number;
  /** Generator steps of the replaced trainers; the run's step is their sum. */
  earlierSteps: number;
  bytes: Uint8Array;
  settings: DcganSettings;
}

/** Mean losses of the last chunk. */
export interface StepLosses {
  discriminator: number;
  generator: number;
}

/**
 * G(z) for the latents `z: [n, latentSize]` in inference mode (batch normalisation with its
 * running statistics, as `Gan.sample` draws), as `[n, 784]`; the caller owns it. Its running
 * statistics stay as they were.
 */
export function generateFrom(gan: Gan, z: tf.Tensor2D): tf.Tensor2D {
  const g = gan.generator;
  const wasTraining = isModule(g) && g.training;
  if (isModule(g)) g.setTraining(false);
  try {
    return tf.tidy(() => tf.reshape(g.apply(z), [z.shape[0], -1]) as tf.Tensor2D);
  } finally {
    if (isModule(g)) g.setTraining(wasTraining);
  }
}

/**
 * The discriminator's loss when it cannot tell real from fake, D = σ(0) = ½ on both (logits 0):
 * @gen/gan's `discriminatorObjective` there; 2·log 2 ≈ 1.386 for the non-saturating loss.
 */
export async function equilibriumDiscriminatorLoss(loss: Gan['loss']): Promise<number> {
  const value = tf.tidy(() => discriminatorObjective(loss, tf.zeros([1]), tf.zeros([1])));
  const [v] = await value.data();
  value.dispose();
  return v ?? Number.NaN;
}

/** What the view draws after a chunk: G on the fixed latents and the critic's loss on them. */
export interface Evaluation {
  /** G(z) for each latent row, [n·784] grey levels in [0, 1]. */
  samples: Float32Array;
  /**
   * The discriminator's loss (@gen/gan's `discriminatorObjective`) on the fixed real batch and
   * the fakes G(z) of the first as many latents.
   */
  discriminatorLoss: number;
}

/**
 * A `Gan.dcgan` with the released options, its two optimisers and its trainer; owns those, not
 * the data. `dispose()` frees every tensor it made.
 */
export class DcganTrainer {
  readonly gan: Gan;
  readonly settings: DcganSettings;
  private readonly dOpt: tf.Optimizer;
  private readonly gOpt: tf.Optimizer;
  private readonly rng: Rng;
  private trainer: Trainer;
  private store: CheckpointStore = memoryCheckpointStore({ keep: 1 });
  /** Steps of the trainers that a batch-size or discriminator-steps change replaced. */
  private earlierSteps = 0;

  /**
   * A new run with fresh weights (seeded by `seed`), or, with `restored` (a
   * {@link DcganSnapshot}, e.g. taken before a backend switch), that run continued: its settings,
   * weights, optimiser states, data order and step come from the snapshot, once {@link begin}
   * (or the first {@link train}) has read it.
   */
  constructor(
    private readonly data: tf.Tensor2D,
    settings: DcganSettings,
    seed = 0,
    restored?: DcganSnapshot,
  ) {
    this.settings = { ...(restored?.settings ?? settings) };
    this.gan = Gan.dcgan({ ...DCGAN_OPTIONS, seed });
    const { learningRate } = settings;
    this.dOpt = adam(learningRate, { beta1: 0.5, beta2: 0.9 });
    this.gOpt = adam(learningRate, { beta1: 0.5, beta2: 0.9 });
    this.rng = Rng.fromSeed(seed + 1);
    if (restored !== undefined) {
      this.earlierSteps = restored.earlierSteps;
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
  async snapshot(): Promise<DcganSnapshot> {
    await this.trainer.save();
    const step = this.trainer.status.step;
    const bytes = await this.store.load(step);
    if (bytes === undefined) throw new Error('DcganTrainer.snapshot: no checkpoint was written');
    return { step, earlierSteps: this.earlierSteps, bytes, settings: { ...this.settings } };
  }

  /** Generator steps done since construction. */
  get steps(): number {
    return this.earlierSteps + this.trainer.status.step;
  }

  /**
   * Runs `count` generator steps (each after k discriminator steps) and resolves with the mean
   * losses of the newest history row; a NaN or infinite loss rejects with `NumericalError`.
   */
  async train(count: number): Promise<StepLosses> {
    if (!Number.isInteger(count) || count < 1) {
      throw new InvalidArgumentError(`DcganTrainer.train: 'count' must be >= 1, got ${count}`);
    }
    const row = (await this.trainer.run(count)).history.at(-1);
    return {
      discriminator: row?.discriminatorLoss ?? Number.NaN,
      generator: row?.generatorLoss ?? Number.NaN,
    };
  }

  /** G(z) for `latents` ([n·latentSize], row-major) in inference mode, read back. */
  async images(latents: Float32Array): Promise<Float32Array> {
    const z = this.latentTensor(latents);
    const x = generateFrom(this.gan, z);
    z.dispose();
    const values = (await x.data()) as Float32Array;
    x.dispose();
    return values;
  }

  /** Samples on `latents` and the discriminator's loss on `real` and as many of the fakes. */
  async evaluate(real: tf.Tensor2D, latents: Float32Array): Promise<Evaluation> {
    const z = this.latentTensor(latents);
    const n = Math.min(real.shape[0], z.shape[0]);
    const [fakes, loss] = tf.tidy(() => {
      const x = generateFrom(this.gan, z);
      const fake = tf.slice(x, [0, 0], [n, -1]);
      const realPart = tf.slice(real, [0, 0], [n, -1]);
      const d = discriminatorObjective(
        this.gan.loss,
        this.gan.critic(realPart),
        this.gan.critic(fake),
      );
      return [x, d] as const;
    });
    z.dispose();
    const [samples, d] = await Promise.all([fakes.data(), loss.data()]);
    tf.dispose([fakes, loss]);
    return { samples: samples as Float32Array, discriminatorLoss: d[0] ?? Number.NaN };
  }

  /** A new learning rate for both players from the next step on (Adam keeps its moments). */
  setLearningRate(learningRate: number): void {
    this.settings.learningRate = learningRate;
  }

  /** A new batch size from the next step on: a new trainer of the same model and optimisers. */
  setBatchSize(batchSize: number): void {
    this.settings.batchSize = batchSize;
    this.replaceTrainer();
  }

  /** New discriminator steps per generator step from the next step on (a new trainer). */
  setDiscriminatorSteps(discriminatorSteps: number): void {
    this.settings.discriminatorSteps = discriminatorSteps;
    this.replaceTrainer();
  }

  /** Disposes the trainer, the optimisers and the model. */
  dispose(): void {
    this.trainer.dispose();
    this.dOpt.dispose();
    this.gOpt.dispose();
    this.gan.dispose();
  }

  private latentTensor(latents: Float32Array): tf.Tensor2D {
    const d = this.gan.latentSize;
    if (latents.length === 0 || latents.length % d !== 0) {
      throw new InvalidArgumentError(
        `DcganTrainer: 'latents' must hold whole rows of ${d}, got ${latents.length} numbers`,
      );
    }
    return tf.tensor2d(latents, [latents.length / d, d]);
  }

  private replaceTrainer(): void {
    this.earlierSteps = this.steps;
    this.trainer.dispose();
    this.store = memoryCheckpointStore({ keep: 1 });
    this.trainer = this.makeTrainer(false);
  }

  private makeTrainer(resume: boolean): Trainer {
    const [rng] = this.rng.split(1) as [Rng];
    const { batchSize, discriminatorSteps } = this.settings;
    // Shuffled batches and every draw of the losses come from the trainer's seeded Rng.
    return createTrainer(this.gan, this.data, {
      steps: UNBOUNDED_STEPS,
      batchSize,
      discriminatorSteps,
      discriminatorOptimizer: this.dOpt,
      generatorOptimizer: this.gOpt,
      // Read before every step, so a new rate applies without a new trainer.
      learningRate: () => this.settings.learningRate,
      rng,
      logEvery: STEPS_PER_CHUNK,
      checkpoint: { store: this.store, every: NEVER },
      ...(resume ? { resume: this.store } : {}),
    });
  }
}
