import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { EmData } from './em-data.js';
import { type HostParams, withFactors } from './host-params.js';
import type { ParsedInitial } from './initial-parameters.js';
import { kmeansPlusPlus, lloyd, nearest, oneHotFloat } from './kmeans.js';
import { countEmpty, finishMStep } from './m-step.js';
import { moments, readMoments, worstRows } from './moments.js';
import type { CovarianceType, InitMethod } from './options.js';

/** K distinct row indices drawn uniformly. */
function distinctRows(n: number, k: number, rng: Rng): number[] {
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(rng.int(n));
  return [...chosen];
}

/** Starting centres [K, D] of a centre-based method. */
async function centresFor(
  x: tf.Tensor,
  init: Exclude<InitMethod, 'random'> | ParsedInitial,
  k: number,
  rng: Rng,
): Promise<tf.Tensor> {
  if (typeof init !== 'string') return tf.tensor2d(Float32Array.from(init.means), [k, init.dim]);
  if (init === 'random-from-data') {
    const rows = distinctRows(x.shape[0]!, k, rng);
    return tf.tidy(() => tf.gather(x, tf.tensor1d(rows, 'int32')));
  }
  const seeds = kmeansPlusPlus(x, k, rng);
  return init === 'kmeans' ? lloyd(x, seeds) : seeds;
}

/**
 * Responsibilities [N, K] to start from, and a misfit score [N] that ranks how badly each row
 * is explained (the squared distance to its centre), used to re-seed empty components.
 */
async function startingResponsibilities(
  x: tf.Tensor,
  init: InitMethod | ParsedInitial,
  k: number,
  rng: Rng,
): Promise<{ resp: tf.Tensor; misfit: tf.Tensor }> {
  const n = x.shape[0]!;
  if (init === 'random') {
    const resp = tf.tidy(() => {
      const u = rng.uniform([n, k]);
      return tf.div(u, tf.sum(u, 1, true));
    });
    return { resp, misfit: tf.zeros([n]) };
  }
  const centres = await centresFor(x, init, k, rng);
  const { labels, distance } = nearest(x, centres);
  const resp = oneHotFloat(labels, k);
  tf.dispose([centres, labels]);
  return { resp, misfit: distance };
}

/**
 * EM's starting point for the prepared (centred) rows: responsibilities from `init`, one M-step
 * (with `regCovar`, re-seeding empty components), and for explicit parameters (`means` already
 * centred) those parts replacing the M-step's — as scikit-learn's `_initialize` does.
 */
export async function initialParameters(
  data: EmData,
  init: InitMethod | ParsedInitial,
  k: number,
  type: CovarianceType,
  regCovar: number,
  rng: Rng,
): Promise<{ params: HostParams; reseeded: number }> {
  const d = data.x.shape[1]!;
  const { resp, misfit } = await startingResponsibilities(data.x, init, k, rng);
  const flat = moments(data, resp, type);
  resp.dispose();
  try {
    const m = readMoments(await flat.data(), 0, type, k, d);
    const empty = countEmpty(m.nkRaw);
    const worst = empty > 0 ? await worstRows(data.x, misfit, empty) : undefined;
    const fromData = finishMStep(type, k, d, m, regCovar, worst);
    if (typeof init === 'string') return fromData;
    const p = fromData.params;
    const params = withFactors(
      type,
      k,
      d,
      init.weights ?? p.weights,
      Float64Array.from(init.means),
      init.covariances ? Float64Array.from(init.covariances) : p.covariances,
      1e-30,
    );
    return { params, reseeded: fromData.reseeded };
  } finally {
    tf.dispose([flat, misfit]);
  }
}
