import { stopGradient } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { SplineKnots } from './spline-knots.js';

/** The last axis of `t` from `begin`, `size` entries long. */
function lastAxis(t: tf.Tensor, begin: number, size: number): tf.Tensor {
  const start = t.shape.map((_, i) => (i === t.rank - 1 ? begin : 0));
  const sizes = t.shape.map((d, i) => (i === t.rank - 1 ? size : d));
  return tf.slice(t, start, sizes);
}

/**
 * One-hot `[..., K]` of the bin of each v in the knots `[..., K + 1]`: the number of interior
 * knots ≤ v, so v = −B falls in the first bin and v = B in the last (no search past the end).
 */
function binOneHot(v: tf.Tensor, knots: tf.Tensor): tf.Tensor {
  const k = knots.shape[knots.rank - 1]! - 1;
  if (k === 1) return tf.onesLike(tf.expandDims(v, -1));
  const interior = lastAxis(knots, 1, k - 1);
  const count = tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(v, -1), interior), 'int32'), -1);
  // Not tf.oneHot: its float32 output is all zeros on tfjs-backend-wasm 4.22.
  const bins = tf.range(0, k, 1, 'int32');
  return stopGradient(tf.cast(tf.equal(tf.expandDims(count, -1), bins), 'float32'));
}

/** Σ_k onehot_k · t_k over the last axis: the entry of `t` in each element's bin. */
function pick(onehot: tf.Tensor, t: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(onehot, t), -1);
}

/**
 * A rational-quadratic spline with identity tails, elementwise (Durkan et al. 2019, eqs. 4–8
 * and App. A). With θ = (x − x_k)/w_k in bin k, s_k = h_k/w_k and δ the knot derivatives:
 *
 *   y = y_k + h_k [s_k θ² + δ_k θ(1−θ)] / [s_k + (δ_{k+1} + δ_k − 2s_k) θ(1−θ)],
 *   dy/dx = s_k² [δ_{k+1} θ² + 2 s_k θ(1−θ) + δ_k (1−θ)²] / [s_k + (δ_{k+1} + δ_k − 2s_k) θ(1−θ)]²,
 *
 * and the inverse solves the quadratic for θ with the cancellation-free root 2c/(−b − √(b²−4ac)).
 * Inputs outside [−B, B] pass through with log-det 0. The spline itself is evaluated on inputs
 * clamped to [−B, B], so no branch ever sees an out-of-range value and neither values nor
 * gradients can become NaN there (tf.where would turn 0 · NaN into NaN in the gradient).
 * Returns y (or x for `inverse`) and the elementwise log |dy/dx| (or its negative).
 */
export function rqSplineCore(
  v: tf.Tensor,
  knots: SplineKnots,
  bound: number,
  inverse: boolean,
): { out: tf.Tensor; logDet: tf.Tensor } {
  return tf.tidy(() => {
    const k = knots.xs.shape[knots.xs.rank - 1]! - 1;
    const inside = tf.logicalAnd(tf.greaterEqual(v, -bound), tf.lessEqual(v, bound));
    const vc = tf.clipByValue(v, -bound, bound);
    const onehot = binOneHot(vc, inverse ? knots.ys : knots.xs);
    const xk = pick(onehot, lastAxis(knots.xs, 0, k));
    const wk = tf.sub(pick(onehot, lastAxis(knots.xs, 1, k)), xk);
    const yk = pick(onehot, lastAxis(knots.ys, 0, k));
    const hk = tf.sub(pick(onehot, lastAxis(knots.ys, 1, k)), yk);
    const dk = pick(onehot, lastAxis(knots.derivatives, 0, k));
    const dk1 = pick(onehot, lastAxis(knots.derivatives, 1, k));
    const sk = tf.div(hk, wk);
    const curvature = tf.sub(tf.add(dk, dk1), tf.mul(2, sk));

    let theta: tf.Tensor;
    let out: tf.Tensor;
    if (inverse) {
      const dy = tf.sub(vc, yk);
      const a = tf.add(tf.mul(hk, tf.sub(sk, dk)), tf.mul(dy, curvature));
      const b = tf.sub(tf.mul(hk, dk), tf.mul(dy, curvature));
      const c = tf.neg(tf.mul(sk, dy));
      const discriminant = tf.relu(tf.sub(tf.square(b), tf.mul(4, tf.mul(a, c))));
      theta = tf.div(tf.mul(2, c), tf.neg(tf.add(b, tf.sqrt(discriminant))));
      out = tf.add(tf.mul(theta, wk), xk);
    } else {
      theta = tf.div(tf.sub(vc, xk), wk);
    }
    const t1 = tf.mul(theta, tf.sub(1, theta));
    const denominator = tf.add(sk, tf.mul(curvature, t1));
    if (!inverse) {
      const numerator = tf.mul(hk, tf.add(tf.mul(sk, tf.square(theta)), tf.mul(dk, t1)));
      out = tf.add(yk, tf.div(numerator, denominator));
    }
    const slope = tf.add(
      tf.add(tf.mul(dk1, tf.square(theta)), tf.mul(tf.mul(2, sk), t1)),
      tf.mul(dk, tf.square(tf.sub(1, theta))),
    );
    const logDerivative = tf.sub(
      tf.add(tf.mul(2, tf.log(sk)), tf.log(slope)),
      tf.mul(2, tf.log(denominator)),
    );
    const logDet = inverse ? tf.neg(logDerivative) : logDerivative;
    return {
      out: tf.where(inside, out!, v),
      logDet: tf.where(inside, logDet, tf.zerosLike(logDet)),
    };
  });
}
