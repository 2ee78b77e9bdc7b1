import { assertInteger, assertOneOf, invalidArgument, type Rng } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { type Activation, resolveActivation } from './activation.js';
import { type Padding, toPair } from './conv-ops.js';
import { type Initializer, type InitializerName, resolveInitializer } from './init.js';
import { assertOptions, resolveRng } from './options.js';

// Internal: the options Conv2d and Conv2dTranspose share, validated once.

export interface ConvOptionsBase {
  inChannels: number;
  outChannels: number;
  /** Kernel height and width: one integer for square kernels or [kh, kw]. */
  kernelSize: number | [number, number];
  /** Step between windows (default 1), one integer or [sh, sw]. */
  stride?: number | [number, number];
  /** 'same' (default) or 'valid', with TensorFlow's conventions. */
  padding?: Padding;
  /** Elementwise activation after the bias (default 'none'). */
  activation?: Activation;
  /** Whether to add a bias per output channel (default true). */
  useBias?: boolean;
  /** Default 'glorotUniform' (fans from the kernel shape, see computeFans). */
  kernelInitializer?: InitializerName | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName | Initializer;
  /** Seed of the initial weights (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  rng?: Rng;
  name?: string;
}

export const CONV_OPTIONS = [
  'inChannels',
  'outChannels',
  'kernelSize',
  'stride',
  'padding',
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'seed',
  'rng',
  'name',
] as const;

export interface ParsedConvOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: Padding;
  activate: (x: tf.Tensor) => tf.Tensor;
  useBias: boolean;
  kernelInit: Initializer;
  biasInit: Initializer;
  rng: Rng;
}

export function parseConvOptions(
  fn: string,
  options: ConvOptionsBase,
  known: readonly string[],
): ParsedConvOptions {
  assertOptions(fn, options, known);
  const { inChannels, outChannels, padding = 'same', useBias = true } = options;
  assertInteger(fn, 'inChannels', inChannels, 1);
  assertInteger(fn, 'outChannels', outChannels, 1);
  assertOneOf(fn, 'padding', padding, ['same', 'valid'] as const);
  if (typeof useBias !== 'boolean')
    throw invalidArgument(fn, 'useBias', useBias, 'must be a boolean');
  return {
    inChannels,
    outChannels,
    kernelSize: toPair(fn, 'kernelSize', options.kernelSize),
    strides: toPair(fn, 'stride', options.stride ?? 1),
    padding,
    activate: resolveActivation(fn, 'activation', options.activation ?? 'none'),
    useBias,
    kernelInit: resolveInitializer(
      fn,
      'kernelInitializer',
      options.kernelInitializer ?? 'glorotUniform',
    ),
    biasInit: resolveInitializer(fn, 'biasInitializer', options.biasInitializer ?? 'zeros'),
    rng: resolveRng(fn, options),
  };
}
