/**
 * The mode-collapse view's model: a `Gan.mlp` on the ring of 8 or the grid of 25, trained in
 * chunks by @gen/train's adversarial loop (k discriminator updates per generator update, two
 * Adam optimisers) and scored with `modeCoverage` on a fixed batch of latent draws.
 */
import { Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { Gan, type ModeCoverage, modeCoverage } from '@gen/gan';
import {
  adam,
  type CheckpointStore,
  createTrainer,
  memoryCheckpointStore,
  type Trainer,
} from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { dataScale, ganOptions, type ModeCollapseSettings } from './settings.js';

/** Training points drawn once per run. */
const N_TRAIN = 2048;
/** Samples scored (and drawn) per evaluation. */
export const N_EVAL = 1000;
const EVAL_SEED = 7919;
/** Generator steps per chunk of the view; the losses are read once per chunk. */
export const STEPS_PER_CHUNK = 10;
/** The view trains until paused or reset; the trainer needs a total it never reaches. */
const UNBOUNDED_STEPS = Number.MAX_SAFE_INTEGER;

/**
 * Checkpoints are written only when asked ({@link ModeCollapseTrainer.snapshot}); the trainer
 * needs an interval, so it gets one that is never reached.
 */
const NEVER = 1_000_000_000;

/** A run captured with {@link ModeCollapseTrainer.snapshot}: @gen/train checkpoint bytes. */
export interface TrainerSnapshot {
  step: number;
  bytes: Uint8Array;
}

/** Mean losses over the last chunk (NaN before the first). */
export interface StepLosses {
  discriminator: number;
  generator: number;
}

/** One evaluation: samples in data units and their coverage of the modes. */
export interface Evaluation {
  samples: number[][];
  coverage: ModeCoverage;
}

/** A GAN, its data, its optimisers and its trainer; `dispose()` frees every tensor. */
export class ModeCollapseTrainer {
  readonly centers: number[][];
  readonly std: number;
  readonly settings: ModeCollapseSettings;
  private readonly x: tf.Tensor2D;
  private readonly gan: Gan;
  private readonly dOpt: tf.Optimizer;
  private readonly gOpt: tf.Optimizer;
  private readonly trainer: Trainer;
  private readonly store: CheckpointStore;

  /**
   * A new run with `settings`, or, with `restored` (a snapshot of a run with the same settings,
   * e.g. taken before a backend switch), that run continued: weights, optimiser state, data
   * order and step come from the checkpoint.
   */
  constructor(settings: ModeCollapseSettings, restored?: TrainerSnapshot) {
    this.settings = settings;
    const toy = makeToy(settings.dataset, { n: N_TRAIN, seed: settings.seed });
    this.centers = toy.centers ?? [];
    this.std = typeof toy.std === 'number' ? toy.std : 0;
    this.x = tf.tidy(() => tf.div(toy.x, dataScale(settings.dataset)) as tf.Tensor2D);
    toy.x.dispose();
    this.gan = Gan.mlp(ganOptions(settings));
    const { learningRate, batchSize, discriminatorSteps } = settings;
    this.dOpt = adam(learningRate, { beta1: 0.5 });
    this.gOpt = adam(learningRate, { beta1: 0.5 });
    this.store = memoryCheckpointStore({ keep: 1 });
    if (restored !== undefined) {
      // The memory store keeps the bytes at once; a bad checkpoint is refused by the first run.
      void this.store.save(restored.step, restored.bytes).catch(() => undefined);
    }
    // Shuffled batches of x and every draw of the losses come from the trainer's seeded Rng.
    this.trainer = createTrainer(this.gan, this.x, {
      steps: UNBOUNDED_STEPS,
      batchSize,
      discriminatorSteps,
      discriminatorOptimizer: this.dOpt,
      generatorOptimizer: this.gOpt,
      rng: Rng.fromSeed(settings.seed + 1),
      logEvery: STEPS_PER_CHUNK,
      checkpoint: { store: this.store, every: NEVER },
      ...(restored === undefined ? {} : { resume: this.store }),
    });
  }

  /** Generator steps done. */
  get steps(): number {
    return this.trainer.status.step;
  }

  /**
   * Runs `n` generator steps (each after k discriminator steps) and returns the mean losses of
   * the newest history row; a NaN or infinite loss rejects with @gen/train's `NumericalError`.
   */
  async train(n: number): Promise<StepLosses> {
    const row = (await this.trainer.run(n)).history.at(-1);
    return {
      discriminator: row?.discriminatorLoss ?? Number.NaN,
      generator: row?.generatorLoss ?? Number.NaN,
    };
  }

  /** Samples the generator on fixed latent draws (data units) and scores mode coverage. */
  async evaluate(): Promise<Evaluation> {
    const scale = dataScale(this.settings.dataset);
    const drawn = tf.tidy(() => tf.mul(this.gan.sample(N_EVAL, Rng.fromSeed(EVAL_SEED)), scale));
    const samples = (await drawn.array()) as number[][];
    drawn.dispose();
    return { samples, coverage: modeCoverage(samples, this.centers, this.std) };
  }

  /** The run as checkpoint bytes (@gen/train's format) at the current step. */
  async snapshot(): Promise<TrainerSnapshot> {
    await this.trainer.save();
    const step = this.steps;
    const bytes = await this.store.load(step);
    if (bytes === undefined)
      throw new Error('ModeCollapseTrainer.snapshot: no checkpoint was written');
    return { step, bytes };
  }

  dispose(): void {
    this.trainer.dispose();
    this.x.dispose();
    this.gan.dispose();
    this.dOpt.dispose();
    this.gOpt.dispose();
  }
}
