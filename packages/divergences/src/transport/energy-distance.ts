import * as tf from '@tensorflow/tfjs-core';
import { powerOfSquared, squaredDistances } from './pairwise.js';
import { type SampleLike, withSamplePair } from './samples.js';

/**
 * The (squared) energy distance 2E‖X−Y‖ − E‖X−X′‖ − E‖Y−Y′‖ between samples `x` [n, d] and
 * `y` [m, d] ([n] for 1-D), as a V-statistic (all pairs, diagonals included). In 1-D it equals
 * 2∫(F − G)² and is the square of `scipy.stats.energy_distance`. Differentiable with respect to
 * the sample positions (the gradient of ‖0‖ is taken as 0).
 *
 * ```ts
 * energyDistance([0], [2]); // 4 (scipy: 2)
 * ```
 */
export function energyDistance(x: SampleLike, y: SampleLike): tf.Scalar {
  return withSamplePair('energyDistance', x, y, 1, (xs, ys) =>
    tf.tidy(() => {
      const mean = (a: tf.Tensor2D, b: tf.Tensor2D) =>
        tf.mean(powerOfSquared(squaredDistances(a, b, true), 1));
      const cross = mean(xs, ys);
      return tf.sub(tf.mul(2, cross), tf.add(mean(xs, xs), mean(ys, ys))) as tf.Scalar;
    }),
  );
}
