import * as tf from '@tensorflow/tfjs-core';

/**
 * Up to this many coordinates, ‖x_i − y_j‖² is summed coordinate by coordinate from the
 * differences themselves: as fast as the matmul on wasm there (two n×m kernels per
 * coordinate, no [n, m, d] tensor) and exact, with zeros for equal points.
 */
const COORDINATEWISE_MAX_DIM = 4;

/**
 * ‖x_i − y_j‖² for `x` [n, d] and `y` [m, d] → [n, m]. Up to 4 coordinates from the differences
 * (exact); beyond, ‖x‖² + ‖y‖² − 2x·yᵀ through one matmul, on coordinates centred at the pooled
 * mean (the cancellation is relative to the spread, not the distance from the origin), clamped
 * at 0. The matmul form leaves rounding noise of about 1e−7·‖x − mean‖² on near-equal pairs:
 * where that matters (square roots of small distances) pass `exact`, which then builds the
 * O(n·m·d) differences.
 */
export function squaredDistances(x: tf.Tensor2D, y: tf.Tensor2D, exact = false): tf.Tensor2D {
  const d = x.shape[1];
  return tf.tidy(() => {
    if (d <= COORDINATEWISE_MAX_DIM) {
      const rows = tf.split(x, d, 1);
      const columns = tf.split(tf.transpose(y), d, 0);
      // tf.squaredDifference would save a kernel, but its gradient does not reduce broadcasts.
      const terms = rows.map((row, k) => tf.square(tf.sub(row, columns[k]!)));
      return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Tensor2D;
    }
    if (exact) {
      return tf.sum(tf.square(tf.sub(tf.expandDims(x, 1), tf.expandDims(y, 0))), 2) as tf.Tensor2D;
    }
    const centre = tf.mean(tf.concat([x, y], 0), 0, true);
    const xc = tf.sub(x, centre);
    const yc = tf.sub(y, centre);
    // [−2x, ‖x‖², 1] · [y, 1, ‖y‖²]ᵀ: the norms ride in the same matmul. The right operand is
    // transposed up front because wasm's matmul with transposeB is 10–25× slower.
    const left = tf.concat(
      [tf.mul(xc, -2), tf.sum(tf.square(xc), 1, true), tf.ones([x.shape[0], 1])],
      1,
    );
    const right = tf.concat([yc, tf.ones([y.shape[0], 1]), tf.sum(tf.square(yc), 1, true)], 1);
    return tf.relu(tf.matMul(left, tf.transpose(right))) as tf.Tensor2D;
  });
}

/**
 * t^{p/2} elementwise for t ≥ 0 (p = 1: ‖·‖ from ‖·‖²), one kernel forward, with a finite
 * (zero) gradient at t = 0 where the true one is infinite or undefined.
 */
export function powerOfSquared(t: tf.Tensor, p: number): tf.Tensor {
  if (p === 2) return tf.clone(t);
  const power = tf.customGrad((input, save) => {
    const value = p === 1 ? tf.sqrt(input as tf.Tensor) : tf.pow(input as tf.Tensor, p / 2);
    (save as tf.GradSaveFunc)([input as tf.Tensor, value]);
    return {
      value,
      gradFunc: (dy, [saved, out]) =>
        tf.tidy(() => {
          const positive = tf.greater(saved!, 0);
          const slope = tf.div(
            tf.mul(out!, p / 2),
            tf.where(positive, saved!, tf.onesLike(saved!)),
          );
          return tf.mul(dy, tf.where(positive, slope, tf.zerosLike(slope)));
        }),
    };
  });
  return power(t);
}
