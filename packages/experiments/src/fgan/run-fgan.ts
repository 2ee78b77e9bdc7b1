import { assertInteger, invalidArgument } from '@gen/core';
import { assertOptions } from './checks.js';
import { FGAN_NAMES, type FganName, type GaussianFit } from './names.js';
import { quadratureDivergence, quadratureFit } from './quadrature-fit.js';
import { FGAN_MIXTURE, mixtureOf } from './target.js';
import { trainTestMatrix } from './train-test-matrix.js';
import {
  type Budget,
  checkBudget,
  type VariationalFit,
  variationalFit,
} from './variational-fit.js';

/** Everything the f-GAN experiment reports. */
export interface FganResult {
  /** θ* = argmin D_f(P‖Q_θ) by quadrature, with the gradient norm there. */
  optima: Record<FganName, GaussianFit & { gradient: number }>;
  /** The f-GAN fits θ̂ with the critic's bound F̂ ± se and the exact D_f(P‖Q_θ̂). */
  variational: Record<FganName, VariationalFit & { divergence: number }>;
  /** Train/test matrices (rows: training divergence, columns: test divergence), in nats. */
  optimaMatrix: number[][];
  variationalMatrix: number[][];
}

/** Options of {@link runFgan}: the training budget, the seed of the first divergence, progress. */
export interface FganOptions extends Budget {
  /** Divergence i of {@link FGAN_NAMES} is trained with seed + i (default 100). */
  seed?: number;
  /** Called before each phase with a one-line description. */
  onProgress?: (message: string) => void;
}

/**
 * The f-GAN experiment (Nowozin et al. 2016, "approximate a mixture of Gaussians by a single
 * Gaussian") on {@link FGAN_MIXTURE}: the quadrature optimum and an f-GAN fit of a Gaussian
 * under each of KL, reverse KL, JS, Jeffrey and Pearson, and the two train/test tables. Call
 * after `initBackend`; the default budget (500 steps per divergence) takes about a minute on wasm.
 */
export async function runFgan(options: FganOptions = {}): Promise<FganResult> {
  const fn = 'runFgan';
  assertOptions(fn, options, ['steps', 'warmUp', 'averageFrom', 'batch', 'seed', 'onProgress']);
  const { seed = 100, onProgress, ...budget } = options;
  assertInteger(fn, 'seed', seed, 0);
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw invalidArgument(fn, 'onProgress', onProgress, 'must be a function (message) => void');
  }
  checkBudget(fn, budget); // refuse a bad budget before the quadrature fits run
  const p = mixtureOf(FGAN_MIXTURE);
  try {
    const optima = {} as FganResult['optima'];
    const variational = {} as FganResult['variational'];
    for (const [i, name] of FGAN_NAMES.entries()) {
      onProgress?.(`${name}: quadrature optimum`);
      optima[name] = await quadratureFit(name, p);
      onProgress?.(`${name}: f-GAN training, ${budget.steps ?? 500} steps`);
      const fit = await variationalFit(name, p, seed + i, budget);
      variational[name] = { ...fit, divergence: await quadratureDivergence(name, p, fit) };
    }
    return {
      optima,
      variational,
      optimaMatrix: await trainTestMatrix(p, optima),
      variationalMatrix: await trainTestMatrix(p, variational),
    };
  } finally {
    p.dispose();
  }
}
