import { allOnHost, InvalidArgumentError, invalidArgument, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Data rows: a [N, D] tensor or a nested array of N rows of D numbers. */
export type Rows = tf.Tensor | readonly (readonly number[])[];

/**
 * Converts `x` to a float32 [N, D] tensor (`owned`: created here, the caller disposes it) and
 * checks its rank, that N ≥ `minRows` and, when `dim` is known, that D = `dim` (`dimName` says
 * what D is in the message; default "the mixture's dimension").
 */
export function toRows(
  fn: string,
  x: unknown,
  options: { dim?: number | undefined; minRows?: number; arg?: string; dimName?: string } = {},
): { tensor: tf.Tensor; owned: boolean } {
  const arg = options.arg ?? 'x';
  let tensor: tf.Tensor;
  let owned = false;
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw invalidArgument(fn, arg, x, 'must be a live tensor');
    tensor = x;
  } else if (Array.isArray(x)) {
    try {
      tensor = tf.tensor2d(x as number[][], undefined, 'float32');
    } catch (cause) {
      throw new InvalidArgumentError(
        `${fn}: argument '${arg}' must be a [N, D] tensor or an array of N rows of D numbers`,
        { cause },
      );
    }
    owned = true;
  } else {
    throw invalidArgument(fn, arg, x, 'must be a [N, D] tensor or an array of rows');
  }
  const fail = (error: Error) => {
    if (owned) tensor.dispose();
    return error;
  };
  if (tensor.rank !== 2) {
    throw fail(
      new ShapeMismatchError(
        `${fn}: argument '${arg}' must have shape [N, D], got [${tensor.shape.join(', ')}]`,
      ),
    );
  }
  const [n, d] = tensor.shape as [number, number];
  if (options.dim !== undefined && d !== options.dim) {
    throw fail(
      new ShapeMismatchError(
        `${fn}: argument '${arg}' must have ${options.dim} columns (${options.dimName ?? "the mixture's dimension"}), got shape [${n}, ${d}]`,
      ),
    );
  }
  if (n < (options.minRows ?? 1) || d < 1) {
    throw fail(
      invalidArgument(
        fn,
        arg,
        tensor,
        `must have at least ${options.minRows ?? 1} rows and 1 column`,
      ),
    );
  }
  if (tensor.dtype !== 'float32') {
    const cast = tf.cast(tensor, 'float32');
    if (owned) tensor.dispose();
    return { tensor: cast, owned: true };
  }
  return { tensor, owned };
}

function nonFiniteError(
  fn: string,
  values: ArrayLike<number>,
  d: number,
  arg = 'x',
): InvalidArgumentError {
  let i = 0;
  while (i < values.length && Number.isFinite(values[i]!)) i++;
  return invalidArgument(
    fn,
    arg,
    values[i],
    `must be finite (row ${Math.floor(i / d)}, column ${i % d})`,
  );
}

/** Throws unless every value of `x` is finite; reads one flag back (asynchronously). */
export async function assertFiniteRows(fn: string, x: tf.Tensor): Promise<void> {
  const flag = tf.tidy(() => tf.all(tf.isFinite(x)));
  const ok = (await flag.data())[0];
  flag.dispose();
  if (!ok) throw nonFiniteError(fn, await x.data(), x.shape[1]!);
}

/** The synchronous version, for the validating synchronous methods. */
export function assertFiniteRowsSync(fn: string, x: tf.Tensor, arg = 'x'): void {
  if (!allOnHost(() => tf.isFinite(x))) throw nonFiniteError(fn, x.dataSync(), x.shape[1]!, arg);
}
