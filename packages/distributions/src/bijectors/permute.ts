import { formatValue, InvalidArgumentError, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector, type BijectorOptions } from './bijector.js';

/**
 * y[..., i] = x[..., order[i]] with the gradient dx = dy gathered by the inverse order. tf.gather's
 * own gradient needs the UnsortedSegmentSum kernel, which tfjs-backend-wasm 4.22 lacks, so
 * training through a Permute failed on wasm.
 */
function reorder(x: tf.Tensor, order: readonly number[], inverse: readonly number[]): tf.Tensor {
  const f = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([]);
    return {
      value: tf.gather(input as tf.Tensor, [...order], -1),
      gradFunc: (dy) => reorder(dy as tf.Tensor, inverse, order),
    };
  });
  return f(x);
}

/**
 * Permute: reorders the last axis, y[..., i] = x[..., permutation[i]] (`eventRank` 1).
 * A permutation matrix has |det| = 1, so log |det J| = 0 (shape [...batch]). Used between
 * coupling layers of a flow so every coordinate gets transformed.
 *
 * ```ts
 * new Permute([2, 0, 1]).forward(tf.tensor1d([10, 20, 30]));   // [30, 10, 20]
 * ```
 */
export class Permute extends BaseBijector {
  readonly eventRank = 1;
  readonly isConstantJacobian = true;
  readonly permutation: readonly number[];
  private readonly inversePermutation: readonly number[];

  constructor(permutation: readonly number[], options: BijectorOptions = {}) {
    super(options);
    const n = Array.isArray(permutation) ? permutation.length : 0;
    const sorted = n > 0 ? [...permutation].sort((a, b) => a - b) : [];
    const ok = n > 0 && sorted.every((p, i) => p === i);
    if (!ok) {
      throw new InvalidArgumentError(
        `Permute: argument 'permutation' must be a permutation of 0..n-1 (each index once), got ${formatValue(permutation)}`,
      );
    }
    this.permutation = Object.freeze([...permutation]);
    const inverse = new Array<number>(n);
    permutation.forEach((p, i) => {
      inverse[p] = i;
    });
    this.inversePermutation = Object.freeze(inverse);
  }

  protected override checkShape(fn: string, arg: string, t: tf.Tensor): void {
    super.checkShape(fn, arg, t);
    if (t.shape[t.rank - 1] !== this.permutation.length) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must end with the permutation size ${this.permutation.length}, got shape [${t.shape.join(', ')}]`,
      );
    }
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    const y = reorder(x, this.permutation, this.inversePermutation);
    return { y, logDet: tf.zeros(x.shape.slice(0, -1)) };
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const x = reorder(y, this.inversePermutation, this.permutation);
    return { x, logDet: tf.zeros(y.shape.slice(0, -1)) };
  }
}
