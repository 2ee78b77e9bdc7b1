import { FormatError, Rng, type RngState } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource, DataPosition, Draw } from './batch-source.js';

/**
 * Mini-batches of the rows of `x`: each pass visits every row once, in the order of a fresh
 * permutation drawn from `rng` when the pass starts (or in order without `shuffle`); the last
 * batch of a pass holds the remainder. The position is (epoch, index, rng state at the start of
 * the pass), from which the permutation is redrawn on resume, so the batch sequence continues
 * exactly.
 */
export class TensorSource implements BatchSource {
  readonly batchesPerEpoch: number;
  private readonly x: tf.Tensor;
  private readonly batchSize: number;
  private readonly shuffle: boolean;
  private rng: Rng;
  private epoch = 0;
  private index = 0;
  private order: Int32Array | undefined;
  private passState: RngState | undefined;

  constructor(x: tf.Tensor, batchSize: number, shuffle: boolean, rng: Rng) {
    this.x = x;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.rng = rng;
    this.batchesPerEpoch = Math.ceil(x.shape[0]! / batchSize);
  }

  async next(): Promise<Draw> {
    const n = this.x.shape[0]!;
    if (this.order === undefined) this.startPass();
    const start = this.index * this.batchSize;
    const rows = this.order!.subarray(start, Math.min(n, start + this.batchSize));
    const batch = tf.tidy(() => tf.gather(this.x, tf.tensor1d(rows, 'int32')));
    this.index += 1;
    const epochEnded = this.index === this.batchesPerEpoch;
    if (epochEnded) {
      this.epoch += 1;
      this.index = 0;
      this.order = undefined;
    }
    return { batch, epochEnded };
  }

  position(): DataPosition {
    const rngState = this.index > 0 ? this.passState : this.rng.getState();
    return { epoch: this.epoch, index: this.index, rngState };
  }

  /** Continues from a saved {@link position}. */
  restore(position: DataPosition): void {
    const { epoch, index, rngState } = position;
    if (!Number.isInteger(epoch) || !Number.isInteger(index) || index < 0) {
      throw new FormatError(`checkpoint: invalid data position ${JSON.stringify(position)}`);
    }
    if (index >= this.batchesPerEpoch) {
      throw new FormatError(
        `checkpoint: data position ${index} is past the ${this.batchesPerEpoch} batches of an epoch`,
      );
    }
    this.rng = Rng.fromState(rngState as RngState);
    this.epoch = epoch;
    this.index = 0;
    this.order = undefined;
    if (index > 0) {
      this.startPass();
      this.index = index;
    }
  }

  dispose(): void {}

  private startPass(): void {
    const n = this.x.shape[0]!;
    this.passState = this.rng.getState();
    this.order = this.shuffle
      ? this.rng.permutation(n)
      : Int32Array.from({ length: n }, (_, i) => i);
  }
}
