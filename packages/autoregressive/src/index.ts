/**
 * Autoregressive models: MADE with Bernoulli, Gaussian and mixture outputs and order-agnostic
 * training, and a PixelCNN with masked convolutions or gated blocks, for binary or 8-bit images.
 *
 * @packageDocumentation
 * @module @gen/autoregressive
 */

// Moved to @gen/core (shared with @gen/flows); re-exported so existing imports keep working.
export { bitsPerDim } from '@gen/core';
export { Made, type MadeMaskOptions } from './made/made.js';
export type { MadeOptions } from './made/made-options.js';
export {
  MaskedConv2d,
  type MaskedConv2dOptions,
  type MaskType,
  rasterMask,
} from './pixel-cnn/masked-conv2d.js';
export { PixelCnn, type PixelCnnConditionOptions } from './pixel-cnn/pixel-cnn.js';
export type {
  PixelCnnBlocks,
  PixelCnnLikelihood,
  PixelCnnOptions,
} from './pixel-cnn/pixel-cnn-options.js';
