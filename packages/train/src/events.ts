import { assertNonNegative, InvalidArgumentError } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { setLearningRate } from './optimizer-state.js';
import type { Callback, HistoryEntry, StopReason, TrainingEvent } from './types.js';

/** The loop's view of its progress, as the events show it. */
export interface Progress {
  step: number;
  epoch: number;
  totalSteps: number | undefined;
  history: HistoryEntry[];
}

/** Builds events over the loop's live state and dispatches them to the callbacks in order. */
export class Events {
  /** Set by a callback's `stop()`. */
  stopRequested: StopReason | undefined;
  private readonly fn: string;
  private readonly callbacks: readonly Callback[];
  private readonly optimizers: Readonly<Record<string, tf.Optimizer>>;
  private readonly progress: Progress;

  constructor(
    fn: string,
    callbacks: readonly Callback[],
    optimizers: Readonly<Record<string, tf.Optimizer>>,
    progress: Progress,
  ) {
    this.fn = fn;
    this.callbacks = callbacks;
    this.optimizers = optimizers;
    this.progress = progress;
  }

  event(logs: HistoryEntry | undefined): TrainingEvent {
    const { fn, optimizers, progress } = this;
    return {
      fn,
      step: progress.step,
      epoch: progress.epoch,
      totalSteps: progress.totalSteps,
      logs,
      history: progress.history,
      optimizers,
      setLearningRate: (learningRate, name) => {
        assertNonNegative(`${fn}: setLearningRate`, 'learningRate', learningRate);
        const targets = name === undefined ? Object.keys(optimizers) : [name];
        for (const target of targets) {
          const optimizer = optimizers[target];
          if (optimizer === undefined) {
            throw new InvalidArgumentError(
              `${fn}: setLearningRate: unknown optimizer '${target}' (known: ${Object.keys(optimizers).join(', ')})`,
            );
          }
          setLearningRate(fn, optimizer, learningRate);
        }
      },
      stop: (reason = 'callback') => {
        this.stopRequested ??= reason;
      },
    };
  }

  async trainBegin(): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(this.event(undefined));
  }

  async stepEnd(logs: HistoryEntry | undefined, epochsEnded: number): Promise<void> {
    for (const c of this.callbacks) await c.onStepEnd?.(this.event(logs));
    for (let i = 0; i < epochsEnded; i++) {
      for (const c of this.callbacks) await c.onEpochEnd?.(this.event(logs));
    }
  }

  async trainEnd(stopReason: StopReason): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.({ ...this.event(undefined), stopReason });
  }
}
