export { type EarlyStoppingOptions, earlyStopping } from './callbacks/early-stopping.js';
export {
  type LearningRateSchedulerOptions,
  learningRateScheduler,
} from './callbacks/learning-rate-scheduler.js';
export { formatEntry, type ProgressOptions, progress } from './callbacks/progress.js';
export { type HistoryRecorder, recordHistory } from './callbacks/record-history.js';
export { type CheckpointContents, readCheckpoint } from './checkpoint/read-checkpoint.js';
export {
  type CheckpointStore,
  memoryCheckpointStore,
  type StoreOptions,
} from './checkpoint/store.js';
export type { TrainingData } from './data/batch-source.js';
export { type FitOptions, fit } from './fit.js';
export { type FitAdversarialOptions, fitAdversarial } from './fit-adversarial.js';
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
export type {
  Callback,
  FitResult,
  HistoryEntry,
  LearningRateSchedule,
  StopReason,
  TrainEndEvent,
  TrainingEvent,
} from './types.js';
export type { ValidationOptions } from './validation.js';
