/** The density playground's model menu and factory. */
import { FlowModel } from './flow-model.js';
import { GanModel } from './gan-model.js';
import { GmmModel } from './gmm-model.js';
import { MadeModel } from './made-model.js';
import type { DensityModel, ModelSettings } from './model.js';
import { VaeDensityModel } from './vae-model.js';

export const MODEL_NAMES = ['gmm', 'made', 'flow', 'vae', 'gan'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const MODEL_LABELS: Record<ModelName, string> = {
  gmm: 'Gaussian mixture (EM)',
  made: 'MADE (mixture of Gaussians)',
  flow: 'RealNVP flow',
  vae: 'VAE (2-D latent)',
  gan: 'GAN',
};

/** A new, untrained model. */
export function createModel(name: ModelName, settings: ModelSettings): DensityModel {
  if (name === 'gmm') return new GmmModel(settings);
  if (name === 'made') return new MadeModel(settings);
  if (name === 'flow') return new FlowModel(settings);
  if (name === 'vae') return new VaeDensityModel(settings);
  return new GanModel(settings);
}
