import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// Data for the tests (not exported by the package).

/** Centres of {@link threeClusters}. */
export const CENTRES = [
  [0, 0],
  [6, 0],
  [3, 5],
];

/**
 * `n` rows from three well-separated 2-D Gaussians around {@link CENTRES} with weights
 * (0.5, 0.3, 0.2) and different covariances; `labels` are the true components.
 */
export function threeClusters(rng: Rng, n: number): { x: tf.Tensor; labels: number[] } {
  const counts = [Math.round(0.5 * n), Math.round(0.3 * n)];
  counts.push(n - counts[0]! - counts[1]!);
  const scales = [
    [
      [1, 0],
      [0.5, 0.6],
    ],
    [
      [0.5, 0],
      [0, 1],
    ],
    [
      [0.8, 0],
      [-0.3, 0.4],
    ],
  ];
  const labels = counts.flatMap((c, k) => Array.from({ length: c }, () => k));
  const x = tf.tidy(() =>
    tf.concat(
      counts.map((c, k) =>
        tf.add(
          tf.matMul(rng.normal([c, 2]), tf.tensor2d(scales[k]!), false, true),
          tf.tensor1d(CENTRES[k]!),
        ),
      ),
    ),
  );
  return { x, labels };
}
