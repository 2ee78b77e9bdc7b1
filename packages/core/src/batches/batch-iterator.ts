import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import type { RngState } from '../rng.js';
import { resolveRng } from '../rng-options.js';
import { assertKnownOptions, assertTensor, invalidArgument } from '../validate.js';
import { batchRng, type Key, shuffleRng } from './batch-keys.js';
import { type BatchOptions, type BatchPosition, checkBatchOptions } from './batch-options.js';

export type { BatchOptions, BatchPosition };

const KNOWN = ['batchSize', 'shuffle', 'rng', 'seed', 'dropLast', 'epochs', 'start', 'map'];

/**
 * A seeded iterator over batches of the rows of a tensor, made by {@link batches}. Each batch
 * that `next()` yields is disposed when the next is requested, when it ends and on `return()` (a
 * `break`), so a loop that never disposes leaks nothing; `clone()` a batch to keep it, or draw
 * with {@link BatchIterator.take}, whose batches are the caller's. It can be resumed exactly:
 * rebuild it with `rng: Rng.fromState(it.rngState)` and `start: it.position`.
 */
export class BatchIterator implements IterableIterator<tf.Tensor> {
  /** Rows in each full batch. */
  readonly batchSize: number;
  /** Batches per epoch: ⌈n / batchSize⌉, or ⌊n / batchSize⌋ with `dropLast`. */
  readonly batchesPerEpoch: number;
  /** Epochs in total (the iterator ends at `position.epoch === epochs`). */
  readonly epochs: number;
  /** State of `rng` when it was passed in: `Rng.fromState(rngState)` rebuilds the same stream. */
  readonly rngState: RngState;
  private readonly x: tf.Tensor;
  private readonly n: number;
  private readonly shuffle: boolean;
  private readonly map: BatchOptions['map'];
  private readonly root: Key;
  private epoch: number;
  private index: number;
  private closed = false;
  private current: tf.Tensor | undefined;
  private order: { epoch: number; indices: Int32Array } | undefined;

  /** @internal Use {@link batches}. */
  constructor(x: tf.Tensor, options: BatchOptions) {
    const fn = 'batches';
    assertTensor(fn, 'x', x);
    if (x.rank === 0 || x.shape[0] === 0) {
      throw invalidArgument(fn, 'x', x, 'must have at least one row (rank >= 1)');
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidArgument(fn, 'options', options, 'must be an options object');
    }
    assertKnownOptions(fn, options, KNOWN);
    this.x = x;
    this.n = x.shape[0]!;
    const checked = checkBatchOptions(fn, this.n, options);
    this.batchSize = checked.batchSize;
    this.batchesPerEpoch = checked.batchesPerEpoch;
    this.epochs = checked.epochs;
    this.shuffle = checked.shuffle;
    this.map = options.map;
    this.epoch = checked.start.epoch;
    this.index = checked.start.index;
    const rng = resolveRng(fn, options);
    this.rngState = rng.getState();
    this.root = rng.nextUint32Pair();
  }

  /** The batch the next `next()` or `take()` yields: `{ epoch, index }`, counted from 0. */
  get position(): BatchPosition {
    return { epoch: this.epoch, index: this.index };
  }

  next(): IteratorResult<tf.Tensor, undefined> {
    this.release();
    const batch = this.take();
    if (batch === undefined) return { done: true, value: undefined };
    this.current = batch;
    return { done: false, value: batch };
  }

  /**
   * The next batch as a tensor the caller owns (the iterator never disposes it), or undefined
   * once the iterator has ended. Use it where batches outlive the next draw, e.g. a training
   * loop that disposes each batch after its step.
   */
  take(): tf.Tensor | undefined {
    if (this.closed || this.epoch >= this.epochs) {
      this.closed = true;
      return undefined;
    }
    if (this.x.isDisposed) {
      throw new InvalidArgumentError("batches: argument 'x' was disposed during iteration");
    }
    const batch = this.batchAt(this.epoch, this.index);
    this.index += 1;
    if (this.index === this.batchesPerEpoch) {
      this.epoch += 1;
      this.index = 0;
    }
    return batch;
  }

  /** Disposes the last batch of `next()` and ends the iteration (`for…of` calls it on `break`). */
  return(): IteratorResult<tf.Tensor, undefined> {
    this.release();
    this.closed = true;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }

  private release(): void {
    this.current?.dispose();
    this.current = undefined;
  }

  private batchAt(epoch: number, index: number): tf.Tensor {
    const start = index * this.batchSize;
    const size = Math.min(this.batchSize, this.n - start);
    return tf.tidy(() => {
      let batch: tf.Tensor;
      if (this.shuffle) {
        if (this.order?.epoch !== epoch) {
          this.order = { epoch, indices: shuffleRng(this.root, epoch).permutation(this.n) };
        }
        const rows = this.order.indices.subarray(start, start + size);
        batch = tf.gather(this.x, tf.tensor1d(rows, 'int32'));
      } else {
        batch = tf.slice(this.x, [start], [size]);
      }
      if (this.map === undefined) return batch;
      const mapped = this.map(batch, batchRng(this.root, epoch, index));
      if (!(mapped instanceof tf.Tensor) || mapped.isDisposed) {
        throw invalidArgument('batches', 'map', this.map, 'must return a live tf.Tensor');
      }
      return mapped;
    });
  }
}

/**
 * Iterates over `x` (`[n, ...]`) in batches `[batchSize, ...]`, `epochs` times (default once),
 * each epoch in a fresh order drawn from `rng` (or `seed`, default 0) unless `shuffle: false`.
 * Batches of `next()` are disposed for you (see {@link BatchIterator}); `x` stays the caller's.
 *
 * Seeding rule (the one rule of every `@gen` batcher, `@gen/data`'s `batches` and `@gen/train`'s
 * tensor data included): at construction the iterator takes one draw from `rng`, a root key
 * `r = rng.nextUint32Pair()`, and nothing after. Epoch `e` is shuffled by the Fisher–Yates
 * permutation of the Rng keyed `threefry2x32(k_e, [0, 0])`, where `k_e = threefry2x32(r, [e mod
 * 2³², ⌊e / 2³²⌋])`; `map` gets, for batch `i` of epoch `e`, the Rng keyed
 * `threefry2x32(k_e, [i, 1])`. Every batch is thus a pure function of the rng state at
 * construction and its position, so `{ position, rngState }` (plain JSON) is a complete resume
 * point: `batches(x, { ...sameOptions, rng: Rng.fromState(rngState), start: position })` yields
 * exactly the batches the first iterator would have yielded next.
 *
 * ```ts
 * const it = batches(x, { batchSize: 100, rng, epochs: 10, map: bernoulliBinarize });
 * for (const batch of it) { step(batch); if (done) break; } // nothing to dispose
 * const resume = { position: it.position, rngState: it.rngState }; // JSON-serialisable
 * ```
 */
export function batches(x: tf.Tensor, options: BatchOptions): BatchIterator {
  return new BatchIterator(x, options);
}
