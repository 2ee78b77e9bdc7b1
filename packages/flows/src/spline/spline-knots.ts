import { softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Constants of a rational-quadratic spline, with nflows' defaults. */
export interface SplineConstants {
  /** B: the spline maps [−B, B] onto itself; outside it is the identity (linear tails). */
  tailBound: number;
  minBinWidth: number;
  minBinHeight: number;
  minDerivative: number;
}

/** nflows' DEFAULT_MIN_BIN_WIDTH, DEFAULT_MIN_BIN_HEIGHT and DEFAULT_MIN_DERIVATIVE. */
export const DEFAULT_MIN_BIN_WIDTH = 1e-3;
export const DEFAULT_MIN_BIN_HEIGHT = 1e-3;
export const DEFAULT_MIN_DERIVATIVE = 1e-3;

/** Knots of a spline with K bins, each `[..., K + 1]`; `derivatives` at every knot. */
export interface SplineKnots {
  xs: tf.Tensor;
  ys: tf.Tensor;
  derivatives: tf.Tensor;
}

/**
 * Knot positions from softmax-normalised bin sizes: each of the K bins gets at least `minSize`,
 * the sizes sum to 2B, the first knot is exactly −B and the last exactly B.
 */
function knotPositions(raw: tf.Tensor, minSize: number, bound: number): tf.Tensor {
  const k = raw.shape[raw.rank - 1]!;
  const lead = raw.shape.slice(0, -1);
  const sizes = tf.add(minSize, tf.mul(1 - minSize * k, tf.softmax(raw)));
  const edges = [tf.fill([...lead, 1], -bound)];
  if (k > 1) {
    // Partial sums of the first K − 1 sizes, as a product with a triangular 0/1 matrix.
    const triangle = tf.tensor2d(
      Array.from({ length: k }, (_, i) =>
        Array.from({ length: k - 1 }, (_, j) => (i <= j ? 1 : 0)),
      ),
    );
    const cumulative = tf.matMul(tf.reshape(sizes, [-1, k]), triangle);
    edges.push(tf.reshape(tf.sub(tf.mul(2 * bound, cumulative), bound), [...lead, k - 1]));
  }
  edges.push(tf.fill([...lead, 1], bound));
  return tf.concat(edges, -1);
}

/**
 * The knots of a rational-quadratic spline from unconstrained parameters (Durkan et al. 2019,
 * with nflows' linear tails): widths w = softmax(a_w) rescaled so each bin is at least
 * `minBinWidth`·2B wide (heights likewise), and derivatives
 * δ = minDerivative + softplus(a_δ + softplus⁻¹(1 − minDerivative)) at the K − 1 interior knots. The two boundary derivatives are exactly 1 so the spline meets the
 * identity tails with a continuous slope. All-zero parameters give the identity on [−B, B].
 */
export function splineKnots(
  unnormalizedWidths: tf.Tensor,
  unnormalizedHeights: tf.Tensor,
  unnormalizedDerivatives: tf.Tensor,
  c: SplineConstants,
): SplineKnots {
  return tf.tidy(() => {
    // softplus(offset) = 1 − minDerivative: the offset makes zero parameters give slope 1.
    const offset = Math.log(Math.expm1(1 - c.minDerivative));
    const lead = unnormalizedDerivatives.shape.slice(0, -1);
    const padded = tf.concat(
      [tf.fill([...lead, 1], 0), unnormalizedDerivatives, tf.fill([...lead, 1], 0)],
      -1,
    );
    return {
      xs: knotPositions(unnormalizedWidths, c.minBinWidth, c.tailBound),
      ys: knotPositions(unnormalizedHeights, c.minBinHeight, c.tailBound),
      derivatives: tf.add(c.minDerivative, softplus(tf.add(padded, offset))),
    };
  });
}
