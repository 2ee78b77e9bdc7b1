import * as tf from '@tensorflow/tfjs-core';

/**
 * The monotone (optimal in 1-D) coupling of two uniform empirical distributions of sizes n
 * and m: the quantile functions F⁻¹ and G⁻¹ are constant on the intervals between the merged
 * breakpoints {i/n} ∪ {j/m}; interval k pairs the i_k-th smallest x with the j_k-th smallest y
 * and has length w_k, so W_p^p = Σ_k w_k |x_(i_k) − y_(j_k)|^p (at most n + m − 1 intervals).
 * Exact integer arithmetic on the breakpoints (scaled by n·m).
 */
export function quantileCoupling(
  n: number,
  m: number,
): { left: number[]; right: number[]; weights: number[] } {
  const left: number[] = [];
  const right: number[] = [];
  const weights: number[] = [];
  let i = 0;
  let j = 0;
  let previous = 0;
  while (i < n && j < m) {
    const endX = (i + 1) * m;
    const endY = (j + 1) * n;
    const end = Math.min(endX, endY);
    left.push(i);
    right.push(j);
    weights.push((end - previous) / (n * m));
    previous = end;
    if (endX === end) i++;
    if (endY === end) j++;
  }
  return { left, right, weights };
}

/**
 * Sorts each row of `values` ([rows, n]) ascending, differentiably: the permutation comes from
 * `tf.topk` (which has no gradient), is read back and rebuilt as a constant index tensor (kept
 * off the gradient tape), and the values are gathered through it.
 */
export function sortRows(values: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, n] = values.shape;
    const order = tf.tidy(() => {
      const offsets = tf.reshape(tf.range(0, rows * n, n, 'int32'), [rows, 1]);
      return tf.add(tf.topk(tf.neg(values), n).indices, offsets).dataSync();
    });
    const flat = tf.tensor1d(order as Int32Array, 'int32');
    return tf.reshape(tf.gather(tf.reshape(values, [rows * n]), flat), [rows, n]) as tf.Tensor2D;
  });
}

/**
 * W_p^p between the rows of two sets of 1-D samples: `x` [rows, n], `y` [rows, m] → [rows].
 */
export function wassersteinPowerRows(x: tf.Tensor2D, y: tf.Tensor2D, p: number): tf.Tensor1D {
  return tf.tidy(() => {
    const { left, right, weights } = quantileCoupling(x.shape[1], y.shape[1]);
    const xs = tf.gather(sortRows(x), tf.tensor1d(left, 'int32'), 1);
    const ys = tf.gather(sortRows(y), tf.tensor1d(right, 'int32'), 1);
    const gap = tf.abs(tf.sub(xs, ys));
    const cost = p === 1 ? gap : tf.pow(gap, p);
    return tf.sum(tf.mul(cost, tf.tensor1d(weights)), 1) as tf.Tensor1D;
  });
}

/** t^{1/p} with a zero (not NaN or ∞) gradient at t = 0. */
export function safeRoot(t: tf.Tensor, p: number): tf.Tensor {
  if (p === 1) return tf.clone(t);
  return tf.tidy(() => {
    const positive = tf.greater(t, 0);
    const root = tf.pow(tf.where(positive, t, tf.onesLike(t)), 1 / p);
    return tf.where(positive, root, tf.zerosLike(t));
  });
}
