/**
 * Autoencoders and variational autoencoders: dense and convolutional autoencoders, VAEs with β,
 * ELBO and IWAE bounds, importance-sampled NLL and latent-space tools.
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
export { ConvDecoder, ConvEncoder } from './conv.js';
export type { Likelihood } from './likelihood.js';
export { MIN_SCALE } from './posterior.js';
export { Vae, type VaeConvOptions, type VaeMlpOptions, type VaeOptions } from './vae.js';
export { VaeModel } from './vae-model.js';
