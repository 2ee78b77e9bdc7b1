// Test support for the flows suites (not part of the published package).
import { Rng } from '@gen/core';
import { numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import type { LearnedBijector } from '../src/learned-bijector.js';

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

/** Central finite-difference Jacobian of `f` ([d] → [d]) at `x`, one row per output. */
export function numericalJacobian(
  f: (x: tf.Tensor) => tf.Tensor,
  x: number[],
  eps = 1e-2,
): number[][] {
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

/** log N(z | 0, I) per row of `z: [n, d]`. */
export function standardNormalLogProb(z: tf.Tensor): tf.Tensor {
  const d = z.shape[z.rank - 1]!;
  return tf.tidy(() =>
    tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), -1)), 0.5 * d * Math.log(2 * Math.PI)),
  );
}

/** A skewed, curved 3-D (or 2-D) data set for moving parameters off their initial values. */
export function curvedData(n: number, dim: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const z = Rng.fromSeed(seed).normal([n, dim]);
    const cols = tf.unstack(z, 1);
    const out = cols.map((c, i) =>
      i === 0 ? tf.mul(0.7, c) : tf.add(tf.mul(0.5, c), tf.mul(0.6, tf.square(cols[0]!))),
    );
    return tf.stack(out, 1) as tf.Tensor2D;
  });
}

/**
 * `steps` Adam steps (learning rate `lr`) of maximum likelihood for the single-layer flow
 * `bijector` with a N(0, I) base on `data`, through `inverseAndLogDet`.
 */
export function trainBriefly(bijector: LearnedBijector, data: tf.Tensor, steps = 15, lr = 0.05) {
  const optimizer = tf.train.adam(lr);
  for (let s = 0; s < steps; s++) {
    const loss = optimizer.minimize(
      () => {
        const { x, logDet } = bijector.inverseAndLogDet(data);
        return tf.neg(tf.mean(tf.add(standardNormalLogProb(x), logDet))) as tf.Scalar;
      },
      true,
      bijector.trainableVariables,
    );
    loss?.dispose();
  }
  optimizer.dispose();
}

/** The largest |a − b| over all elements (in JS numbers). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
