import { assertInteger, invalidArgument } from '@gen/core';
import { defaultValidation } from '@gen/distributions';
import { assertBoundedInteger, assertOptionsObject } from '../validate.js';

/** Options of {@link PixelCnn}. */
export interface PixelCnnOptions {
  /** Image height in pixels (default 28). */
  height?: number;
  /** Image width in pixels (default 28). */
  width?: number;
  /** Feature channels of every hidden layer (default 32). */
  channels?: number;
  /** Masked convolutions: one of type 'A', then layers − 1 of type 'B' (default 5). */
  layers?: number;
  /** Odd kernel size of the masked convolutions (default 5). */
  kernelSize?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /**
   * Check that `logProb` gets 0/1 values, with one synchronous read of a boolean (default:
   * @gen/distributions' `defaultValidation()`). Turn it off where synchronous reads stall.
   */
  validateArgs?: boolean;
}

export const PIXEL_CNN_OPTIONS = [
  'height',
  'width',
  'channels',
  'layers',
  'kernelSize',
  'seed',
  'validateArgs',
] as const;

export type ParsedPixelCnnOptions = Required<PixelCnnOptions>;

/** Validates the options of `new PixelCnn(...)` and fills in the defaults. */
export function parsePixelCnnOptions(options: PixelCnnOptions): ParsedPixelCnnOptions {
  const fn = 'PixelCnn';
  assertOptionsObject(fn, options, PIXEL_CNN_OPTIONS);
  const { height = 28, width = 28, channels = 32, layers = 5, kernelSize = 5, seed = 0 } = options;
  assertBoundedInteger(fn, 'height', height, 1, 4096);
  assertBoundedInteger(fn, 'width', width, 1, 4096);
  assertBoundedInteger(fn, 'channels', channels, 1, 1024);
  assertBoundedInteger(fn, 'layers', layers, 1, 256);
  assertBoundedInteger(fn, 'kernelSize', kernelSize, 3, 63);
  if (kernelSize % 2 === 0) {
    throw invalidArgument(fn, 'kernelSize', kernelSize, 'must be odd (a centre pixel)');
  }
  assertInteger(fn, 'seed', seed, 0);
  const { validateArgs = defaultValidation() } = options;
  if (typeof validateArgs !== 'boolean') {
    throw invalidArgument(fn, 'validateArgs', validateArgs, 'must be a boolean');
  }
  return { height, width, channels, layers, kernelSize, seed, validateArgs };
}
