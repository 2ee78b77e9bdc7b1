import {
  type Batch,
  type BatchIterator,
  batches,
  type ConditionalBatch,
  FormatError,
  Rng,
  type RngState,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource, DataPosition, Draw } from './batch-source.js';

/**
 * Mini-batches of the rows of `x` (or of a `{ x, condition }` pair), drawn by @gen/core's
 * `batches` (endless, one seeded order per pass; the seeding rule is documented there): the last
 * batch of a pass holds the remainder. A pair's two tensors are batched by two iterators built
 * from the same Rng state, hence with the same permutation every pass, so row i of `x` stays
 * with row i of `condition`. The position is the iterator's `{ epoch, index }` and the data
 * Rng's state when the source was made, from which `batches` rebuilds the same stream, so a
 * restored source continues exactly.
 */
export class TensorSource implements BatchSource {
  readonly batchesPerEpoch: number;
  private readonly data: tf.Tensor | ConditionalBatch;
  private readonly batchSize: number;
  private readonly shuffle: boolean;
  private iterator: BatchIterator;
  private conditions: BatchIterator | undefined;

  constructor(data: tf.Tensor | ConditionalBatch, batchSize: number, shuffle: boolean, rng: Rng) {
    this.data = data;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.iterator = this.open(rng, { epoch: 0, index: 0 });
    this.batchesPerEpoch = this.iterator.batchesPerEpoch;
  }

  async next(): Promise<Draw> {
    // Endless (epochs: Infinity), so there is always a batch; the loop owns and disposes it.
    const x = this.iterator.take()!;
    const batch: Batch =
      this.conditions === undefined ? x : { x, condition: this.conditions.take()! };
    return { batch, epochEnded: this.iterator.position.index === 0 };
  }

  position(): DataPosition {
    return { ...this.iterator.position, rngState: this.iterator.rngState };
  }

  /** Continues from a saved {@link position}. */
  restore(position: DataPosition): void {
    const { epoch, index, rngState } = position;
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isInteger(index) || index < 0) {
      throw new FormatError(`checkpoint: invalid data position ${JSON.stringify(position)}`);
    }
    if (index >= this.batchesPerEpoch) {
      throw new FormatError(
        `checkpoint: data position ${index} is past the ${this.batchesPerEpoch} batches of an epoch`,
      );
    }
    let rng: Rng;
    try {
      rng = Rng.fromState(rngState as RngState);
    } catch (cause) {
      throw new FormatError(
        `checkpoint: the data position has no valid rngState (${JSON.stringify(rngState)})`,
        { cause },
      );
    }
    this.dispose();
    this.iterator = this.open(rng, { epoch, index });
  }

  dispose(): void {
    this.iterator.return();
    this.conditions?.return();
  }

  /** The iterator of the examples (and, for a pair, `this.conditions`), both from `rng`'s state. */
  private open(rng: Rng, start: { epoch: number; index: number }): BatchIterator {
    const state = rng.getState();
    const over = (t: tf.Tensor) =>
      batches(t, {
        batchSize: this.batchSize,
        shuffle: this.shuffle,
        rng: Rng.fromState(state),
        epochs: Number.POSITIVE_INFINITY,
        start,
      });
    if (this.data instanceof tf.Tensor) return over(this.data);
    this.conditions = over(this.data.condition);
    return over(this.data.x);
  }
}
