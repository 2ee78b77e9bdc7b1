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
