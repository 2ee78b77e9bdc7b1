import { type Distribution, ShapeMismatchError, stopGradient } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The default input of an NVIL baseline: each batch element's distribution parameters, without
 * gradient, as one row `[prod(batchShape), features]`. A parameter of rank ≤ the batch rank is
 * broadcast over the batch; a longer one keeps its trailing axes (categories, event) as features.
 * In an amortised model the parameters are a function of the observation, so this is a b(x) that
 * does not look at the draws.
 */
export function parameterFeatures(fn: string, dist: Distribution): tf.Tensor2D {
  const batch = dist.batchShape;
  const rows = batch.reduce((a, d) => a * d, 1);
  const columns = Object.keys(dist.params)
    .sort()
    .map((name) => {
      const t = stopGradient(dist.params[name]!);
      const tail = t.rank > batch.length ? t.shape.slice(batch.length) : [];
      const target = [...batch, ...tail];
      try {
        return tf.reshape(tf.broadcastTo(tf.cast(t, 'float32'), target), [rows, -1]);
      } catch {
        throw new ShapeMismatchError(
          `${fn}: cannot lay parameter '${name}' [${t.shape.join(', ')}] out as one row per batch element [${batch.join(', ')}]; pass the baseline's input with the 'features' option`,
        );
      }
    });
  return tf.concat(columns, 1) as tf.Tensor2D;
}
