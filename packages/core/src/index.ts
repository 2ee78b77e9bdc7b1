/**
 * The spec package of `@gen`: backend setup with every gradient registered, the splittable `Rng`,
 * typed errors, stable numerics, differentiable small-matrix linear algebra and the interfaces
 * (`Distribution`, `Bijector`, `GradientEstimator`, `Trainable`, `Network`, …) through which the
 * other packages meet.
 *
 * @packageDocumentation
 * @module @gen/core
 */
export {
  type BackendName,
  type InitBackendOptions,
  initBackend,
  isNode,
  registerGradients,
  useFastMatMulGradient,
} from './backend.js';
export { type ActiveBackendInfo, backendInfo, type SkippedBackend } from './backend-info.js';
export {
  BatchIterator,
  type BatchOptions,
  type BatchPosition,
  batches,
} from './batches/batch-iterator.js';
export { bitsPerDim } from './bits-per-dim.js';
export { brand, classKeys, hasBrand } from './brand.js';
export {
  appendCondition,
  assertCondition,
  conditionOption,
  splitConditionalInput,
} from './condition.js';
export { crc32 } from './crc32.js';
export {
  BackendError,
  FormatError,
  GenError,
  type GenErrorCode,
  InvalidArgumentError,
  isGenError,
  NotImplementedError,
  NumericalError,
  ShapeMismatchError,
} from './errors.js';
export {
  allOnHost,
  assertFiniteTensor,
  assertFiniteTensorAsync,
  finiteChecksEnabled,
  setFiniteChecks,
  withoutFiniteChecks,
} from './finite-checks.js';
export { type Frame, readFrame, verifyChecksum, writeFrame } from './frame.js';
export {
  assertBijector,
  assertDistribution,
  assertNetwork,
  isBijector,
  isConditionalBatch,
  isDistribution,
  isNetwork,
  isTrainable,
  splitBatch,
} from './guards.js';
export type {
  AdversarialModel,
  Batch,
  Bijector,
  ConditionalBatch,
  CostFunction,
  Disposable,
  Distribution,
  EmModel,
  GenerativeModel,
  GradientEstimator,
  HasWeights,
  ModelState,
  NamedTensors,
  Network,
  SampleOptions,
  Surrogate,
  SurrogateOptions,
  Trainable,
} from './interfaces.js';
export {
  type CholeskyOptions,
  cholesky,
  choleskySolve,
  logDet,
  logDetFromCholesky,
  type TriangularSolveOptions,
  triangularSolve,
} from './linalg.js';
export {
  type Configurable,
  isModelConfig,
  type JsonValue,
  MODEL_CONFIG_KEY,
  MODEL_STATE_KEY,
  type ModelConfig,
  modelConfig,
  toJson,
} from './model-config.js';
export {
  type LoadableModel,
  MODEL_REGISTRY,
  type ModelFactory,
  registeredModel,
  registerModel,
} from './model-registry.js';
export {
  digamma,
  lgamma,
  log1mexp,
  logMeanExp,
  logSigmoid,
  softplus,
  trigamma,
  xlogy,
} from './numerics.js';
export { createRng, isRng, Rng, type RngState, threefry2x32 } from './rng.js';
export { assertRng, resolveRng } from './rng-options.js';
export { stopGradient } from './stop-gradient.js';
export { type SymmetricEigen, symmetricEigen } from './symmetric-eigen.js';
export {
  assertFiniteNumber,
  assertInteger,
  assertKnownOptions,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  assertRank,
  assertShape,
  assertTensor,
  formatValue,
  invalidArgument,
} from './validate.js';
export type { ThreadsOption } from './wasm-threads.js';
