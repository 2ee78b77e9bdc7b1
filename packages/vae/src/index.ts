/**
 * Autoencoders and variational autoencoders: dense and convolutional autoencoders, VAEs with β
 * (or KL annealing), ELBO or IWAE training, conditional VAEs, the VampPrior, IAF posteriors, VQ-VAE, ELBO and
 * IWAE bounds, importance-sampled NLL and latent-space tools.
 *
 * @packageDocumentation
 * @module @gen/vae
 */
export {
  Autoencoder,
  type AutoencoderConvOptions,
  type AutoencoderMlpOptions,
  type AutoencoderOptions,
  type Corruption,
} from './autoencoder.js';
export type { BetaSchedule } from './beta-schedule.js';
export { Codebook } from './codebook.js';
export { ConvDecoder, ConvEncoder } from './conv.js';
export { type IafPosteriorOptions, IafSteps, type Posterior } from './iaf-posterior.js';
export type { Likelihood } from './likelihood.js';
export type { Objective } from './objective.js';
export { MIN_SCALE } from './posterior.js';
export { Vae, type VaeConvOptions, type VaeMlpOptions, type VaeOptions } from './vae.js';
export { type VaeEncoding, VaeModel, type VaeState } from './vae-model.js';
export { type Prior, PseudoInputs } from './vamp-prior.js';
export {
  type CodebookUsage,
  VqVae,
  type VqVaeLossTerms,
  type VqVaeMlpOptions,
  type VqVaeOptions,
} from './vq-vae.js';
