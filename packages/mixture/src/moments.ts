import * as tf from '@tensorflow/tfjs-core';
import type { DeviceState } from './device-state.js';
import type { EmData } from './em-data.js';
import { blockCount, blockSize } from './host-params.js';
import { weightedLogProb } from './log-density.js';
import type { CovarianceType } from './options.js';

/** scikit-learn adds 10 machine epsilons to every Nₖ so that an empty component divides by > 0. */
export const NK_EPSILON = 10 * 2 ** -23;

/**
 * Sₖ = Σₙ rₙₖ (xₙ − μₖ)(xₙ − μₖ)ᵀ for every k, [K, D, D], from one [K·D, N] × [N, D + 1]
 * product: Sₖ = Σₙ wₙₖ xₙᵀ − cₖ μₖᵀ with wₙₖ = rₙₖ (xₙ − μₖ) and cₖ = Σₙ wₙₖ (≈ 0, kept for
 * exactness; the column of ones of x1 yields it). The layout suits tfjs-backend-wasm: its batched
 * matmul is ~10× slower than a 2-D one, and a 2-D one packs its right operand, here the data,
 * once per fit. With centred x the rounding error relative to Sₖ is about ε·‖μₖ‖/σₖ, not the
 * ε·‖μₖ‖²/σₖ² of Σ rₙₖ xₙxₙᵀ − Nₖ μₖμₖᵀ.
 */
function centredScatter(data: EmData, resp: tf.Tensor, means: tf.Tensor): tf.Tensor {
  const [n, d] = data.x.shape as [number, number];
  const k = means.shape[0]!;
  const diff = tf.sub(tf.expandDims(data.xT, 0), tf.expandDims(means, 2));
  const w = tf.mul(diff, tf.expandDims(tf.transpose(resp), 1));
  const both = tf.reshape(tf.matMul(tf.reshape(w, [k * d, n]), data.x1!), [k, d, d + 1]);
  const cross = tf.slice(both, [0, 0, 0], [k, d, d]);
  const residue = tf.slice(both, [0, 0, d], [k, d, 1]);
  return tf.sub(cross, tf.mul(residue, tf.expandDims(means, 1)));
}

/**
 * The device half of an M-step (scikit-learn's `_estimate_gaussian_parameters` without the
 * regularisation, which the host adds in float64): from centred rows and responsibilities
 * `resp` [N, K], the flat vector [Nₖ (K), μₖ (K·D), Σₖ (covariance layout)] with
 * Nₖ = Σₙ rₙₖ (raw), μₖ = Σₙ rₙₖ xₙ / (Nₖ + 10ε) and
 *   full       Σₖ = Σₙ rₙₖ (xₙ − μₖ)(xₙ − μₖ)ᵀ / (Nₖ + 10ε)   (see `centredScatter`)
 *   tied       Σ  = Σₖ Σₙ rₙₖ (xₙ − μₖ)(xₙ − μₖ)ᵀ / Σₖ (Nₖ + 10ε)
 *   diag       Σₖ = max(Σₙ rₙₖ xₙ² / (Nₖ + 10ε) − μₖ², 0)
 *   spherical  σₖ² = mean over the D axes of the diag value.
 */
export function moments(data: EmData, resp: tf.Tensor, type: CovarianceType): tf.Tensor {
  return tf.tidy(() => {
    const nkRaw = tf.sum(resp, 0);
    const nk = tf.add(nkRaw, NK_EPSILON);
    const perComponent = (t: tf.Tensor) =>
      tf.div(tf.transpose(tf.matMul(t, resp)), tf.expandDims(nk, 1));
    const means = perComponent(data.xT);
    let covariance: tf.Tensor;
    if (type === 'full' || type === 'tied') {
      const scatter = centredScatter(data, resp, means);
      covariance =
        type === 'full'
          ? tf.div(scatter, tf.reshape(nk, [-1, 1, 1]))
          : tf.div(tf.sum(scatter, 0), tf.sum(nk));
    } else {
      const variance = tf.relu(tf.sub(perComponent(data.x2T!), tf.square(means)));
      covariance = type === 'diag' ? variance : tf.mean(variance, 1);
    }
    return tf.concat([nkRaw, tf.reshape(means, [-1]), tf.reshape(covariance, [-1])]);
  });
}

/** Host view of a {@link moments} vector read back at `offset`. */
export function readMoments(
  values: ArrayLike<number>,
  offset: number,
  type: CovarianceType,
  k: number,
  d: number,
): { nkRaw: Float64Array; means: Float64Array; covariances: Float64Array } {
  const take = (start: number, length: number) =>
    Float64Array.from({ length }, (_, i) => values[start + i]!);
  const nkRaw = take(offset, k);
  const means = take(offset + k, k * d);
  const covariances = take(offset + k + k * d, blockCount(type, k) * blockSize(type, d));
  return { nkRaw, means, covariances };
}

/**
 * One E-step and the device half of the following M-step: `flat` = [lower bound, ...moments]
 * where the lower bound is the mean of log p(xₙ) under `state` (scikit-learn's), and `misfit`
 * [N] = −log p(xₙ), kept to pick the worst-explained rows when a component must be re-seeded.
 */
export function emPass(
  data: EmData,
  state: DeviceState,
  type: CovarianceType,
): { flat: tf.Tensor; misfit: tf.Tensor } {
  return tf.tidy(() => {
    // log-sum-exp and the responsibilities from one exp: rₙₖ = e / Σₖ e with e = exp(ℓ − max ℓ).
    const wlp = weightedLogProb(data.x, state, type, { x2: data.x2 });
    const top = tf.max(wlp, 1, true);
    const e = tf.exp(tf.sub(wlp, top));
    const total = tf.sum(e, 1, true);
    const resp = tf.div(e, total);
    const logNorm = tf.reshape(tf.add(tf.log(total), top), [-1]);
    const flat = tf.concat([tf.reshape(tf.mean(logNorm), [1]), moments(data, resp, type)]);
    return { flat, misfit: tf.neg(logNorm) };
  });
}

/** Rows of `x` with the `count` largest `misfit` values, read back as [count·D] float64. */
export async function worstRows(
  x: tf.Tensor,
  misfit: tf.Tensor,
  count: number,
): Promise<Float64Array> {
  const rows = tf.tidy(() => tf.gather(x, tf.topk(misfit, count).indices));
  try {
    return Float64Array.from(await rows.data());
  } finally {
    rows.dispose();
  }
}
