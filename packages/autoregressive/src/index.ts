/**
 * Autoregressive models: MADE with Bernoulli, Gaussian and mixture outputs and order-agnostic
 * training, and a small PixelCNN with masked convolutions.
 *
 * @packageDocumentation
 * @module @gen/autoregressive
 */
export { Made, type MadeMaskOptions } from './made/made.js';
export type { MadeOptions } from './made/made-options.js';
export {
  MaskedConv2d,
  type MaskedConv2dOptions,
  type MaskType,
  rasterMask,
} from './pixel-cnn/masked-conv2d.js';
export { PixelCnn } from './pixel-cnn/pixel-cnn.js';
export type { PixelCnnOptions } from './pixel-cnn/pixel-cnn-options.js';
