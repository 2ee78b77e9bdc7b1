import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

// Internal test support for @gen's host-side wasm kernels: the same op on tfjs-backend-cpu is
// the oracle, compared as plain data.

export type KernelDtype = 'float32' | 'int32' | 'bool';

/** `size` values for `dtype`: floats in [−5, 5), integers in [−50, 50), or 0/1. */
export function randomValues(rng: Rng, size: number, dtype: KernelDtype): number[] {
  return Array.from({ length: size }, () => {
    const u = rng.float();
    if (dtype === 'float32') return u * 10 - 5;
    if (dtype === 'int32') return Math.floor(u * 100) - 50;
    return u < 0.5 ? 0 : 1;
  });
}

/** `op()` on `backend`, inside a tidy, as its shape, dtype and values. */
export async function resultOn(
  backend: 'cpu' | 'wasm',
  op: () => tf.Tensor,
): Promise<{ shape: number[]; dtype: tf.DataType; values: number[] }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = op();
    return { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync()) };
  });
}
