import {
  assertInteger,
  assertOneOf,
  assertPositive,
  formatValue,
  InvalidArgumentError,
  invalidArgument,
} from '@gen/core';
import { defaultValidation } from '@gen/distributions';
import { type Activation, getActivation } from '@gen/nn';
import { assertBoundedInteger, assertLayerSizes, assertOptionsObject } from '../validate.js';

/** Largest input size or hidden width. */
const MAX_WIDTH = 2 ** 20;
/** Largest number of mixture components or masks. */
const MAX_COUNT = 1024;

/** Options of {@link Made}. */
export interface MadeOptions {
  /** D, the number of dimensions of x. */
  inputSize: number;
  /** Widths of the masked hidden layers, e.g. [500]; at least one layer. */
  hiddenSizes: readonly number[];
  /** Conditional of each dimension: 'bernoulli' (default, binary data) or 'gaussian'. */
  likelihood?: 'bernoulli' | 'gaussian';
  /** 'gaussian' only: K > 1 makes each conditional a mixture of K Gaussians (default 1). */
  components?: number;
  /**
   * Autoregressive order: ordering[i] is the position of input i (a permutation of 0..D−1),
   * 'natural' (default) is [0, 1, …, D−1], 'random' a permutation drawn from `seed`. With
   * `numMasks` > 1 a 'random' ordering is redrawn for every mask.
   */
  ordering?: 'natural' | 'random' | readonly number[];
  /**
   * Size of the pool of masks (default 1). With more, every `loss` call trains one mask of the
   * pool (connectivity-agnostic, and order-agnostic with `ordering: 'random'`) and `logProb` is
   * the ensemble log((1/M) Σₘ pₘ(x)).
   */
  numMasks?: number;
  /** Activation of the hidden layers (default 'relu'). */
  activation?: Activation;
  /**
   * Also connect the inputs to the outputs through one masked linear map (default false), the
   * direct connections of the MADE authors' code: each conditional's logit adds a logistic
   * regression on the inputs before it. It costs a D × D product per example and on binarised
   * MNIST improves the test likelihood of a one-hidden-layer MADE (see the package README).
   */
  directConnections?: boolean;
  /**
   * C: make the model conditional, p(x | c) = Πᵢ p(x_{o(i)} | x_{o(<i)}, c), with a condition
   * c: [n, C] (e.g. a one-hot class label) read by every layer through unmasked weights (nflows'
   * MADE with context). Batches are then `{ x, condition }`, and `logProb`, `sample` and
   * `conditionalParams` take `{ condition }`. Default: unconditional.
   */
  conditionSize?: number;
  /** 'gaussian' only: lower bound of every scale σ = softplus(s) + minScale (default 1e-3). */
  minScale?: number;
  /** Seed of the weights, the masks and a 'random' ordering (default 0). */
  seed?: number;
  /**
   * Check the values given to `logProb` (0/1 or finite) with one synchronous read of a boolean
   * (default: @gen/distributions' `defaultValidation()`, on unless `setDefaultValidation(false)`).
   * Turn it off where synchronous reads stall, e.g. on WebGPU.
   */
  validateArgs?: boolean;
}

export const MADE_OPTIONS = [
  'inputSize',
  'hiddenSizes',
  'likelihood',
  'components',
  'ordering',
  'numMasks',
  'activation',
  'directConnections',
  'conditionSize',
  'minScale',
  'seed',
  'validateArgs',
] as const;

export interface ParsedMadeOptions {
  inputSize: number;
  hiddenSizes: number[];
  likelihood: 'bernoulli' | 'gaussian';
  components: number;
  ordering: 'natural' | 'random' | number[];
  numMasks: number;
  activation: Activation;
  directConnections: boolean;
  /** 0 when unconditional. */
  conditionSize: number;
  minScale: number;
  seed: number;
  validateArgs: boolean;
}

function parseOrdering(d: number, ordering: unknown): 'natural' | 'random' | number[] {
  if (ordering === 'natural' || ordering === 'random') return ordering;
  const ok =
    Array.isArray(ordering) &&
    ordering.length === d &&
    ordering.every((o) => Number.isInteger(o) && o >= 0 && o < d) &&
    new Set(ordering).size === d;
  if (!ok) {
    throw invalidArgument(
      'Made',
      'ordering',
      ordering,
      `must be 'natural', 'random' or a permutation of 0..${d - 1}`,
    );
  }
  return [...(ordering as number[])];
}

/** Validates the options of `new Made(...)` and fills in the defaults. */
export function parseMadeOptions(options: MadeOptions): ParsedMadeOptions {
  const fn = 'Made';
  assertOptionsObject(fn, options, MADE_OPTIONS);
  const { inputSize, hiddenSizes, likelihood = 'bernoulli', components = 1 } = options;
  const { numMasks = 1, activation = 'relu', minScale = 1e-3, seed = 0 } = options;
  assertBoundedInteger(fn, 'inputSize', inputSize, 1, MAX_WIDTH);
  if (!Array.isArray(hiddenSizes) || hiddenSizes.length === 0) {
    throw invalidArgument(fn, 'hiddenSizes', hiddenSizes, 'must be a non-empty array of widths');
  }
  hiddenSizes.forEach((size, i) => {
    assertBoundedInteger(fn, `hiddenSizes[${i}]`, size, 1, MAX_WIDTH);
  });
  assertOneOf(fn, 'likelihood', likelihood, ['bernoulli', 'gaussian'] as const);
  assertBoundedInteger(fn, 'components', components, 1, MAX_COUNT);
  if (likelihood === 'bernoulli' && components !== 1) {
    throw new InvalidArgumentError(
      `Made: argument 'components' applies to likelihood 'gaussian' only, got ${components} with 'bernoulli'`,
    );
  }
  assertBoundedInteger(fn, 'numMasks', numMasks, 1, MAX_COUNT);
  assertLayerSizes(fn, [inputSize, ...hiddenSizes, inputSize * 3 * components]);
  assertPositive(fn, 'minScale', minScale);
  if (likelihood === 'bernoulli' && options.minScale !== undefined) {
    throw new InvalidArgumentError(
      `Made: argument 'minScale' applies to likelihood 'gaussian' only, got ${minScale} with 'bernoulli'`,
    );
  }
  const { validateArgs = defaultValidation(), directConnections = false } = options;
  if (typeof directConnections !== 'boolean') {
    throw invalidArgument(fn, 'directConnections', directConnections, 'must be a boolean');
  }
  if (typeof validateArgs !== 'boolean') {
    throw invalidArgument(fn, 'validateArgs', validateArgs, 'must be a boolean');
  }
  assertInteger(fn, 'seed', seed, 0);
  const { conditionSize } = options;
  if (conditionSize !== undefined)
    assertBoundedInteger(fn, 'conditionSize', conditionSize, 1, MAX_WIDTH);
  try {
    getActivation(activation);
  } catch (cause) {
    throw new InvalidArgumentError(
      `Made: argument 'activation' must be an activation of @gen/nn, got ${formatValue(activation)}`,
      { cause },
    );
  }
  return {
    inputSize,
    hiddenSizes: [...hiddenSizes],
    likelihood,
    components,
    ordering: parseOrdering(inputSize, options.ordering ?? 'natural'),
    numMasks,
    activation,
    directConnections,
    conditionSize: conditionSize ?? 0,
    minScale,
    seed,
    validateArgs,
  };
}
