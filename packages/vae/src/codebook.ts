import type { Rng } from '@gen/core';
import { Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The K × D codebook of a {@link VqVae}: K learned code vectors eₖ ∈ ℝᴰ (the weight
 * `embeddings`, initialised uniformly in [−1/K, 1/K] as in van den Oord et al. 2017).
 * `apply(z)` maps rows z: [N, D] to their nearest code vectors.
 */
export class Codebook extends Module {
  readonly embeddings: tf.Variable;
  readonly size: number;
  readonly dim: number;

  constructor(o: { size: number; dim: number; rng: Rng; name?: string }) {
    super(o.name ?? 'codebook');
    this.size = o.size;
    this.dim = o.dim;
    const bound = 1 / o.size;
    this.embeddings = this.addWeight(
      'embeddings',
      [o.size, o.dim],
      (shape, _fans, rng) => rng.uniform(shape, -bound, bound),
      o.rng,
    );
  }

  /**
   * Index of the nearest code vector of every row of z: [N, D] → int32 [N], by
   * argminₖ ‖z − eₖ‖² = argminₖ (‖eₖ‖² − 2 z·eₖ) (ties: the lowest index).
   */
  nearest(z: tf.Tensor): tf.Tensor {
    this.assertLive('Codebook.nearest');
    return tf.tidy(() => {
      const e = this.embeddings;
      const scores = tf.sub(tf.sum(tf.square(e), 1), tf.mul(2, tf.matMul(z, e, false, true)));
      return tf.argMin(scores, 1);
    });
  }

  /** The code vectors of `codes` (int32 of any shape) → [...codes.shape, D]. */
  lookup(codes: tf.Tensor): tf.Tensor {
    this.assertLive('Codebook.lookup');
    return tf.gather(this.embeddings, codes);
  }

  /** The nearest code vector of every row of z: [N, D] → [N, D] (no gradient to z). */
  apply(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.lookup(this.nearest(z)));
  }
}
