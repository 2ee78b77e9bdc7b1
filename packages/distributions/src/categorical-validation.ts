import { InvalidArgumentError } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import { checkConstraint } from './validation.js';

/**
 * Checks Categorical parameters [..., K] row by row: `probs` in [0, 1] summing to 1 within
 * 1e−5·K (float32 rounding of K terms, with room for probabilities computed in float32);
 * `logits` free of NaN and +∞, with at least one finite entry per row (−∞ marks a category of
 * probability 0). Messages name the argument, the value and the batch index.
 */
export function checkCategoricalParam(name: 'logits' | 'probs', t: tf.Tensor): void {
  const fn = 'Categorical';
  const k = t.shape[t.rank - 1]!;
  const values = t.dataSync();
  if (name === 'probs') checkConstraint(fn, 'probs', t, 'unitInterval');
  for (let row = 0; row * k < values.length; row++) {
    const entries = Array.from(values.subarray(row * k, (row + 1) * k));
    if (name === 'probs') {
      const sum = entries.reduce((a, b) => a + b, 0);
      const tolerance = Number((1e-5 * k).toPrecision(3));
      if (Math.abs(sum - 1) > tolerance) {
        throw new InvalidArgumentError(
          `${fn}: argument 'probs' must sum to 1 along the last axis (within ${tolerance}), got sum ${sum} at batch index ${row}`,
        );
      }
      continue;
    }
    const bad = entries.findIndex((v) => Number.isNaN(v) || v === Infinity);
    if (bad >= 0) {
      throw new InvalidArgumentError(
        `${fn}: argument 'logits' must be finite or -Infinity, got ${entries[bad]} at flat index ${row * k + bad}`,
      );
    }
    if (!entries.some(Number.isFinite)) {
      throw new InvalidArgumentError(
        `${fn}: argument 'logits' must have a finite entry in every row, got all -Infinity at batch index ${row}`,
      );
    }
  }
}
