import type { Batch } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

/** Where a data stream stands; saved in checkpoints (JSON). */
export interface DataPosition {
  /** Completed passes over the data. */
  epoch: number;
  /** Batches already taken from the current pass. */
  index: number;
  /** Tensor data only: the data Rng's state at the start of the current pass. */
  rngState?: unknown;
}

/** One batch (a tensor or `{ x, condition }`); `epochEnded` is true for the last of a pass. */
export interface Draw {
  batch: Batch;
  epochEnded: boolean;
}

/** A stream of batches that the training loop consumes (and disposes) one at a time. */
export interface BatchSource {
  /** Batches per pass, when known in advance. */
  readonly batchesPerEpoch: number | undefined;
  /** The next batch (the caller owns it), or undefined once an iterable is exhausted. */
  next(): Promise<Draw | undefined>;
  position(): DataPosition;
  /** Continues from a saved {@link position}. */
  restore(position: DataPosition): void | Promise<void>;
  /** Releases whatever the source holds (a batch read ahead). */
  dispose(): void;
}

/**
 * Data that the loops accept (`B` is the model's batch type: `tf.Tensor`, `ConditionalBatch` or
 * `Batch`): one tensor `[n, ...]` (batched and shuffled by the loop; it stays the caller's), a
 * conditional dataset `{ x: [n, ...], condition: [n, conditionSize] }` (batched and shuffled
 * likewise, its two tensors with one permutation, so row i of `x` keeps row i of `condition`; the
 * model's loss gets `{ x, condition }` batches), or any (async) iterable of batch tensors or
 * `{ x, condition }` batches, iterated afresh every epoch. The loops take ownership of every tensor an
 * iterable yields and dispose it after its step, so a generator of fresh batches needs no cleanup;
 * yield `tf.clone(t)` to keep `t`. `null` means no data, for objectives that draw their own samples
 * (variational inference): every step gets an empty batch `[0]`, and the run is counted in `steps`.
 */
export type TrainingData<B extends Batch = tf.Tensor> = B | Iterable<B> | AsyncIterable<B> | null;
