// Test support for the bijector suites (not exported from the package).
import { numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';

/** log |det A| of a square matrix in float64 (Gaussian elimination with partial pivoting). */
export function logAbsDet(a: number[][]): number {
  const m = a.map((row) => [...row]);
  const n = m.length;
  let total = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    total += Math.log(Math.abs(pivot));
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / pivot;
      for (let k = c; k < n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return total;
}

/**
 * Central finite-difference Jacobian of `f` at the event vector `x` ([d] → [d]), one row per
 * output coordinate, through @gen/core's `numericalGradient`.
 */
export function numericalJacobian(f: (x: tf.Tensor) => tf.Tensor, x: number[], eps = 1e-2) {
  const input = tf.tensor1d(x);
  const rows = x.map((_, i) => {
    const g = numericalGradient(
      (v) => tf.tidy(() => tf.sum(tf.gather(f(v), [i])) as tf.Scalar),
      input,
      eps,
    );
    const row = Array.from(g.dataSync());
    g.dispose();
    return row;
  });
  input.dispose();
  return rows;
}

/**
 * log |f'(x)| per element of an elementwise map: the diagonal of the finite-difference
 * Jacobian (each output read alone, so small derivatives keep their relative precision).
 */
export function numericalLogDerivative(f: (x: tf.Tensor) => tf.Tensor, x: number[], eps = 1e-2) {
  return numericalJacobian(f, x, eps).map((row, i) => Math.log(Math.abs(row[i]!)));
}
