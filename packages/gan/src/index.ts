/**
 * Generative adversarial networks with the loss zoo (minimax, non-saturating, Wasserstein with
 * clipping or gradient penalty, hinge, least squares, f-GAN) and mode-coverage diagnostics.
 *
 * @packageDocumentation
 * @module @gen/gan
 */
export { Gan, type GanSampleOptions, type GanState } from './gan.js';
export { gradientPenalty } from './gradient-penalty.js';
export { GAN_LOSS_NAMES, ganLossName, parseGanLoss } from './loss-names.js';
export {
  discriminatorObjective,
  GAN_LOSSES,
  type GanLoss,
  generatorObjective,
  supportsLabelSmoothing,
} from './losses.js';
export {
  GAN_CONDITIONINGS,
  type GanConditioning,
  MlpCritic,
  type MlpCriticOptions,
} from './mlp-critic.js';
export { type ModeCoverage, modeCoverage } from './mode-coverage.js';
export {
  DcganDiscriminator,
  type DcganDiscriminatorOptions,
  DcganGenerator,
  type DcganNetworkOptions,
} from './networks.js';
export type {
  GanDcganOptions,
  GanEmaOptions,
  GanMlpOptions,
  GanOptions,
  GanTrainingOptions,
  LabelSmoothingSchedule,
} from './options.js';
export { r1Penalty, r2Penalty } from './r1-penalty.js';
export {
  isPowerIterated,
  type PowerIterated,
  SpectralConv2d,
  SpectralDense,
} from './spectral-norm.js';
