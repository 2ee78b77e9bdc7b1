import {
  assertFiniteTensor,
  assertInteger,
  assertKnownOptions,
  assertRng,
  type CostFunction,
  formatValue,
  InvalidArgumentError,
  isDistribution,
  ShapeMismatchError,
  type SurrogateOptions,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

const MAX_SAMPLES = 2 ** 24;

/**
 * Checks the three arguments every `surrogate` takes; throws a typed error naming `fn` and the
 * argument.
 */
export function checkSurrogateArgs(
  fn: string,
  dist: unknown,
  cost: unknown,
  options: unknown,
): asserts options is SurrogateOptions {
  if (!isDistribution(dist) || typeof dist.params !== 'object' || dist.params === null) {
    throw new InvalidArgumentError(
      `${fn}: argument 'dist' must be a Distribution, got ${formatValue(dist)}`,
    );
  }
  if (typeof cost !== 'function') {
    throw new InvalidArgumentError(
      `${fn}: argument 'cost' must be a function x => tf.Tensor, got ${formatValue(cost)}`,
    );
  }
  const o = options as Partial<SurrogateOptions> | null;
  if (typeof o !== 'object' || o === null) {
    throw new InvalidArgumentError(
      `${fn}: argument 'options' must be { samples, rng }, got ${formatValue(options)}`,
    );
  }
  assertKnownOptions(fn, o, ['samples', 'rng']);
  // Far more draws than a backend can hold end in a raw RangeError inside tfjs.
  assertInteger(fn, 'samples', o.samples, 1, MAX_SAMPLES);
  assertRng(fn, 'rng', o.rng);
}

/**
 * Evaluates `cost` on draws `x` of shape `[m, ...batch, ...event]` and checks that it returns
 * `[m, ...batch]`: one cost per draw and batch element (the batch entries are independent
 * problems; to couple coordinates, make them one event with `Independent`).
 */
export function evaluateCost(
  fn: string,
  cost: CostFunction,
  x: tf.Tensor,
  batchShape: readonly number[],
): tf.Tensor {
  const c = cost(x);
  const want = [x.shape[0]!, ...batchShape];
  if (!(c instanceof tf.Tensor) || !tf.util.arraysEqual(c.shape, want)) {
    const got = c instanceof tf.Tensor ? `[${c.shape.join(', ')}]` : formatValue(c);
    throw new ShapeMismatchError(
      `${fn}: the cost must map draws [${x.shape.join(', ')}] to [samples, ...batchShape] = [${want.join(', ')}], got ${got} (to couple the coordinates of a batch, wrap the distribution in Independent)`,
    );
  }
  // A NaN cost would make a NaN loss and NaN gradients with nothing to say where they came from.
  assertFiniteTensor(fn, 'cost(x)', c);
  return c.dtype === 'float32' ? c : tf.cast(c, 'float32');
}

/** Σ over the batch of the sample mean: the Monte Carlo estimate of Σ_batch E[cost]. */
export function batchTotalOfMeans(c: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mean(c, 0)) as tf.Scalar;
}

/** The class name of a distribution, for messages. */
export function familyName(dist: object): string {
  return (dist as { constructor?: { name?: string } }).constructor?.name || 'this distribution';
}

/**
 * `t` broadcast to `shape` by arithmetic (whose gradient works at any rank, unlike `tile`);
 * throws unless it broadcasts there.
 */
export function fitTo(fn: string, what: string, t: unknown, shape: readonly number[]): tf.Tensor {
  if (!(t instanceof tf.Tensor)) {
    throw new InvalidArgumentError(`${fn}: ${what} must be a tf.Tensor, got ${formatValue(t)}`);
  }
  let ok = t.rank <= shape.length;
  if (ok) {
    try {
      ok = tf.util.arraysEqual(tf.broadcast_util.assertAndGetBroadcastShape(t.shape, [...shape]), [
        ...shape,
      ]);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new ShapeMismatchError(
      `${fn}: ${what} must broadcast to [${shape.join(', ')}], got shape [${t.shape.join(', ')}]`,
    );
  }
  return tf.add(t, tf.zeros([...shape]));
}
