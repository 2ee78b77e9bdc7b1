import { assertInteger, assertKnownOptions, invalidArgument, type Rng } from '@gen/core';
import { assertLayerSizes as assertNetworkSizes } from '@gen/nn';

// Option parsing shared by the learned bijectors (internal, not exported by the package).

/** Options every learned bijector takes. */
export interface LearnedBijectorOptions {
  /** D, the size of one event: inputs are `[..., D]`. */
  dim: number;
  /**
   * Widths of the conditioner's hidden layers (default [64, 64]). Planar, Radial and ActNorm have
   * no network and ignore it; they accept it so that every learned bijector takes the same options.
   */
  hiddenSizes?: readonly number[];
  /** Seed of the initial weights (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  /** Generator to draw the initial weights from (it advances). */
  rng?: Rng;
  /** Module name, the first segment of the weight names (default: the class name, camelCase). */
  name?: string;
}

export const LEARNED_OPTIONS = ['dim', 'hiddenSizes', 'seed', 'rng', 'name'] as const;

export const DEFAULT_HIDDEN_SIZES: readonly number[] = [64, 64];

/** Largest `dim`, hidden width or bin count a learned bijector accepts. */
export const MAX_WIDTH = 2 ** 20;

/** Throws unless `value` is an integer in [min, MAX_WIDTH] (messages as `assertInteger`'s). */
export function assertSize(
  fn: string,
  arg: string,
  value: unknown,
  min: number,
): asserts value is number {
  assertInteger(fn, arg, value, min);
  if (value > MAX_WIDTH) throw invalidArgument(fn, arg, value, `must be <= ${MAX_WIDTH}`);
}

export { MAX_LAYER_ENTRIES } from '@gen/nn';

/**
 * Throws unless every weight matrix of an MLP with the given layer widths (input, hidden…,
 * output) can be allocated: a typed error naming `fn`, not a RangeError from the allocation.
 */
export function assertLayerSizes(fn: string, widths: readonly number[]): void {
  assertNetworkSizes(fn, widths, 'dim, hiddenSizes and the output size');
}

/** Throws unless `options` is a plain object whose keys are all in `known`. */
export function assertOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

/** The validated common options: dim (>= `minDim`), hidden sizes and the weight generator. */
export function parseLearnedOptions(
  fn: string,
  options: LearnedBijectorOptions,
  known: readonly string[],
  minDim = 1,
): { dim: number; hiddenSizes: number[]; rng: Rng } {
  assertOptions(fn, options, [...LEARNED_OPTIONS, ...known]);
  const { dim, hiddenSizes = DEFAULT_HIDDEN_SIZES } = options;
  assertSize(fn, 'dim', dim, minDim);
  if (!Array.isArray(hiddenSizes)) {
    throw invalidArgument(fn, 'hiddenSizes', hiddenSizes, 'must be an array of integers >= 1');
  }
  hiddenSizes.forEach((size, i) => {
    assertSize(fn, `hiddenSizes[${i}]`, size, 1);
  });
  assertLayerSizes(fn, [dim, ...hiddenSizes, dim]);
  const { name } = options;
  if (name !== undefined && (typeof name !== 'string' || name === '' || name.includes('/'))) {
    throw invalidArgument(fn, 'name', name, "must be a non-empty string without '/'");
  }
  return { dim, hiddenSizes: [...hiddenSizes], rng: resolveRng(fn, options) };
}

import { resolveRng } from '@gen/core';

export { resolveRng };

/** The option of the layers that can be conditional (coupling, spline and autoregressive). */
export interface ConditionOptions {
  /**
   * C: make the layer conditional, f(x; c) for a context c: `[..., C]` (e.g. a one-hot class
   * label) that its conditioner reads beside its usual input (see `LearnedBijector`). The
   * built-in network widens its input by C (an MADE reads c through unmasked weights in every
   * layer); your own `conditioner` receives the context as extra last columns. Default:
   * unconditional.
   */
  conditionSize?: number;
}

export const CONDITION_OPTIONS = ['conditionSize'] as const;

/** The validated `conditionSize` (0 when left out). */
export function parseConditionSize(fn: string, options: ConditionOptions): number {
  const { conditionSize } = options;
  if (conditionSize === undefined) return 0;
  assertSize(fn, 'conditionSize', conditionSize, 1);
  return conditionSize;
}

/** Throws unless `value` is a finite number > `min`. */
export function assertNumberAbove(
  fn: string,
  arg: string,
  value: unknown,
  min: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= min) {
    throw invalidArgument(fn, arg, value, `must be a finite number > ${min}`);
  }
}
