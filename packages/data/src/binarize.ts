import { assertTensor, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertRng } from './options.js';

/**
 * The seed of static binarisation: `loadMnist({ binarize: 'static' })` thresholds every image
 * against uniforms from `Rng.fromSeed(STATIC_BINARIZATION_SEED)`, so every call (and every
 * `limit`: the first images come out the same) gives the same binary data set.
 */
export const STATIC_BINARIZATION_SEED = 2015;

/** Rows per random draw in static binarisation: bounds memory, fixed so results never depend on it. */
const CHUNK_ROWS = 8192;

/**
 * Dynamic binarisation: each entry of `x` (grey levels in [0, 1]) becomes 1 with probability
 * equal to its value, else 0: `float32(u < x)` with u ∼ U[0, 1) from `rng` (advances). Returns a
 * new tensor of `x`'s shape; the caller owns it. Give it to `batches` as `map` to draw a fresh
 * binary version of every batch, every epoch.
 *
 * ```ts
 * const b = bernoulliBinarize(images, rng); // same shape, values 0 or 1
 * ```
 */
export function bernoulliBinarize(x: tf.Tensor, rng: Rng): tf.Tensor {
  assertTensor('bernoulliBinarize', 'x', x);
  assertRng('bernoulliBinarize', 'rng', rng);
  return tf.tidy(() => tf.cast(tf.less(rng.uniform([...x.shape]), x), 'float32'));
}

/**
 * Static binarisation of `rows` images of `cols` grey bytes (0–255) into 0/1 floats. Uniforms
 * come in fixed chunks of rows, each from the next seed of `rng`, so the first `m` images come
 * out the same whatever `rows` is.
 */
export async function binarizeBytes(
  bytes: Uint8Array,
  rows: number,
  cols: number,
  rng: Rng,
): Promise<Float32Array> {
  const out = new Float32Array(rows * cols);
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const chunk = Math.min(CHUNK_ROWS, rows - start);
    const uniform = rng.uniform([chunk, cols]);
    const u = (await uniform.data()) as Float32Array;
    uniform.dispose();
    const offset = start * cols;
    for (let i = 0; i < u.length; i++) {
      // u < p with p = byte/255 in float32, like bernoulliBinarize on grey images.
      out[offset + i] = u[i]! < Math.fround(bytes[offset + i]! / 255) ? 1 : 0;
    }
  }
  return out;
}
