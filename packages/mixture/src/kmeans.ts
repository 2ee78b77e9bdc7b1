import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Squared Euclidean distances [M, N] between rows of `a` [M, D] and `b` [N, D], clamped ≥ 0. */
export function squaredDistances(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cross = tf.matMul(a, tf.transpose(b));
    const aa = tf.sum(tf.square(a), 1, true);
    const bb = tf.sum(tf.square(b), 1);
    return tf.relu(tf.add(tf.sub(aa, tf.mul(2, cross)), bb));
  });
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007) in scikit-learn's greedy form: the first
 * centre is a uniformly random row; each next one is the best of 2 + ⌊ln K⌋ candidates drawn
 * with probability ∝ D(x)², the squared distance to the nearest centre so far, "best" meaning
 * the smallest resulting potential Σ D(x)². Runs on the device without reading back. When every
 * row already coincides with a centre (fewer distinct rows than K), candidates are row 0.
 * Returns the centres [K, D].
 */
export function kmeansPlusPlus(x: tf.Tensor, k: number, rng: Rng): tf.Tensor {
  const n = x.shape[0]!;
  const trials = 2 + Math.floor(Math.log(k));
  return tf.tidy(() => {
    const first = tf.gather(x, tf.tensor1d([rng.int(n)], 'int32'));
    const centres = [first];
    let closest = tf.reshape(squaredDistances(first, x), [n]);
    for (let c = 1; c < k; c++) {
      const cumulative = tf.cumsum(closest);
      const targets = tf.mul(rng.uniform([trials]), tf.sum(closest));
      const found = tf.reshape(tf.searchSorted(cumulative, targets), [trials]);
      const ids = tf.minimum(found, tf.scalar(n - 1, 'int32'));
      const candidates = tf.gather(x, ids);
      const potentials = tf.minimum(tf.expandDims(closest, 0), squaredDistances(candidates, x));
      const best = tf.argMin(tf.sum(potentials, 1));
      centres.push(tf.gather(candidates, tf.reshape(best, [1])));
      closest = tf.reshape(tf.gather(potentials, tf.reshape(best, [1])), [n]);
    }
    return tf.concat(centres);
  });
}

/**
 * One-hot rows [N, K] as float32. Built as int32 and cast: tfjs-backend-wasm 4.22's OneHot
 * with dtype 'float32' writes the integer bit patterns (1 becomes 1.4e-45).
 */
export function oneHotFloat(labels: tf.Tensor, k: number): tf.Tensor {
  if (k === 1) return tf.ones([labels.shape[0]!, 1]);
  return tf.tidy(() => tf.cast(tf.oneHot(labels, k), 'float32'));
}

/** Nearest centre of every row: `labels` [N] (int32) and `distance` [N] (squared). */
export function nearest(
  x: tf.Tensor,
  centres: tf.Tensor,
): { labels: tf.Tensor; distance: tf.Tensor } {
  return tf.tidy(() => {
    const d2 = squaredDistances(x, centres);
    return { labels: tf.argMin(d2, 1), distance: tf.min(d2, 1) };
  });
}

/**
 * Lloyd's k-means from `centres` [K, D] (taken over; the result replaces it): assign each row to
 * its nearest centre, move each centre to the mean of its rows (a centre without rows stays),
 * until the total squared centre shift is ≤ `tolerance` · (mean per-axis variance of x) —
 * scikit-learn's criterion with its tol 1e-4 — or `maxIterations`. One read-back per iteration.
 */
export async function lloyd(
  x: tf.Tensor,
  centres: tf.Tensor,
  options: { maxIterations?: number; tolerance?: number } = {},
): Promise<tf.Tensor> {
  const { maxIterations = 100, tolerance = 1e-4 } = options;
  const k = centres.shape[0]!;
  const scaleTensor = tf.tidy(() => tf.mean(tf.moments(x, 0).variance));
  const scale = (await scaleTensor.data())[0]!;
  scaleTensor.dispose();
  let current = centres;
  for (let it = 0; it < maxIterations; it++) {
    const { next, shift } = tf.tidy(() => {
      const { labels } = nearest(x, current);
      const onehot = oneHotFloat(labels, k);
      const counts = tf.sum(onehot, 0);
      const sums = tf.matMul(tf.transpose(onehot), x);
      const moved = tf.div(sums, tf.expandDims(tf.maximum(counts, 1), 1));
      const keep = tf.expandDims(tf.greater(counts, 0), 1);
      const updated = tf.where(tf.broadcastTo(keep, moved.shape), moved, current);
      return { next: updated, shift: tf.sum(tf.square(tf.sub(updated, current))) };
    });
    current.dispose();
    current = next;
    const moved = (await shift.data())[0]!;
    shift.dispose();
    if (moved <= tolerance * scale) break;
  }
  return current;
}
