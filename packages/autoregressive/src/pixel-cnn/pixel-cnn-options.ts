import { assertInteger, assertOneOf, invalidArgument } from '@gen/core';
import { defaultValidation } from '@gen/distributions';
import { assertBoundedInteger, assertOptionsObject } from '../validate.js';

/** The layers of a {@link PixelCnn}: plain masked convolutions, or gated blocks. */
export type PixelCnnBlocks = 'masked' | 'gated';

/**
 * The distribution of one pixel given the pixels before it: 'bernoulli' for binary images,
 * 'categorical256' (a softmax over the 256 grey levels) or 'discretizedLogistic' (a logistic,
 * or a mixture of them, integrated over each level's bin, as in PixelCNN++) for 8-bit images.
 */
export type PixelCnnLikelihood = 'bernoulli' | 'categorical256' | 'discretizedLogistic';

/** Options of {@link PixelCnn}. */
export interface PixelCnnOptions {
  /** Image height in pixels (default 28). */
  height?: number;
  /** Image width in pixels (default 28). */
  width?: number;
  /** Feature channels of every hidden layer (default 32). */
  channels?: number;
  /**
   * Masked convolutions, or gated blocks: one of type 'A' (the pixel itself hidden), then
   * layers − 1 of type 'B' (default 5).
   */
  layers?: number;
  /** Odd kernel size of the masked convolutions or of the gated blocks' stacks (default 5). */
  kernelSize?: number;
  /**
   * 'masked' (default): masked convolutions with ReLUs, as in the first PixelCNN, which has a
   * blind spot above and to the right. 'gated': the gated blocks of the Conditional PixelCNN, a
   * vertical and a horizontal stack with tanh ⊙ σ gates and a residual horizontal stack, without
   * the blind spot.
   */
  blocks?: PixelCnnBlocks;
  /**
   * 'bernoulli' (default) for 0/1 images; 'categorical256' or 'discretizedLogistic' for grey
   * images in [0, 1], which are quantised to the 256 levels round(255·x).
   */
  likelihood?: PixelCnnLikelihood;
  /** 'discretizedLogistic' only: K > 1 mixes K logistics per pixel (default 1). */
  components?: number;
  /**
   * Size C of the condition (e.g. 10 for one-hot MNIST labels): the model is then p(x | c), each
   * layer adding a learned linear map of c to its pre-activations, and `loss`, `logProb`,
   * `apply` and `sample` take the condition. Default: unconditional.
   */
  conditionSize?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /**
   * Check that `logProb` gets 0/1 values (Bernoulli) or values in [0, 1] (256 levels), with one
   * synchronous read of a boolean (default: @gen/distributions' `defaultValidation()`). Turn it
   * off where synchronous reads stall.
   */
  validateArgs?: boolean;
}

export const PIXEL_CNN_OPTIONS = [
  'height',
  'width',
  'channels',
  'layers',
  'kernelSize',
  'blocks',
  'likelihood',
  'components',
  'conditionSize',
  'seed',
  'validateArgs',
] as const;

export interface ParsedPixelCnnOptions {
  height: number;
  width: number;
  channels: number;
  layers: number;
  kernelSize: number;
  blocks: PixelCnnBlocks;
  likelihood: PixelCnnLikelihood;
  components: number;
  /** 0 when unconditional. */
  conditionSize: number;
  seed: number;
  validateArgs: boolean;
}

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
  const { blocks = 'masked', likelihood = 'bernoulli', components, conditionSize } = options;
  assertOneOf(fn, 'blocks', blocks, ['masked', 'gated'] as const);
  assertOneOf(fn, 'likelihood', likelihood, [
    'bernoulli',
    'categorical256',
    'discretizedLogistic',
  ] as const);
  if (components !== undefined) {
    if (likelihood !== 'discretizedLogistic') {
      throw invalidArgument(
        fn,
        'components',
        components,
        "applies to likelihood 'discretizedLogistic' only",
      );
    }
    assertBoundedInteger(fn, 'components', components, 1, 64);
  }
  if (conditionSize !== undefined) {
    assertBoundedInteger(fn, 'conditionSize', conditionSize, 1, 65536);
  }
  assertInteger(fn, 'seed', seed, 0);
  const { validateArgs = defaultValidation() } = options;
  if (typeof validateArgs !== 'boolean') {
    throw invalidArgument(fn, 'validateArgs', validateArgs, 'must be a boolean');
  }
  return {
    height,
    width,
    channels,
    layers,
    kernelSize,
    blocks,
    likelihood,
    components: components ?? 1,
    conditionSize: conditionSize ?? 0,
    seed,
    validateArgs,
  };
}
