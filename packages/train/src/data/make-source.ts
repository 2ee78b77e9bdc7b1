import type { Batch, Rng } from '@gen/core';
import type { BatchSource, TrainingData } from './batch-source.js';
import { disposeBatch, isTensorData } from './conditional.js';
import { IterableSource } from './iterable-source.js';
import { NoDataSource } from './no-data-source.js';
import { TensorSource } from './tensor-source.js';

/**
 * The batch stream of `data`: shuffled mini-batches of a tensor or a `{ x, condition }` pair, or
 * an iterable's own batches.
 */
export function makeSource(
  fn: string,
  data: TrainingData<Batch>,
  batchSize: number | undefined,
  shuffle: boolean,
  rng: Rng,
): BatchSource {
  if (data === null) return new NoDataSource();
  return isTensorData(data)
    ? new TensorSource(data, batchSize!, shuffle, rng)
    : new IterableSource(fn, data);
}

/**
 * Draws the `k` batches of one step and counts the passes that ended on the way; undefined
 * (with any partial draw disposed) once the source is exhausted.
 */
export async function draw(
  source: BatchSource,
  k: number,
): Promise<{ batches: Batch[]; epochsEnded: number } | undefined> {
  const batches: Batch[] = [];
  let epochsEnded = 0;
  for (let j = 0; j < k; j++) {
    const d = await source.next();
    if (d === undefined) {
      batches.forEach(disposeBatch);
      return undefined;
    }
    batches.push(d.batch);
    if (d.epochEnded) epochsEnded += 1;
  }
  return { batches, epochsEnded };
}
