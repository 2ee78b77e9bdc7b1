import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from './validate.js';

// One switch for every package: public losses and densities check their tensor inputs for NaN
// and ±Inf (one small reduction and a one-element read), unless a hot path turned it off.
let depth = 0;
let globallyEnabled = true;

/** Whether public losses and densities currently check their inputs for NaN and ±Inf. */
export function finiteChecksEnabled(): boolean {
  return globallyEnabled && depth === 0;
}

/**
 * Turns the NaN/±Inf input checks of public losses and densities on or off for the whole
 * program (default on). Each check costs a reduction and a one-element read, which on WebGPU
 * waits for the GPU; turn them off in a hot loop whose data you validated once. The trainer
 * of `@gen/train` already skips them for data it checked before the first step.
 *
 * ```ts
 * setFiniteChecks(false); // trust the inputs from here on
 * ```
 */
export function setFiniteChecks(enabled: boolean): void {
  if (typeof enabled !== 'boolean') {
    throw invalidArgument('setFiniteChecks', 'enabled', enabled, 'must be a boolean');
  }
  globallyEnabled = enabled;
}

/**
 * Runs `fn` (synchronously) with the NaN/±Inf input checks off, then restores them, even when
 * `fn` throws. For code that validated its data once, such as a training step.
 */
export function withoutFiniteChecks<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

function finiteFlag(x: tf.Tensor): tf.Tensor {
  // x − x is 0 for finite values and NaN for NaN and ±Inf; works on every backend (no IsFinite
  // kernel needed).
  return tf.tidy(() => tf.all(tf.equal(tf.sub(x, x), 0)));
}

// Integer and boolean tensors cannot hold NaN; an empty tensor is skipped because tfjs's `all`
// of nothing is false.
function needsCheck(x: tf.Tensor): boolean {
  return (x.dtype === 'float32' || x.dtype === 'complex64') && x.size > 0;
}

/**
 * Throws `InvalidArgumentError` naming `fn`, `arg` and the tensor when `x` holds NaN or ±Inf.
 * Integer and boolean tensors always pass. Does nothing while the checks are off
 * ({@link setFiniteChecks}, {@link withoutFiniteChecks}).
 */
export function assertFiniteTensor(fn: string, arg: string, x: tf.Tensor): void {
  if (!finiteChecksEnabled() || !needsCheck(x)) return;
  const flag = finiteFlag(x);
  const ok = flag.dataSync()[0] === 1;
  flag.dispose();
  if (!ok) throw invalidArgument(fn, arg, x, 'must not contain NaN or infinite values');
}

/**
 * Like {@link assertFiniteTensor} but reads asynchronously (no GPU stall), and always checks:
 * for data validated once before a loop.
 */
export async function assertFiniteTensorAsync(
  fn: string,
  arg: string,
  x: tf.Tensor,
): Promise<void> {
  if (!needsCheck(x)) return;
  const flag = finiteFlag(x);
  const ok = (await flag.data())[0] === 1;
  flag.dispose();
  if (!ok) throw invalidArgument(fn, arg, x, 'must not contain NaN or infinite values');
}
