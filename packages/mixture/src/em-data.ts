import * as tf from '@tensorflow/tfjs-core';
import type { CovarianceType } from './options.js';

/**
 * The rows EM works on, centred once, with the layouts its products need, computed once per fit
 * instead of once per iteration (and, as right-hand operands of 2-D matmuls, packed once by the
 * wasm backend):
 *   x   [N, D]      x − x̄ (centring keeps float32 cancellation small)
 *   xT  [D, N]      its transpose: Σₙ xₙ rₙₖ = xT · r
 *   x2  [N, D], x2T [D, N]   squares, for diag and spherical covariances
 *   x1  [N, D + 1]  [x, 1], for full and tied: one product gives Σ wₙ xₙᵀ and Σ wₙ
 */
export interface EmData {
  readonly x: tf.Tensor;
  readonly xT: tf.Tensor;
  readonly x2?: tf.Tensor;
  readonly x2T?: tf.Tensor;
  readonly x1?: tf.Tensor;
  /** x̄ [D], in float64 on the host (to move the means back). */
  readonly centre: Float64Array;
}

/** Centres `x` [N, D] and derives what EM with covariance `type` needs; `disposeEmData` frees it. */
export async function prepareEmData(x: tf.Tensor, type: CovarianceType): Promise<EmData> {
  const mean = tf.mean(x, 0);
  try {
    const centre = Float64Array.from(await mean.data());
    const tensors = tf.tidy(() => {
      const xc = tf.sub(x, mean);
      const base = { x: xc, xT: tf.transpose(xc) };
      if (type === 'full' || type === 'tied') {
        return { ...base, x1: tf.concat([xc, tf.ones([xc.shape[0]!, 1])], 1) };
      }
      const x2 = tf.square(xc);
      return { ...base, x2, x2T: tf.transpose(x2) };
    });
    return { ...tensors, centre };
  } finally {
    mean.dispose();
  }
}

export function disposeEmData(data: EmData): void {
  tf.dispose([data.x, data.xT, data.x2, data.x2T, data.x1].filter((t) => t !== undefined));
}
