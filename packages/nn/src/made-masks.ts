import { assertInteger, assertOneOf, invalidArgument, type Rng } from '@gen/core';
import { assertOptions, assertSizes, resolveRng } from './options.js';

export interface MadeMasksOptions {
  /** D, the number of autoregressive inputs. */
  inputSize: number;
  /** Widths of the hidden layers. Widths below D − 1 are allowed but cut some dependencies. */
  hiddenSizes: readonly number[];
  /**
   * Autoregressive order: ordering[i] is the position of input i (a permutation of 0..D−1);
   * 'natural' is [0, 1, …, D−1], 'random' a permutation drawn from the generator. Default
   * 'natural'.
   */
  ordering?: 'natural' | 'random' | readonly number[];
  /**
   * How hidden degrees are chosen: 'spread' covers the allowed range deterministically (a layer
   * at least as wide as the range cycles through it, nflows' `arange % (D−1) + 1`; a narrower
   * one takes evenly spaced degrees from the whole range), 'random' draws them uniformly
   * (Germain et al.). Default
   * 'random' when `ordering` is 'random', else 'spread'.
   */
  connectivity?: 'spread' | 'random';
  /** Parameters per input dimension, e.g. 2 for a shift and a log-scale (default 1). */
  outputMultiplier?: number;
  /** Seed for 'random' orderings and degrees (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  rng?: Rng;
}

export interface MadeMasks {
  /** mᵢ = ordering[i] + 1 ∈ 1..D for each input. */
  inputDegrees: number[];
  /** Degree of every unit of every hidden layer, each in [min of the previous layer, D − 1]. */
  hiddenDegrees: number[][];
  /** D·outputMultiplier degrees; unit j·D + i carries parameter j of input i (degree mᵢ). */
  outputDegrees: number[];
  /** One 0/1 mask per layer, `masks[l][i][k]` for l-th layer input i and output k. */
  masks: number[][][];
}

const OPTIONS = [
  'inputSize',
  'hiddenSizes',
  'ordering',
  'connectivity',
  'outputMultiplier',
  'seed',
  'rng',
] as const;

function resolveOrdering(d: number, ordering: unknown, rng: Rng): number[] {
  if (ordering === 'natural') return Array.from({ length: d }, (_, i) => i);
  if (ordering === 'random') return Array.from(rng.permutation(d));
  const ok =
    Array.isArray(ordering) &&
    ordering.length === d &&
    ordering.every((o) => Number.isInteger(o) && o >= 0 && o < d) &&
    new Set(ordering).size === d;
  if (!ok) {
    throw invalidArgument(
      'madeMasks',
      'ordering',
      ordering,
      `must be 'natural', 'random' or a permutation of 0..${d - 1}`,
    );
  }
  return [...(ordering as number[])];
}

function connect(from: number[], to: number[], strict: boolean): number[][] {
  return from.map((a) => to.map((b) => ((strict ? b > a : b >= a) ? 1 : 0)));
}

/**
 * Masks of a MADE network (Germain et al. 2015, "MADE: Masked Autoencoder for Distribution
 * Estimation"). Every unit gets a degree: inputs mᵢ = ordering[i] + 1; hidden units a degree in
 * [min degree of the previous layer, D − 1]; a hidden unit k' sees unit k when m(k') ≥ m(k),
 * and an output unit sees unit k when its degree is strictly greater. Hence output i depends
 * only on the inputs that come before i in the ordering (output 0 of the order on none).
 * Outputs are laid out in blocks: unit j·D + i is parameter j of input i, so reshaping the
 * output to [..., outputMultiplier, D] separates the parameters. With D = 1 hidden degrees are 0
 * and the single output depends on the input through nothing but biases.
 *
 * ```ts
 * const { masks } = madeMasks({ inputSize: 3, hiddenSizes: [8, 8], outputMultiplier: 2 });
 * masks.map((m) => [m.length, m[0]!.length]); // [[3, 8], [8, 8], [8, 6]]
 * ```
 */
export function madeMasks(options: MadeMasksOptions): MadeMasks {
  const fn = 'madeMasks';
  assertOptions(fn, options, OPTIONS);
  const { inputSize: d, hiddenSizes, ordering = 'natural', outputMultiplier = 1 } = options;
  assertInteger(fn, 'inputSize', d, 1);
  assertSizes(fn, 'hiddenSizes', hiddenSizes);
  assertInteger(fn, 'outputMultiplier', outputMultiplier, 1);
  const connectivity = options.connectivity ?? (ordering === 'random' ? 'random' : 'spread');
  assertOneOf(fn, 'connectivity', connectivity, ['spread', 'random'] as const);
  const rng = resolveRng(fn, options);

  const inputDegrees = resolveOrdering(d, ordering, rng).map((o) => o + 1);
  const hiddenDegrees: number[][] = [];
  let previous = inputDegrees;
  for (const size of hiddenSizes) {
    const low = Math.min(...previous);
    const degrees = Array.from({ length: size }, (_, k) => {
      if (d === 1) return 0;
      const span = d - low;
      if (connectivity === 'random') return low + rng.int(span);
      // A layer narrower than the range spreads its degrees evenly over all of it; cycling
      // k % span would stop at low + size − 1, so the last inputs in the order would reach no
      // output (a 784-500 MADE on MNIST could not see pixels 501–783).
      if (size >= span) return low + (k % span);
      return size === 1 ? low : low + Math.round((k * (span - 1)) / (size - 1));
    });
    hiddenDegrees.push(degrees);
    previous = degrees;
  }
  const outputDegrees = Array.from(
    { length: d * outputMultiplier },
    (_, u) => inputDegrees[u % d]!,
  );

  const masks: number[][][] = [];
  let from = inputDegrees;
  for (const degrees of hiddenDegrees) {
    masks.push(connect(from, degrees, false));
    from = degrees;
  }
  masks.push(connect(from, outputDegrees, true));
  return { inputDegrees, hiddenDegrees, outputDegrees, masks };
}
