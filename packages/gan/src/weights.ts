import * as tf from '@tensorflow/tfjs-core';

/** Clips every variable to [−c, c] in place (WGAN weight clipping). */
export function clipWeights(variables: readonly tf.Variable[], c: number): void {
  for (const v of variables) {
    const clipped = tf.clipByValue(v, -c, c);
    v.assign(clipped);
    clipped.dispose();
  }
}
