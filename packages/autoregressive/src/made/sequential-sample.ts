import * as tf from '@tensorflow/tfjs-core';

/**
 * Exact ancestral sampling of an autoregressive model over D dimensions: D passes, and pass t
 * fills in the dimension at position t of `ordering` (ordering[i] is the position of input i)
 * with a draw from its conditional given the dimensions already filled. `draw(x)` returns a
 * draw of every dimension `[n, D]` from the conditionals computed at `x`; only the column of
 * the current dimension is kept. Returns `[n, D]`; the caller owns it.
 */
export function sampleSequentially(
  n: number,
  ordering: readonly number[],
  draw: (x: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const d = ordering.length;
  const inputAt = new Array<number>(d);
  ordering.forEach((position, input) => {
    inputAt[position] = input;
  });
  let x = tf.zeros([n, d]);
  for (const input of inputAt) {
    const next = tf.tidy(() => {
      const column = new Float32Array(d);
      column[input] = 1;
      return tf.add(x, tf.mul(draw(x), tf.tensor2d(column, [1, d])));
    });
    x.dispose();
    x = next;
  }
  return x;
}
