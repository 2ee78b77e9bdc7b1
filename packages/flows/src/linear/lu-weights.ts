import { type Rng, triangularSolve } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The LU parameterisation of an invertible D × D matrix shared by `LuLinear` and
 * `InvertibleConv1x1` (Kingma & Dhariwal 2018 §3.2): W = P L (U + diag(s)) with P a fixed
 * permutation, L unit lower triangular, U strictly upper triangular and s = exp(log s) > 0, so
 * log |det W| = Σ log s (det P = ±1). Only the strict triangles of `lower`/`upper` are read.
 */
export interface LuParts {
  /** P as a permutation: row i of P x is x[permutation[i]]. */
  permutation: readonly number[];
  lower: tf.Variable;
  upper: tf.Variable;
  logScale: tf.Variable;
}

/** 0/1 masks of the strict lower and strict upper triangles of a D × D matrix. */
export function triangleMasks(d: number): { strictLower: tf.Tensor2D; strictUpper: tf.Tensor2D } {
  const lower = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => (j < i ? 1 : 0)),
  );
  const upper = lower.map((row, i) => row.map((_, j) => (j > i ? 1 : 0)));
  return { strictLower: tf.tensor2d(lower), strictUpper: tf.tensor2d(upper) };
}

/** The permutation named by `permutation` ('none', 'reverse' or 'random' from `rng`). */
export function resolvePermutation(
  d: number,
  permutation: 'none' | 'reverse' | 'random',
  rng: Rng,
): number[] {
  if (permutation === 'reverse') return Array.from({ length: d }, (_, i) => d - 1 - i);
  if (permutation === 'random') return Array.from(rng.permutation(d));
  return Array.from({ length: d }, (_, i) => i);
}

/** The factors L (unit lower) and Ũ = U + diag(s) (upper) as tensors. Call inside `tf.tidy`. */
export function luFactors(
  parts: LuParts,
  masks: { strictLower: tf.Tensor2D; strictUpper: tf.Tensor2D },
): { l: tf.Tensor2D; u: tf.Tensor2D } {
  const d = parts.permutation.length;
  const l = tf.add(tf.mul(parts.lower, masks.strictLower), tf.eye(d)) as tf.Tensor2D;
  const u = tf.add(
    tf.mul(parts.upper, masks.strictUpper),
    // eye ⊙ s (row-broadcast) is diag(s); tfjs has no gradient for tf.diag.
    tf.mul(tf.eye(d), tf.exp(parts.logScale)),
  ) as tf.Tensor2D;
  return { l, u };
}

/** W = P L Ũ as a D × D tensor. Call inside `tf.tidy`. */
export function luMatrix(
  parts: LuParts,
  masks: { strictLower: tf.Tensor2D; strictUpper: tf.Tensor2D },
): tf.Tensor2D {
  const { l, u } = luFactors(parts, masks);
  // (P M)[i] = M[permutation[i]].
  return tf.gather(tf.matMul(l, u), parts.permutation as number[]) as tf.Tensor2D;
}

/** Rows `x: [N, D]` ↦ x Wᵀ (each row times W). Call inside `tf.tidy`. */
export function luForwardRows(
  parts: LuParts,
  masks: { strictLower: tf.Tensor2D; strictUpper: tf.Tensor2D },
  x: tf.Tensor2D,
): tf.Tensor2D {
  return tf.matMul(x, luMatrix(parts, masks), false, true);
}

/**
 * Rows `y: [N, D]` ↦ y W⁻ᵀ, by two triangular solves (W x = y ⇔ L Ũ x = Pᵀ y). Call inside
 * `tf.tidy`.
 */
export function luInverseRows(
  parts: LuParts,
  masks: { strictLower: tf.Tensor2D; strictUpper: tf.Tensor2D },
  y: tf.Tensor2D,
): tf.Tensor2D {
  const d = parts.permutation.length;
  const inverse = new Array<number>(d);
  parts.permutation.forEach((p, i) => {
    inverse[p] = i;
  });
  const { l, u } = luFactors(parts, masks);
  // (Pᵀ y)[p] = y[i] where permutation[i] = p: gather the columns of the rows by the inverse.
  const pty = tf.transpose(tf.gather(y, inverse, 1));
  const a = triangularSolve(l, pty, { lower: true });
  return tf.transpose(triangularSolve(u, a, { lower: false })) as tf.Tensor2D;
}
