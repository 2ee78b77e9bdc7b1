import type { Mixture } from '@gen/distributions';
import {
  type FganName,
  type Fit,
  NAMES,
  quadratureDivergence,
  quadratureFit,
  target,
} from './experiment.js';
import { trainTestMatrix } from './table.js';
import { type Budget, type VariationalFit, variationalFit } from './variational-fit.js';

/** Everything `gen fgan` reports. */
export interface FganResult {
  /** θ* = argmin D_f(P‖Q_θ) by quadrature, with the gradient norm there. */
  optima: Record<FganName, Fit & { gradient: number }>;
  /** The f-GAN fits θ̂ with the critic's bound F̂ ± se and the exact D_f(P‖Q_θ̂). */
  variational: Record<FganName, VariationalFit & { divergence: number }>;
  /** Train/test matrices (rows: training divergence, columns: test divergence), in nats. */
  optimaMatrix: number[][];
  variationalMatrix: number[][];
}

/** Options of {@link runFgan}: the training budget, the seed of the first divergence, progress. */
export interface FganOptions extends Budget {
  /** Divergence i is trained with seed + i. */
  seed: number;
  onProgress?: (message: string) => void;
}

/**
 * Runs the f-GAN experiment: the quadrature optimum and an f-GAN fit of a Gaussian to the
 * three-component mixture under each of KL, reverse KL, JS, Jeffrey and Pearson, and the two
 * train/test tables (call after `initBackend`).
 */
export async function runFgan(options: FganOptions): Promise<FganResult> {
  const p: Mixture = target();
  try {
    const optima = {} as FganResult['optima'];
    const variational = {} as FganResult['variational'];
    for (const [i, name] of NAMES.entries()) {
      options.onProgress?.(`${name}: quadrature optimum`);
      optima[name] = await quadratureFit(name, p);
      options.onProgress?.(`${name}: f-GAN training, ${options.steps} steps`);
      const fit = await variationalFit(name, p, options.seed + i, options);
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
