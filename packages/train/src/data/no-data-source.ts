import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource, DataPosition, Draw } from './batch-source.js';

/** `data: null`: an empty batch `[0]` per step, for objectives that draw their own samples. */
export class NoDataSource implements BatchSource {
  readonly batchesPerEpoch = undefined;

  async next(): Promise<Draw> {
    return { batch: tf.zeros([0]), epochEnded: false };
  }

  position(): DataPosition {
    return { epoch: 0, index: 0 };
  }

  restore(): void {}

  dispose(): void {}
}
