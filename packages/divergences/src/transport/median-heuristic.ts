import {
  assertInteger,
  assertKnownOptions,
  InvalidArgumentError,
  NumericalError,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { squaredDistances } from './pairwise.js';
import { type SampleLike, toSamples } from './samples.js';

export interface MedianHeuristicOptions {
  /** Use only the first `maxSamples` rows of `x` (and of `y`): the cost is quadratic in the rows. */
  maxSamples?: number;
}

/** Float32 numbers per block of differences [rows, n, d], so no block needs more than 16 MB. */
const BLOCK_VALUES = 1 << 22;

/** Median of `values` as numpy computes it: the mean of the two middle values for an even count. */
function median(values: Float64Array): number {
  values.sort();
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/**
 * The median heuristic for kernel bandwidths (Gretton et al. 2012): the median Euclidean
 * distance over all pairs i < j of the pooled rows of `x` [n, d] and `y` [m, d] (or of `x` alone),
 * like `numpy.median(scipy.spatial.distance.pdist(np.vstack([x, y])))`. Use it as the rbf
 * `bandwidth` of {@link mmd} or {@link mmdTest}; on the pooled sample it does not depend on which
 * rows are labelled x, so a permutation test stays exact. Distances are computed from the
 * differences in float32 blocks (memory O(d·n) per row, not O(n²d)); the median is read on the
 * host, so this returns a number. Throws if the median is 0 (more than half the pairs coincide).
 *
 * ```ts
 * const bandwidth = medianHeuristic(x, y);
 * mmd(x, y, { bandwidth });
 * ```
 */
export function medianHeuristic(
  x: SampleLike,
  y?: SampleLike,
  options: MedianHeuristicOptions = {},
): number {
  const fn = 'medianHeuristic';
  assertKnownOptions(fn, options, ['maxSamples']);
  const max = options.maxSamples ?? Number.POSITIVE_INFINITY;
  if (max !== Number.POSITIVE_INFINITY) assertInteger(fn, 'maxSamples', max, 1);
  const xs = toSamples(fn, 'x', x, 1);
  let ys: ReturnType<typeof toSamples> | undefined;
  try {
    ys = y === undefined ? undefined : toSamples(fn, 'y', y, 1);
    const d = xs.tensor.shape[1];
    if (ys !== undefined && ys.tensor.shape[1] !== d) {
      throw new ShapeMismatchError(
        `${fn}: samples 'x' [${xs.tensor.shape.join(', ')}] and 'y' [${ys.tensor.shape.join(', ')}] have different dimensions`,
      );
    }
    const pooled = tf.tidy(() => {
      const parts = [xs, ...(ys === undefined ? [] : [ys])].map((s) =>
        tf.slice(s.tensor, 0, Math.min(max, s.tensor.shape[0])),
      );
      return tf.concat(parts, 0) as tf.Tensor2D;
    });
    const n = pooled.shape[0];
    try {
      if (n < 2) {
        throw new ShapeMismatchError(
          `${fn}: needs at least 2 rows in 'x' and 'y' together, got ${n}`,
        );
      }
      const values = new Float64Array((n * (n - 1)) / 2);
      const rows = Math.max(1, Math.floor(BLOCK_VALUES / (n * d)));
      let k = 0;
      for (let start = 0; start < n - 1; start += rows) {
        const count = Math.min(rows, n - 1 - start);
        const block = tf.tidy(() =>
          tf.sqrt(squaredDistances(tf.slice(pooled, start, count), pooled)),
        );
        const data = block.dataSync();
        block.dispose();
        for (let i = 0; i < count; i++) {
          for (let j = start + i + 1; j < n; j++) values[k++] = data[i * n + j]!;
        }
      }
      const result = median(values);
      if (result === Number.POSITIVE_INFINITY) {
        throw new NumericalError(
          `${fn}: the median pairwise distance overflows float32 (squared distances above 3.4e38); rescale the samples`,
        );
      }
      if (!(result > 0)) {
        throw new InvalidArgumentError(
          `${fn}: the median pairwise distance of the ${n} rows of 'x'${ys === undefined ? '' : " and 'y'"} is ${result} (more than half the pairs coincide); pass a bandwidth instead`,
        );
      }
      return result;
    } finally {
      pooled.dispose();
    }
  } finally {
    if (xs.owned) xs.tensor.dispose();
    if (ys?.owned) ys.tensor.dispose();
  }
}
