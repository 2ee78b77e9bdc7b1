import {
  assertInteger,
  assertKnownOptions,
  assertRng,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { safeRoot, wassersteinPowerRows } from './quantile-coupling.js';
import { type SampleLike, withSamplePair } from './samples.js';
import { assertOrder } from './wasserstein-1d.js';

export interface SlicedWassersteinOptions {
  /**
   * Number of random directions (default 50, drawn uniformly on the sphere from `rng`), or the
   * directions themselves as an [L, d] tensor or array of unit rows (then `rng` is not needed).
   */
  projections?: number | tf.Tensor | number[][];
  /** The order p ≥ 1 (default 2). */
  p?: number;
  /** Random source for the directions. */
  rng?: Rng;
}

function directions(fn: string, options: SlicedWassersteinOptions, d: number): tf.Tensor2D {
  const given = options.projections ?? 50;
  if (typeof given === 'number') {
    assertInteger(fn, 'projections', given, 1);
    assertRng(fn, 'rng', options.rng);
    const rng = options.rng;
    return tf.tidy(() => {
      const g = rng.normal([given, d]);
      return tf.div(g, tf.norm(g, 'euclidean', 1, true)) as tf.Tensor2D;
    });
  }
  const theta = given instanceof tf.Tensor ? tf.cast(given, 'float32') : tf.tensor(given);
  if (theta.rank !== 2 || theta.shape[1] !== d || theta.shape[0] === 0) {
    const shape = theta.shape.join(', ');
    theta.dispose();
    throw new ShapeMismatchError(
      `${fn}: option 'projections' must be a number or directions of shape [L, ${d}], got [${shape}]`,
    );
  }
  return theta as tf.Tensor2D;
}

/**
 * Sliced p-Wasserstein distance (Bonneel et al. 2015), as POT's `sliced_wasserstein_distance`:
 * SW_p = (mean over directions θ of W_p^p(θ·X, θ·Y))^{1/p}, each 1-D term exact through the
 * monotone coupling. Samples `[n, d]` and `[m, d]`; differentiable with respect to positions
 * (and directions given as a tensor).
 *
 * ```ts
 * slicedWasserstein(x, y, { projections: 100, rng: Rng.fromSeed(0) });
 * ```
 */
export function slicedWasserstein(
  x: SampleLike,
  y: SampleLike,
  options: SlicedWassersteinOptions = {},
): tf.Scalar {
  const fn = 'slicedWasserstein';
  assertKnownOptions(fn, options, ['projections', 'p', 'rng']);
  const p = options.p ?? 2;
  assertOrder(fn, p);
  return withSamplePair(fn, x, y, 1, (xs, ys) => {
    const theta = directions(fn, options, xs.shape[1]);
    try {
      return tf.tidy(() => {
        const px = tf.transpose(tf.matMul(xs, theta, false, true)) as tf.Tensor2D;
        const py = tf.transpose(tf.matMul(ys, theta, false, true)) as tf.Tensor2D;
        return safeRoot(tf.mean(wassersteinPowerRows(px, py, p)), p) as tf.Scalar;
      });
    } finally {
      if (theta !== options.projections) theta.dispose();
    }
  });
}
