export { Gan } from './gan.js';
export { gradientPenalty } from './gradient-penalty.js';
export {
  discriminatorObjective,
  GAN_LOSSES,
  type GanLoss,
  generatorObjective,
} from './losses.js';
export { type ModeCoverage, modeCoverage } from './mode-coverage.js';
export { DcganDiscriminator, DcganGenerator } from './networks.js';
export type {
  GanDcganOptions,
  GanMlpOptions,
  GanOptions,
  GanTrainingOptions,
} from './options.js';
