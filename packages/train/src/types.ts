import type * as tf from '@tensorflow/tfjs-core';

/**
 * One row of the training history, appended every `logEvery` steps (and at validation,
 * checkpoint and final steps). `step` counts completed steps, `epoch` completed passes over the
 * data; the other fields are means over the steps since the previous row: `loss` for `fit`,
 * `discriminatorLoss` and `generatorLoss` for `fitAdversarial`, plus `validationLoss` on rows
 * where validation ran.
 */
export interface HistoryEntry {
  readonly step: number;
  readonly epoch: number;
  readonly [metric: string]: number;
}

/**
 * Why a run ended: all steps or epochs done, `signal` aborted, an early-stopping callback, another
 * callback calling `event.stop()`, an iterable that ran out of batches before `steps`, or (EM) the
 * lower bound changed by less than `tolerance`.
 */
export type StopReason =
  | 'completed'
  | 'aborted'
  | 'early-stopping'
  | 'callback'
  | 'data-exhausted'
  | 'converged';

/** What `fit` and `fitAdversarial` resolve with. */
export interface FitResult {
  /** Every history row, including those restored from a checkpoint. */
  readonly history: HistoryEntry[];
  /** Completed steps (generator steps for `fitAdversarial`), counted from the very first run. */
  readonly step: number;
  /** Completed passes over the data. */
  readonly epoch: number;
  readonly stopReason: StopReason;
}

/** Where a {@link Trainer} stands: what `status`, `step()` and `run()` give. */
export interface TrainerStatus {
  /** Completed steps, counted from the very first run (a resumed run starts where it left off). */
  readonly step: number;
  /** Completed passes over the data. */
  readonly epoch: number;
  /** The step the run stops at, when known in advance. */
  readonly totalSteps: number | undefined;
  /** Every history row so far (a copy). */
  readonly history: HistoryEntry[];
  /** True once the run has ended (its last checkpoint written and `onTrainEnd` called). */
  readonly done: boolean;
  /** Why it ended, once `done`. */
  readonly stopReason: StopReason | undefined;
}

/** A learning rate as a function of the 0-based index of the step about to run. */
export type LearningRateSchedule = (step: number) => number;

/** What every callback hook receives. */
export interface TrainingEvent {
  /** The loop: 'fit', 'fitAdversarial' or 'fitEm' (a trainer from `createTrainer` names its kind's loop). */
  readonly fn: string;
  /** Completed steps. */
  readonly step: number;
  /** Completed epochs. */
  readonly epoch: number;
  /** The step count the run stops at, when known in advance (`steps`, or `epochs` of a tensor). */
  readonly totalSteps: number | undefined;
  /** The row appended at this step, if this step was a read point. */
  readonly logs: HistoryEntry | undefined;
  readonly history: readonly HistoryEntry[];
  /** The optimisers by name: `optimizer` for `fit`; `discriminator`, `generator` otherwise. */
  readonly optimizers: Readonly<Record<string, tf.Optimizer>>;
  /** Sets the learning rate of one optimiser (by name) or of all of them. */
  setLearningRate(learningRate: number, optimizer?: string): void;
  /** Ends the run after this step (the result's `stopReason` is `reason`, default 'callback'). */
  stop(reason?: StopReason): void;
}

/** The event of `onTrainEnd`. */
export interface TrainEndEvent extends TrainingEvent {
  readonly stopReason: StopReason;
}

/**
 * Hooks into the training loop; every method is optional and may be async. `onTrainBegin` runs
 * before the first step of this call (after a resume: before the first step not yet done),
 * `onStepEnd` after every step, `onEpochEnd` after the step that completed an epoch,
 * `onTrainEnd` when the run resolves (not when it rejects). A callback with state that must
 * survive a resume implements `getState` (JSON-serialisable) and `setState`; checkpoints hold it.
 *
 * ```ts
 * const everyHundred: Callback = {
 *   onStepEnd: ({ step, logs }) => { if (logs && step % 100 === 0) console.log(logs.loss); },
 * };
 * ```
 */
export interface Callback {
  onTrainBegin?(event: TrainingEvent): void | Promise<void>;
  onStepEnd?(event: TrainingEvent): void | Promise<void>;
  onEpochEnd?(event: TrainingEvent): void | Promise<void>;
  onTrainEnd?(event: TrainEndEvent): void | Promise<void>;
  getState?(): unknown;
  setState?(state: unknown): void;
}
