import * as tf from '@tensorflow/tfjs-core';

/* Host float64 arrays to float32 tensors and back to nested arrays. */

/** Numbers as a float32 [n] tensor. */
export function toVector(values: ArrayLike<number>): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from(values));
}

/** Rows of length `d` as a float32 [rows, d] tensor. */
export function toMatrix(rows: readonly ArrayLike<number>[], d: number): tf.Tensor2D {
  const flat = new Float32Array(rows.length * d);
  for (const [i, row] of rows.entries()) flat.set(Array.from(row), i * d);
  return tf.tensor2d(flat, [rows.length, d]);
}

/** A row-major d×d matrix as nested arrays. */
export function toRowsArray(a: Float64Array, d: number): number[][] {
  return Array.from({ length: d }, (_, i) => Array.from(a.subarray(i * d, (i + 1) * d)));
}
