import { assertKnownOptions } from '@gen/core';
import { Permute } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { recordPart } from './flow/transform-configs.js';
import { assertSize } from './options.js';

export interface ReverseOptions {
  dim: number;
  /**
   * Check that inputs are finite (reads values back; default false: a Flow already validates
   * its input at `logProb`, so the permutations inside it need not).
   */
  validateArgs?: boolean;
}

/**
 * Reverses the order of the last axis, y[..., i] = x[..., D − 1 − i]: the `Permute` of
 * @gen/distributions with the permutation [D − 1, …, 0], log |det J| = 0. Put it between
 * autoregressive or coupling layers so that every coordinate is conditioned on the others.
 *
 * ```ts
 * new Reverse(3).forward(tf.tensor1d([1, 2, 3])); // [3, 2, 1]
 * new Reverse({ dim: 3 });                         // the same
 * ```
 */
export class Reverse extends Permute {
  constructor(options: number | ReverseOptions) {
    const fn = 'Reverse';
    const { dim, validateArgs = false } =
      typeof options === 'number' ? { dim: options } : (options ?? ({} as ReverseOptions));
    if (typeof options === 'object' && options !== null) {
      assertKnownOptions(fn, options, ['dim', 'validateArgs']);
    }
    assertSize(fn, 'dim', dim, 1);
    super(
      Array.from({ length: dim }, (_, i) => dim - 1 - i),
      { validateArgs },
    );
    recordPart(this, fn, { dim, validateArgs });
  }

  // tf.reverse rather than Permute's tf.gather: gather's gradient needs the UnsortedSegmentSum
  // kernel that tfjs-backend-wasm 4.22 lacks, so a flow with Permute cannot train on wasm.
  protected override _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    return { y: tf.reverse(x, -1), logDet: tf.zeros(x.shape.slice(0, -1)) };
  }

  protected override _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    return { x: tf.reverse(y, -1), logDet: tf.zeros(y.shape.slice(0, -1)) };
  }
}
