/**
 * One leak-free training loop: the step-wise `createTrainer` and its wrappers `fit`,
 * `fitAdversarial` and `fitEm`, with callbacks, schedules, a NaN guard and exactly resumable
 * checkpoints. Browser-safe; checkpoints on disk are in `@gen/train/node`.
 *
 * @packageDocumentation
 * @module @gen/train
 */
export { type EarlyStoppingOptions, earlyStopping } from './callbacks/early-stopping.js';
export {
  type JsonLinesLoggerOptions,
  jsonLinesLogger,
} from './callbacks/json-lines-logger.js';
export {
  type LearningRateSchedulerOptions,
  learningRateScheduler,
} from './callbacks/learning-rate-scheduler.js';
export { formatEntry, type ProgressOptions, progress } from './callbacks/progress.js';
export { type HistoryRecorder, recordHistory } from './callbacks/record-history.js';
export {
  type IndexedDbCheckpointStore,
  type IndexedDbStoreOptions,
  indexedDbCheckpointStore,
} from './checkpoint/indexed-db-store.js';
export { type CheckpointContents, readCheckpoint } from './checkpoint/read-checkpoint.js';
export {
  type CheckpointStore,
  memoryCheckpointStore,
  type StoreOptions,
} from './checkpoint/store.js';
export type { TrainingData } from './data/batch-source.js';
export { type FitOptions, fit } from './fit.js';
export { type FitAdversarialOptions, fitAdversarial } from './fit-adversarial.js';
export { type FitEmOptions, fitEm } from './fit-em.js';
export type { AdversarialObjectiveOptions } from './objectives/adversarial-objective.js';
export type { EmObjectiveOptions } from './objectives/em-objective.js';
export type { LossObjectiveOptions } from './objectives/loss-objective.js';
export { type AdamOptions, adam } from './optimizers/adam.js';
export type { CommonOptions } from './options.js';
export {
  type CosineDecayOptions,
  constantSchedule,
  cosineDecay,
  type ExponentialDecayOptions,
  exponentialDecay,
  type LinearWarmupOptions,
  linearWarmup,
  type StepDecayOptions,
  stepDecay,
} from './schedules.js';
export { createTrainer, type Trainer, type TrainerKind, type TrainerOptions } from './trainer.js';
export type {
  Callback,
  FitResult,
  HistoryEntry,
  LearningRateSchedule,
  StopReason,
  TrainEndEvent,
  TrainerStatus,
  TrainingEvent,
} from './types.js';
export type { ValidationOptions } from './validation.js';
export { yieldToEventLoop } from './yield.js';
