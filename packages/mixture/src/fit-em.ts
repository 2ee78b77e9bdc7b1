import { invalidArgument, Rng, ShapeMismatchError } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { disposeEmData, prepareEmData } from './em-data.js';
import { type EmRun, runEm } from './em-loop.js';
import type { HostParams } from './host-params.js';
import { initialParameters } from './initialize.js';
import type { ParsedOptions } from './options.js';

/** What `GaussianMixture.fit` resolves with (the numbers of the best restart). */
export interface GaussianMixtureFitResult {
  /** Whether the lower bound changed by less than `tolerance` before `maxIterations`. */
  converged: boolean;
  /** EM iterations run (scikit-learn's `n_iter_`). */
  iterations: number;
  /** Mean log-likelihood of the training rows before the last M-step (`lower_bound_`). */
  lowerBound: number;
  /** The lower bound after every iteration. */
  history: number[];
  /** Empty components re-seeded from the worst-explained rows (initialisation included). */
  reseeded: number;
  /** Human-readable notes: no convergence, re-seeding, collapsed components, floored pivots. */
  warnings: string[];
}

export interface FitCallOptions {
  /** Continue from the current parameters (one run, no initialisation), like scikit-learn's `warm_start`. */
  warmStart?: boolean;
  /** Called after every EM iteration (awaited). */
  onIteration?: (info: {
    restart: number;
    iteration: number;
    lowerBound: number;
  }) => void | Promise<void>;
}

/** The same parameters with every mean moved by `shift` [D]. */
export function shiftMeans(p: HostParams, shift: ArrayLike<number>, sign: 1 | -1): HostParams {
  const means = p.means.map((v, i) => v + sign * shift[i % p.d]!);
  return { ...p, means };
}

function warningsFor(fn: string, run: EmRun, options: ParsedOptions, maxIterations: number) {
  const out: string[] = [];
  const p = run.params;
  if (!run.converged && maxIterations > 0) {
    out.push(
      `${fn}: EM did not converge within ${maxIterations} iterations (last change above tolerance ${options.tolerance}); increase maxIterations or tolerance, or check for degenerate data`,
    );
  }
  if (run.reseeded > 0) {
    out.push(
      `${fn}: re-seeded ${run.reseeded} empty component(s) (responsibility below one row) from the worst-explained rows; there may be fewer clusters, or fewer distinct rows, than components`,
    );
  }
  const collapsed = [...p.minVariance.keys()].filter(
    (c) => options.regCovar > 0 && p.minVariance[c]! <= 10 * options.regCovar,
  );
  if (collapsed.length > 0) {
    out.push(
      `${fn}: component(s) ${collapsed.join(', ')} collapsed onto a near-singular covariance (smallest variance within 10× regCovar = ${options.regCovar}); regCovar keeps them finite; raise it, or use fewer components`,
    );
  }
  if (p.floored > 0) {
    out.push(
      `${fn}: ${p.floored} covariance pivot(s) were not positive in float32 and were floored at regCovar/2`,
    );
  }
  return out;
}

/**
 * EM with restarts on validated rows `x` [N, D]: centres the data (float32 cancellation), runs
 * each restart from its own split of `Rng.fromSeed(seed)` (or once from `warmStart`), keeps the
 * best lower bound (the first on ties at −∞, as scikit-learn), and returns its parameters in the
 * original frame with the report.
 */
export async function fitEm(
  fn: string,
  x: tf.Tensor,
  options: ParsedOptions,
  call: FitCallOptions & { maxIterations?: number; warmFrom?: HostParams },
): Promise<{ params: HostParams; result: GaussianMixtureFitResult }> {
  const [n, d] = x.shape as [number, number];
  const k = options.components;
  if (n < k) throw invalidArgument(fn, 'x', x, `must have at least components = ${k} rows`);
  if (typeof options.init !== 'string' && options.init.dim !== d) {
    throw new ShapeMismatchError(
      `${fn}: argument 'x' must have ${options.init.dim} columns like 'init.means', got shape [${n}, ${d}]`,
    );
  }
  const maxIterations = call.maxIterations ?? options.maxIterations;
  const data = await prepareEmData(x, options.covariance);
  const { centre } = data;
  try {
    const starts = call.warmFrom ? 1 : options.restarts;
    const rngs = Rng.fromSeed(options.seed).split(starts);
    let best: { run: EmRun; initReseeded: number } | undefined;
    for (let r = 0; r < starts; r++) {
      const init =
        typeof options.init === 'string'
          ? options.init
          : { ...options.init, means: shiftMeansArray(options.init.means, centre) };
      const start = call.warmFrom
        ? { params: shiftMeans(call.warmFrom, centre, -1), reseeded: 0 }
        : await initialParameters(data, init, k, options.covariance, options.regCovar, rngs[r]!);
      const run = await runEm(fn, data, start.params, {
        maxIterations,
        tolerance: options.tolerance,
        regCovar: options.regCovar,
        onIteration: (iteration, lowerBound) =>
          call.onIteration?.({ restart: r, iteration, lowerBound }),
      });
      if (
        best === undefined ||
        run.lowerBound > best.run.lowerBound ||
        best.run.lowerBound === -Infinity
      ) {
        best = { run, initReseeded: start.reseeded };
      }
    }
    const { run, initReseeded } = best!;
    const reseeded = run.reseeded + initReseeded;
    const result: GaussianMixtureFitResult = {
      converged: run.converged,
      iterations: run.iterations,
      lowerBound: run.lowerBound,
      history: run.history,
      reseeded,
      warnings: warningsFor(fn, { ...run, reseeded }, options, maxIterations),
    };
    return { params: shiftMeans(run.params, centre, 1), result };
  } finally {
    disposeEmData(data);
  }
}

function shiftMeansArray(means: Float64Array, centre: Float64Array): Float64Array {
  return means.map((v, i) => v - centre[i % centre.length]!);
}
