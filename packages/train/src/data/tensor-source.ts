import { type BatchIterator, batches, FormatError, Rng, type RngState } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { BatchSource, DataPosition, Draw } from './batch-source.js';

/**
 * Mini-batches of the rows of `x`, drawn by @gen/core's `batches` (endless, one seeded order
 * per pass; the seeding rule is documented there): the last batch of a pass holds the
 * remainder. The position is the iterator's `{ epoch, index }` and the data Rng's state when
 * the source was made, from which `batches` rebuilds the same stream, so a restored source
 * continues exactly.
 */
export class TensorSource implements BatchSource {
  readonly batchesPerEpoch: number;
  private readonly x: tf.Tensor;
  private readonly batchSize: number;
  private readonly shuffle: boolean;
  private iterator: BatchIterator;

  constructor(x: tf.Tensor, batchSize: number, shuffle: boolean, rng: Rng) {
    this.x = x;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.iterator = this.open(rng, { epoch: 0, index: 0 });
    this.batchesPerEpoch = this.iterator.batchesPerEpoch;
  }

  async next(): Promise<Draw> {
    // Endless (epochs: Infinity), so there is always a batch; the loop owns and disposes it.
    const batch = this.iterator.take()!;
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
    this.iterator.return();
    this.iterator = this.open(rng, { epoch, index });
  }

  dispose(): void {
    this.iterator.return();
  }

  private open(rng: Rng, start: { epoch: number; index: number }): BatchIterator {
    return batches(this.x, {
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      rng,
      epochs: Number.POSITIVE_INFINITY,
      start,
    });
  }
}
