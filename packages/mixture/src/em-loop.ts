import { NumericalError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { disposeState, uploadState } from './device-state.js';
import type { EmData } from './em-data.js';
import type { HostParams } from './host-params.js';
import { countEmpty, finishMStep } from './m-step.js';
import { emPass, readMoments, worstRows } from './moments.js';

/** One EM iteration's outcome: the lower bound of the parameters it started from, the new ones. */
export interface EmIteration {
  lowerBound: number;
  params: HostParams;
  reseeded: number;
}

/**
 * One E-step and M-step on the prepared rows from `params`: the N-sized work on the device, one
 * read-back of the K-sized moments (and the lower bound), the regularisation, re-seeding and
 * factorisation on the host.
 */
export async function emIteration(
  fn: string,
  data: EmData,
  params: HostParams,
  regCovar: number,
): Promise<EmIteration> {
  const { k, d, type } = params;
  const state = uploadState(params);
  let pass: { flat: tf.Tensor; misfit: tf.Tensor };
  try {
    pass = emPass(data, state, type);
  } finally {
    disposeState(state);
  }
  try {
    const values = await pass.flat.data();
    const lowerBound = values[0]!;
    if (!Number.isFinite(lowerBound)) {
      throw new NumericalError(
        `${fn}: the mean log-likelihood became ${lowerBound}; check the data for extreme values or raise 'regCovar'`,
      );
    }
    const m = readMoments(values, 1, type, k, d);
    const empty = countEmpty(m.nkRaw);
    const worst = empty > 0 ? await worstRows(data.x, pass.misfit, empty) : undefined;
    return { lowerBound, ...finishMStep(type, k, d, m, regCovar, worst) };
  } finally {
    tf.dispose([pass.flat, pass.misfit]);
  }
}

export interface EmRun {
  params: HostParams;
  /** scikit-learn's `lower_bound_`: the mean log-likelihood before the last M-step. */
  lowerBound: number;
  iterations: number;
  converged: boolean;
  /** The lower bound after every iteration. */
  history: number[];
  reseeded: number;
}

export interface EmSettings {
  maxIterations: number;
  tolerance: number;
  regCovar: number;
  onIteration?: (iteration: number, lowerBound: number) => void | Promise<void>;
}

/**
 * EM from `start` until the lower bound changes by less than `tolerance` or `maxIterations`
 * (scikit-learn's loop: the bound of iteration i is evaluated at the parameters before its
 * M-step, and the parameters returned are those after the last M-step).
 */
export async function runEm(
  fn: string,
  data: EmData,
  start: HostParams,
  settings: EmSettings,
): Promise<EmRun> {
  let params = start;
  let lowerBound = Number.NEGATIVE_INFINITY;
  let converged = false;
  let iterations = 0;
  let reseeded = 0;
  const history: number[] = [];
  for (let it = 1; it <= settings.maxIterations; it++) {
    const step = await emIteration(fn, data, params, settings.regCovar);
    const change = step.lowerBound - lowerBound;
    ({ params, lowerBound } = step);
    reseeded += step.reseeded;
    iterations = it;
    history.push(lowerBound);
    await settings.onIteration?.(it, lowerBound);
    if (Math.abs(change) < settings.tolerance) {
      converged = true;
      break;
    }
  }
  return { params, lowerBound, iterations, converged, history, reseeded };
}
