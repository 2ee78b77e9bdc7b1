import {
  assertInteger,
  assertKnownOptions,
  assertNonNegative,
  assertOneOf,
  invalidArgument,
} from '@gen/core';
import { defaultValidation } from '@gen/distributions';
import { type ParsedInitial, parseInitialParameters } from './initial-parameters.js';

/**
 * How the components' covariances are constrained (scikit-learn's `covariance_type`): each its
 * own full matrix, one full matrix shared by all, each diagonal, or each a multiple of I.
 */
export type CovarianceType = 'full' | 'tied' | 'diag' | 'spherical';
export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

/**
 * Starting points of EM. 'kmeans' (the default, like scikit-learn's): k-means++ seeding, then
 * Lloyd's k-means; 'kmeans++': k-means++ seeding alone (greedy, 2 + ⌊ln K⌋ trials per centre);
 * 'random-from-data': K distinct random rows as centres. These three assign every row to its
 * nearest centre and take one M-step. 'random': uniformly random responsibilities, one M-step.
 */
export type InitMethod = 'kmeans' | 'kmeans++' | 'random' | 'random-from-data';
export const INIT_METHODS: readonly InitMethod[] = [
  'kmeans',
  'kmeans++',
  'random',
  'random-from-data',
];

/** Covariance-shaped values in scikit-learn's layout: full [K][D][D], tied [D][D], diag [K][D], spherical [K]. */
export type CovarianceArray =
  | readonly number[]
  | readonly (readonly number[])[]
  | readonly (readonly (readonly number[])[])[];

/**
 * An explicit starting point (scikit-learn's `weights_init`, `means_init`, `precisions_init`).
 * `means` [K][D] is required; missing parts come from assigning every row to its nearest given
 * mean and taking one M-step. Give at most one of `covariances` and `precisions`.
 */
export interface InitialParameters {
  /** Mixing weights [K], positive, summing to 1. */
  weights?: readonly number[];
  means: readonly (readonly number[])[];
  covariances?: CovarianceArray;
  /** Inverse covariances (as scikit-learn's `precisions_init`). */
  precisions?: CovarianceArray;
}

export interface GaussianMixtureOptions {
  /** Number of components K ≥ 1. */
  components: number;
  /** Default 'full'. */
  covariance?: CovarianceType;
  /** Default 'kmeans'. */
  init?: InitMethod | InitialParameters;
  /** Added to the diagonal of every covariance (default 1e-6, like scikit-learn's `reg_covar`). */
  regCovar?: number;
  /** EM iterations per restart (default 100); 0 only initialises. */
  maxIterations?: number;
  /** Stop when the mean log-likelihood lower bound changes by less than this (default 1e-3). */
  tolerance?: number;
  /** Independent initialisations, each from its own split of the seed's Rng (default 1). */
  restarts?: number;
  /** Seed of the initialisations (default 0). */
  seed?: number;
  /** Check inputs of the synchronous methods for NaN/Inf (reads back; default as @gen/distributions). */
  validateArgs?: boolean;
}

export interface ParsedOptions {
  components: number;
  covariance: CovarianceType;
  init: InitMethod | ParsedInitial;
  regCovar: number;
  maxIterations: number;
  tolerance: number;
  restarts: number;
  seed: number;
  validateArgs: boolean;
}

const KEYS = [
  'components',
  'covariance',
  'init',
  'regCovar',
  'maxIterations',
  'tolerance',
  'restarts',
  'seed',
  'validateArgs',
];

/** Validates the constructor options and fills in the defaults. */
export function parseOptions(fn: string, options: GaussianMixtureOptions): ParsedOptions {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(fn, 'options', options, 'must be an options object with `components`');
  }
  assertKnownOptions(fn, options, KEYS);
  const {
    components,
    covariance = 'full',
    init = 'kmeans',
    regCovar = 1e-6,
    maxIterations = 100,
    tolerance = 1e-3,
    restarts = 1,
    seed = 0,
    validateArgs = defaultValidation(),
  } = options;
  assertInteger(fn, 'components', components, 1);
  assertOneOf(fn, 'covariance', covariance, COVARIANCE_TYPES);
  assertNonNegative(fn, 'regCovar', regCovar);
  assertInteger(fn, 'maxIterations', maxIterations, 0);
  assertNonNegative(fn, 'tolerance', tolerance);
  assertInteger(fn, 'restarts', restarts, 1);
  assertInteger(fn, 'seed', seed, 0);
  if (typeof validateArgs !== 'boolean') {
    throw invalidArgument(fn, 'validateArgs', validateArgs, 'must be a boolean');
  }
  let parsedInit: InitMethod | ParsedInitial;
  if (typeof init === 'string' || init === null || typeof init !== 'object') {
    assertOneOf(fn, 'init', init, INIT_METHODS);
    parsedInit = init;
  } else {
    if (restarts > 1) {
      throw invalidArgument(
        fn,
        'restarts',
        restarts,
        'must be 1 with explicit initial parameters (every restart would repeat the same run)',
      );
    }
    parsedInit = parseInitialParameters(fn, init, components, covariance);
  }
  return {
    components,
    covariance,
    init: parsedInit,
    regCovar,
    maxIterations,
    tolerance,
    restarts,
    seed,
    validateArgs,
  };
}
