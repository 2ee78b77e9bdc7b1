/** The density playground's model menu and factory. */
import { FlowModel } from './flow-model.js';
import { GanModel } from './gan-model.js';
import { GmmModel } from './gmm-model.js';
import type { DensityModel, ModelSettings } from './model.js';

export const MODEL_NAMES = ['gmm', 'flow', 'gan'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const MODEL_LABELS: Record<ModelName, string> = {
  gmm: 'Gaussian mixture (EM)',
  flow: 'RealNVP flow',
  gan: 'GAN',
};

/** A new, untrained model. */
export function createModel(name: ModelName, settings: ModelSettings): DensityModel {
  if (name === 'gmm') return new GmmModel(settings);
  if (name === 'flow') return new FlowModel(settings);
  return new GanModel(settings);
}
