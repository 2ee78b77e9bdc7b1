import { type Batch, FormatError, formatValue, InvalidArgumentError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource, DataPosition, Draw } from './batch-source.js';
import { assertConditional, disposeBatch } from './conditional.js';

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/**
 * Batches (tensors or `{ x, condition }` pairs) from an (async) iterable. Each pass calls
 * `[Symbol.asyncIterator]()` or `[Symbol.iterator]()` afresh; one batch is read ahead so that the
 * last batch of a pass is known when it is handed out. The loop takes ownership of every yielded
 * tensor and disposes it after its step. On resume the first `index` batches of the pass are read
 * and disposed, so the sequence continues exactly when the iterable replays the same batches on
 * every pass.
 */
export class IterableSource implements BatchSource {
  readonly batchesPerEpoch = undefined;
  private readonly fn: string;
  private readonly data: Iterable<unknown> | AsyncIterable<unknown>;
  private iterator: AnyIterator | undefined;
  private ahead: Batch | undefined;
  private epoch = 0;
  private index = 0;

  constructor(fn: string, data: Iterable<unknown> | AsyncIterable<unknown>) {
    this.fn = fn;
    this.data = data;
  }

  async next(): Promise<Draw | undefined> {
    if (this.iterator === undefined) await this.startPass();
    const batch = this.ahead;
    if (batch === undefined) return undefined;
    this.ahead = await this.pull(this.index + 1);
    this.index += 1;
    if (this.ahead !== undefined) return { batch, epochEnded: false };
    this.epoch += 1;
    this.index = 0;
    this.iterator = undefined;
    return { batch, epochEnded: true };
  }

  position(): DataPosition {
    return { epoch: this.epoch, index: this.index };
  }

  /** Continues from a saved {@link position} by skipping the batches already used. */
  async restore(position: DataPosition): Promise<void> {
    const { epoch, index } = position;
    if (!Number.isInteger(epoch) || !Number.isInteger(index) || index < 0) {
      throw new FormatError(`checkpoint: invalid data position ${JSON.stringify(position)}`);
    }
    this.epoch = epoch;
    this.index = 0;
    if (index === 0) return;
    await this.startPass();
    for (let i = 0; i < index; i++) {
      if (this.ahead === undefined) {
        throw new FormatError(
          `${this.fn}: argument 'data' ended after ${i} batches, but the checkpoint was written ${index} batches into a pass`,
        );
      }
      disposeBatch(this.ahead);
      this.ahead = await this.pull(i + 1);
    }
    this.index = index;
  }

  dispose(): void {
    if (this.ahead !== undefined) disposeBatch(this.ahead);
    this.ahead = undefined;
  }

  private async startPass(): Promise<void> {
    const data = this.data;
    this.iterator =
      Symbol.asyncIterator in data
        ? data[Symbol.asyncIterator]()
        : (data as Iterable<unknown>)[Symbol.iterator]();
    this.ahead = await this.pull(0);
  }

  /** The next value of the pass, the `item`-th (0-based), checked to be a batch. */
  private async pull(item: number): Promise<Batch | undefined> {
    const result = await this.iterator!.next();
    if (result.done) return undefined;
    const value: unknown = result.value;
    const where = `at epoch ${this.epoch}, batch ${item}`;
    if (value instanceof tf.Tensor && !value.isDisposed && value.rank > 0) return value;
    if (value !== null && typeof value === 'object' && !(value instanceof tf.Tensor)) {
      try {
        assertConditional(this.fn, 'data', value);
        return value;
      } catch (error) {
        // The loop owns what the iterable yields, a refused batch included.
        const { x, condition } = value as Record<string, unknown>;
        tf.dispose([x, condition].filter((t): t is tf.Tensor => t instanceof tf.Tensor));
        throw new InvalidArgumentError(
          `${(error as Error).message} (a { x, condition } batch the iterable yielded ${where})`,
          { cause: error },
        );
      }
    }
    if (value instanceof tf.Tensor) value.dispose();
    throw new InvalidArgumentError(
      `${this.fn}: argument 'data' must yield live tensors of rank >= 1 or { x, condition } batches, got ${formatValue(value)} ${where}`,
    );
  }
}
