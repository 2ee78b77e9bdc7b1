import { invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { toMatrix, toVector } from './host-tensors.js';
import { descendingEigen, sampleMoments, trace } from './sample-moments.js';

/** A fitted PCA, in float64 on the host (scikit-learn's attributes). */
export interface PcaState {
  mean: Float64Array;
  /** k unit rows of length D. */
  components: Float64Array[];
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  singularValues: Float64Array;
  noiseVariance: number;
}

/**
 * scikit-learn 1.2's `svd_flip` with u_based_decision=True: along each axis the training score
 * of largest magnitude (U's largest entry of its column) is made positive. One [N, k] product;
 * only the column maxima and minima come back.
 */
async function flipSigns(x: tf.Tensor, mean: Float64Array, axes: Float64Array[]): Promise<void> {
  const [high, low] = tf.tidy(() => {
    const xc = tf.sub(x, toVector(mean));
    const scores = tf.matMul(xc, toMatrix(axes, mean.length), false, true);
    return [tf.max(scores, 0), tf.min(scores, 0)];
  });
  try {
    const [hi, lo] = await Promise.all([high!.data(), low!.data()]);
    axes.forEach((u, i) => {
      // Ties go to the first row in scikit-learn; a tie in magnitude at opposite signs is
      // a measure-zero event, resolved here towards +.
      if (-lo[i]! > hi[i]!) for (let j = 0; j < u.length; j++) u[j] = -u[j]!;
    });
  } finally {
    tf.dispose([high!, low!]);
  }
}

/**
 * PCA of validated finite rows x [N, D] (N ≥ 2) with k components: eigendecomposition of the
 * sample covariance (denominator N − 1), as scikit-learn's full-SVD solver defines every
 * attribute: explained variances are the k largest eigenvalues, the total variance is tr S, the
 * noise variance the mean of eigenvalues k + 1 … min(N, D), singular values √((N − 1)λ).
 */
export async function fitPcaState(fn: string, x: tf.Tensor, k: number): Promise<PcaState> {
  const [n, d] = x.shape as [number, number];
  const rank = Math.min(n, d);
  if (k > rank) {
    throw invalidArgument(
      fn,
      'x',
      x,
      `must have at least components = ${k} rows and ${k} columns (components ≤ min(N, D))`,
    );
  }
  const moments = await sampleMoments(x);
  const dof = n - 1;
  const total = trace(moments.scatter, d) / dof;
  if (!(total > 0)) {
    throw invalidArgument(fn, 'x', x, 'must vary (all its rows are equal: zero total variance)');
  }
  const { values, vectors } = descendingEigen(fn, moments.scatter, d);
  const variances = values.map((v) => v / dof);
  const explainedVariance = variances.slice(0, k);
  let discarded = 0;
  for (let i = k; i < rank; i++) discarded += variances[i]!;
  const components = vectors.slice(0, k).map((v) => Float64Array.from(v));
  await flipSigns(x, moments.mean, components);
  return {
    mean: moments.mean,
    components,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => v / total),
    singularValues: explainedVariance.map((v) => Math.sqrt(v * dof)),
    noiseVariance: k < rank ? discarded / (rank - k) : 0,
  };
}
