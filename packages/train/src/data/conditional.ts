import {
  assertFiniteTensorAsync,
  type Batch,
  type ConditionalBatch,
  formatValue,
  InvalidArgumentError,
  invalidArgument,
  isConditionalBatch,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Whether `d` is iterable (sync or async), as `data` of the loops. */
export const isIterable = (d: unknown): d is Iterable<unknown> | AsyncIterable<unknown> =>
  typeof d === 'object' &&
  d !== null &&
  (typeof (d as Iterable<unknown>)[Symbol.iterator] === 'function' ||
    typeof (d as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function');

/** Data held in memory and batched by the loop: a tensor or a `{ x, condition }` pair. */
export const isTensorData = (d: unknown): d is tf.Tensor | ConditionalBatch =>
  d instanceof tf.Tensor || (!isIterable(d) && isConditionalBatch(d));

/** `{ x: a float32 tensor of shape [4, 2], … }`: an object argument, field by field. */
const describe = (value: object) =>
  `{ ${Object.entries(value)
    .map(([key, v]) => `${key}: ${formatValue(v)}`)
    .join(', ')} }`;

/**
 * Checks that `value` (argument `arg` of `fn`) is a conditional batch or dataset: exactly the
 * keys `x` and `condition`, `x` a live tensor `[n, ...]` and `condition` a live tensor
 * `[n, conditionSize]` with as many rows. Callers that need n >= 1 check it themselves.
 */
export function assertConditional(
  fn: string,
  arg: string,
  value: object,
): asserts value is ConditionalBatch {
  for (const key of Object.keys(value)) {
    if (key !== 'x' && key !== 'condition') {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' has an unknown key '${key}' (conditional data is { x, condition }), got ${describe(value)}`,
      );
    }
  }
  const { x, condition } = value as Partial<Record<'x' | 'condition', unknown>>;
  if (!(x instanceof tf.Tensor) || x.isDisposed || x.rank === 0) {
    throw invalidArgument(fn, `${arg}.x`, x, 'must be a live tensor [n, ...]');
  }
  if (
    !(condition instanceof tf.Tensor) ||
    condition.isDisposed ||
    condition.rank !== 2 ||
    condition.shape[0] !== x.shape[0] ||
    condition.shape[1] === 0
  ) {
    throw invalidArgument(
      fn,
      `${arg}.condition`,
      condition,
      `must be a live tensor [n, conditionSize] with n = ${x.shape[0]} rows (one per row of '${arg}.x') and conditionSize >= 1`,
    );
  }
}

/** The examples of a batch (its `x`, or the tensor itself). */
export const examplesOf = (batch: Batch): tf.Tensor =>
  batch instanceof tf.Tensor ? batch : batch.x;

/** Disposes a batch: the tensor, or both tensors of a pair. */
export function disposeBatch(batch: Batch): void {
  if (batch instanceof tf.Tensor) batch.dispose();
  else tf.dispose([batch.x, batch.condition]);
}

/** Rows `start … start + size − 1` of a batch, the condition's with the examples'. */
export function sliceRows(batch: Batch, start: number, size: number): Batch {
  if (batch instanceof tf.Tensor) return tf.slice(batch, start, size);
  return { x: tf.slice(batch.x, start, size), condition: tf.slice(batch.condition, start, size) };
}

/** Checks tensor data for NaN and ±Inf (both parts of a pair, named `arg.x`, `arg.condition`). */
export async function assertFiniteData(
  fn: string,
  arg: string,
  data: tf.Tensor | ConditionalBatch,
): Promise<void> {
  if (data instanceof tf.Tensor) return assertFiniteTensorAsync(fn, arg, data);
  await assertFiniteTensorAsync(fn, `${arg}.x`, data.x);
  await assertFiniteTensorAsync(fn, `${arg}.condition`, data.condition);
}

/**
 * The checkpoint settings that tensor data fixes: its row count and, for a pair, the condition
 * width (absent for a tensor, so checkpoints of unconditional runs stay as they were).
 */
export function dataSettings(data: unknown): { rows: number | null; conditionSize?: number } {
  if (!isTensorData(data)) return { rows: null };
  if (data instanceof tf.Tensor) return { rows: data.shape[0]! };
  return { rows: data.x.shape[0]!, conditionSize: data.condition.shape[1]! };
}
