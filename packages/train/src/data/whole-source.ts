import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource, DataPosition, Draw } from './batch-source.js';

/** All rows as one batch, every step a pass (full-batch algorithms such as EM). */
export class WholeSource implements BatchSource {
  readonly batchesPerEpoch = 1;
  private readonly x: tf.Tensor;
  private epoch = 0;

  constructor(x: tf.Tensor) {
    this.x = x;
  }

  async next(): Promise<Draw> {
    this.epoch += 1;
    // A clone shares the data; the loop disposes it after the step and `x` stays the caller's.
    return { batch: tf.clone(this.x), epochEnded: true };
  }

  position(): DataPosition {
    return { epoch: this.epoch, index: 0 };
  }

  restore(position: DataPosition): void {
    this.epoch = position.epoch;
  }

  dispose(): void {}
}
