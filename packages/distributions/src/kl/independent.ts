import { NotImplementedError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Independent } from '../independent.js';
import { kl } from './kl.js';

/**
 * KL(Independent(p, r) ‖ Independent(q, r)) = Σ over the r reinterpreted axes of KL(p ‖ q):
 * the KL of a product of independent factors is the sum of the factors' KLs (torch
 * `_kl_independent_independent`). The bases' pair is looked up in the registry like any other.
 *
 * @throws NotImplementedError when the two reinterpret different numbers of batch axes.
 */
export function klIndependentIndependent(p: Independent, q: Independent): tf.Tensor {
  const r = p.reinterpretedBatchRank;
  if (r !== q.reinterpretedBatchRank) {
    throw new NotImplementedError(
      `kl: KL(Independent ‖ Independent) needs equal reinterpretedBatchRank, got ${r} and ${q.reinterpretedBatchRank}`,
    );
  }
  const base = kl(p.base, q.base);
  if (r === 0) return base;
  const axes = Array.from({ length: r }, (_, i) => base.rank - r + i);
  return tf.sum(base, axes);
}
