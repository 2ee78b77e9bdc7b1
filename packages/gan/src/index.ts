/**
 * Generative adversarial networks with the loss zoo (minimax, non-saturating, Wasserstein with
 * clipping or gradient penalty, hinge, least squares, f-GAN) and mode-coverage diagnostics.
 *
 * @packageDocumentation
 * @module @gen/gan
 */
export { Gan, type GanState } from './gan.js';
export { gradientPenalty } from './gradient-penalty.js';
export { GAN_LOSS_NAMES, ganLossName, parseGanLoss } from './loss-names.js';
export {
  discriminatorObjective,
  GAN_LOSSES,
  type GanLoss,
  generatorObjective,
  supportsLabelSmoothing,
} from './losses.js';
export { type ModeCoverage, modeCoverage } from './mode-coverage.js';
export { DcganDiscriminator, DcganGenerator } from './networks.js';
export type {
  GanDcganOptions,
  GanMlpOptions,
  GanOptions,
  GanTrainingOptions,
} from './options.js';
export { r1Penalty } from './r1-penalty.js';
