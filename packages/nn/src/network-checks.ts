import { type GenError, InvalidArgumentError, isGenError, ShapeMismatchError } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Largest number of entries of one weight matrix: 2²⁶ float32 values are 256 MiB, beyond what a
 * wasm or WebGPU backend can allocate for one tensor next to the rest of a model.
 */
export const MAX_LAYER_ENTRIES = 2 ** 26;

/**
 * Throws unless every weight matrix between consecutive layer `widths` (input, hidden…, output)
 * can be allocated, so that an absurd size is a typed error naming the factory `fn` and not a
 * RangeError from deep inside the allocation. `from` says which options gave the widths.
 *
 * ```ts
 * assertLayerSizes('Vae.mlp', [784, ...hiddenSizes, 2 * latentSize], 'dataSize and hiddenSizes');
 * ```
 */
export function assertLayerSizes(fn: string, widths: readonly number[], from?: string): void {
  for (let i = 1; i < widths.length; i++) {
    if (widths[i - 1]! * widths[i]! > MAX_LAYER_ENTRIES) {
      throw new InvalidArgumentError(
        `${fn}: a layer of ${widths[i - 1]} × ${widths[i]} weights${from === undefined ? '' : ` (from ${from})`} exceeds the ${MAX_LAYER_ENTRIES} entries one weight tensor may hold`,
      );
    }
  }
}

/**
 * Runs a network on the input of the public method `fn`; a failure (typically a shape the
 * network cannot take) becomes a typed error naming `fn`, the network (`what`) and the input's
 * shape, with the original as its `cause`. A typed error keeps its class (a disposed network is
 * not a shape problem); a raw one from tfjs becomes a `ShapeMismatchError`.
 */
export function applyNetwork(
  fn: string,
  what: string,
  apply: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
): tf.Tensor {
  try {
    return apply(x);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const message = `${fn}: the ${what} cannot take an input of shape [${x.shape.join(', ')}]: ${why}`;
    const Kind = isGenError(cause)
      ? (cause.constructor as new (
          m: string,
          o: { cause: unknown },
        ) => GenError)
      : ShapeMismatchError;
    throw new Kind(message, { cause });
  }
}
