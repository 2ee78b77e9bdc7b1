import type { Rng } from '@gen/core';
import type { CheckpointStore } from './checkpoint/store.js';
import type { ClipOptions } from './gradient-step.js';
import type { Callback, LearningRateSchedule } from './types.js';

/** Options shared by `fit` and `fitAdversarial`. */
export interface CommonOptions {
  /** Total steps, counted from the first run (a resumed run stops at the same step). */
  steps?: number;
  /** Total passes over the data, counted from the first run; give `steps` or `epochs`. */
  epochs?: number;
  /** Rows per batch of tensor data, in [1, n] (default min(32, n)). Not for iterables. */
  batchSize?: number;
  /** Visit tensor data in a fresh random order every epoch (default true). Not for iterables. */
  shuffle?: boolean;
  /** A number (constant) or a schedule, applied to every optimiser before every step. */
  learningRate?: number | LearningRateSchedule;
  clipNorm?: number;
  clipValue?: number;
  /** Source of the data order and of the models' own randomness (default `Rng.fromSeed(0)`). */
  rng?: Rng;
  callbacks?: Callback[];
  /** Read the accumulated losses (one `await data()`) every this many steps (default 10). */
  logEvery?: number;
  /** Ends the run at the next step boundary; the promise resolves with `stopReason: 'aborted'`. */
  signal?: AbortSignal;
  /** Write a checkpoint every `every` steps to `store`, or in Node to the directory `dir`. */
  checkpoint?: { dir?: string; store?: CheckpointStore; every: number };
  /** Continue from the latest checkpoint in this directory (Node) or store. */
  resume?: string | CheckpointStore;
  /**
   * On a NaN or ±Inf loss or gradient: 'stop' (default) rejects with `NumericalError`;
   * 'restore' also puts back the weights of the last read point that was finite; false
   * disables the check.
   */
  nanGuard?: 'stop' | 'restore' | false;
}

export const COMMON_KEYS = [
  'steps',
  'epochs',
  'batchSize',
  'shuffle',
  'learningRate',
  'clipNorm',
  'clipValue',
  'rng',
  'callbacks',
  'logEvery',
  'signal',
  'checkpoint',
  'resume',
  'nanGuard',
] as const;

/** Validated common options. */
export interface LoopConfig {
  fn: string;
  steps: number | undefined;
  epochs: number | undefined;
  batchSize: number | undefined;
  shuffle: boolean;
  learningRate: LearningRateSchedule | undefined;
  clip: ClipOptions;
  rng: Rng;
  callbacks: Callback[];
  logEvery: number;
  signal: AbortSignal | undefined;
  checkpoint: { target: string | CheckpointStore; every: number } | undefined;
  resume: string | CheckpointStore | undefined;
  nanGuard: 'stop' | 'restore' | false;
}
