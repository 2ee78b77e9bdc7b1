/**
 * How every density model trains: one @gen/train trainer per run, made from the run's data and
 * Rng on the first call and advanced a chunk of steps per call, so the loop, its seeded batches
 * and its NaN guard are @gen/train's and not the demo's.
 */
import {
  type AdversarialModel,
  type EmModel,
  invalidArgument,
  type Rng,
  type Trainable,
} from '@gen/core';
import {
  type CheckpointStore,
  createTrainer,
  type HistoryEntry,
  type Trainer,
  type TrainerOptions,
} from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The playground trains until the user pauses or resets; the trainer needs a total, so it gets
 * one that is never reached.
 */
const UNBOUNDED_STEPS = Number.MAX_SAFE_INTEGER;

/** What a model adds to the trainer's options: optimisers, batch size, its kind's options. */
export type ChunkOptions = Omit<TrainerOptions, 'steps' | 'epochs' | 'rng' | 'logEvery'>;

/** The model's metric, from the trainer's history or from the model itself. */
export interface ChunkMetric {
  /** From a history row (a mean over the steps since the previous row). */
  fromRow(row: HistoryEntry): number;
  /** Of the model as it stands (before the first row), on the run's data. */
  measure(x: tf.Tensor2D, rng: Rng): tf.Scalar | Promise<number>;
}

/** Where a run keeps its checkpoints, and whether it continues from the latest one. */
export interface ChunkCheckpoint {
  store: CheckpointStore;
  resume: boolean;
}

/** A density model's trainer, made on the first call. */
export class ChunkTrainer {
  private trainer: Trainer | undefined;
  private data: tf.Tensor2D | undefined;
  private checkpoint: ChunkCheckpoint | undefined;

  /**
   * `stepsPerChunk` is also the trainer's `logEvery`: each chunk ends on a history row, read
   * with one `await data()`, never one per step.
   */
  constructor(
    private readonly model: Trainable | AdversarialModel | EmModel,
    private readonly options: ChunkOptions,
    private readonly metric: ChunkMetric,
    readonly stepsPerChunk: number,
  ) {}

  /** Steps done, counted from the run's very first step (a resumed run starts at its checkpoint). */
  get step(): number {
    return this.trainer?.status.step ?? 0;
  }

  /**
   * Checkpoints the run into `store` at the end of every chunk, and with `resume` continues it
   * from the store's latest checkpoint; call before the first {@link train}.
   */
  checkpointTo(checkpoint: ChunkCheckpoint): void {
    if (this.trainer !== undefined) {
      throw invalidArgument(
        'ChunkTrainer.checkpointTo',
        'checkpoint',
        checkpoint,
        'must come before the first train()',
      );
    }
    this.checkpoint = checkpoint;
  }

  /**
   * Runs `n` more steps on `x` (the same tensor on every call; the first call makes the trainer
   * with `rng`, later `rng`s go to `measure` only) and resolves with the metric of the newest
   * history row. `n = 0` only starts the run (an EM model is initialised) and measures. A NaN or
   * infinite loss rejects with @gen/train's `NumericalError`, which the view shows.
   */
  async train(x: tf.Tensor2D, n: number, rng: Rng): Promise<number> {
    if (this.trainer === undefined) {
      this.trainer = createTrainer(this.model, x, {
        ...this.options,
        steps: UNBOUNDED_STEPS,
        rng,
        logEvery: this.stepsPerChunk,
        ...this.checkpointOptions(),
      });
      this.data = x;
    } else if (x !== this.data) {
      throw invalidArgument('ChunkTrainer.train', 'x', x, 'must be the tensor of the first call');
    }
    const { history } = await this.trainer.run(n);
    const row = n === 0 ? undefined : history.at(-1);
    if (row !== undefined) return this.metric.fromRow(row);
    const measured = await this.metric.measure(x, rng);
    if (typeof measured === 'number') return measured;
    const value = (await measured.data())[0]!;
    measured.dispose();
    return value;
  }

  private checkpointOptions(): Pick<TrainerOptions, 'checkpoint' | 'resume'> {
    const c = this.checkpoint;
    if (c === undefined) return {};
    const checkpoint = { store: c.store, every: this.stepsPerChunk };
    return c.resume ? { checkpoint, resume: c.store } : { checkpoint };
  }

  /** Releases the trainer (the model and any optimisers passed in stay the caller's). */
  dispose(): void {
    this.trainer?.dispose();
  }
}

/** The `measure` of a model trained on its loss: the mean loss over all of `x`. */
export function meanLoss(model: Trainable): ChunkMetric['measure'] {
  return (x, rng) => tf.tidy(() => model.loss(x, rng));
}
