import { InvalidArgumentError, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Which coordinates a coupling layer keeps and which it transforms. */
export interface CouplingMaskOptions {
  /**
   * 0 (default): coordinates 0, 2, 4, … pass through unchanged and condition the others;
   * 1: the odd coordinates do. Alternate it between layers so every coordinate gets transformed.
   */
  parity?: 0 | 1;
  /**
   * An explicit 0/1 mask of length `dim`, RealNVP's b: 1 = passes through unchanged and feeds the
   * conditioner, 0 = transformed. Needs at least one of each. Give `parity` or `mask`, not both.
   */
  mask?: readonly number[];
}

export const MASK_OPTIONS = ['parity', 'mask'] as const;

/** Index lists of a coupling split. */
export interface CouplingSplit {
  readonly mask: readonly number[];
  readonly kept: readonly number[];
  readonly transformed: readonly number[];
}

/** The validated split of `dim` coordinates from `parity` or `mask`. */
export function resolveCouplingMask(
  fn: string,
  dim: number,
  options: CouplingMaskOptions,
): CouplingSplit {
  const { parity, mask } = options;
  if (parity !== undefined && mask !== undefined) {
    throw new InvalidArgumentError(`${fn}: give either 'parity' or 'mask', not both`);
  }
  if (parity !== undefined && parity !== 0 && parity !== 1) {
    throw invalidArgument(fn, 'parity', parity, 'must be 0 or 1');
  }
  let bits: number[];
  if (mask === undefined) {
    bits = Array.from({ length: dim }, (_, i) => (i % 2 === (parity ?? 0) ? 1 : 0));
  } else {
    const ok =
      Array.isArray(mask) &&
      mask.length === dim &&
      mask.every((b) => b === 0 || b === 1) &&
      mask.includes(0) &&
      mask.includes(1);
    if (!ok) {
      throw invalidArgument(
        fn,
        'mask',
        mask,
        `must be ${dim} zeros and ones with at least one of each`,
      );
    }
    bits = [...mask];
  }
  const kept = bits.flatMap((b, i) => (b === 1 ? [i] : []));
  const transformed = bits.flatMap((b, i) => (b === 0 ? [i] : []));
  return { mask: bits, kept, transformed };
}

/** `[D, k]` 0/1 matrix whose column j picks coordinate `indices[j]`. */
function selection(indices: readonly number[], dim: number): tf.Tensor2D {
  const values = new Float32Array(dim * indices.length);
  indices.forEach((coordinate, j) => {
    values[coordinate * indices.length + j] = 1;
  });
  return tf.tensor2d(values, [dim, indices.length]);
}

/** `x: [..., D]` times a `[D, k]` matrix, over any leading axes. */
function times(x: tf.Tensor, m: tf.Tensor2D, transposeB = false): tf.Tensor {
  const k = transposeB ? m.shape[0] : m.shape[1];
  const flat = tf.reshape(x, [-1, x.shape[x.rank - 1]!]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(flat, m, false, transposeB), [...x.shape.slice(0, -1), k]);
}

// Gathers and merges are products with 0/1 selection matrices rather than tf.gather, whose
// gradient needs the UnsortedSegmentSum kernel that tfjs-backend-wasm 4.22 does not have.

/** The kept and the transformed coordinates of `x: [..., dim]`. */
export function splitCoupling(x: tf.Tensor, split: CouplingSplit): [tf.Tensor, tf.Tensor] {
  const dim = split.mask.length;
  return [times(x, selection(split.kept, dim)), times(x, selection(split.transformed, dim))];
}

/** Puts kept and transformed coordinates back in their places. */
export function mergeCoupling(
  kept: tf.Tensor,
  transformed: tf.Tensor,
  split: CouplingSplit,
): tf.Tensor {
  const dim = split.mask.length;
  return tf.add(
    times(kept, selection(split.kept, dim), true),
    times(transformed, selection(split.transformed, dim), true),
  );
}
