import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from './validate.js';

// One switch for every package: public losses and densities check their tensor inputs for NaN
// and ±Inf (one small reduction and a one-element read), unless a hot path turned it off.
let depth = 0;
let globallyEnabled = true;

// Backends whose tensors live on a GPU: a synchronous read there stalls the pipeline (WebGPU
// even reads through a canvas copy), so the per-call checks are for data already on the host.
const GPU_BACKENDS = new Set(['webgpu', 'webgl']);

/**
 * Whether public losses and densities currently check their inputs for NaN and ±Inf: on unless
 * turned off ({@link setFiniteChecks}, {@link withoutFiniteChecks}) and the backend keeps its
 * data on the host (cpu, wasm). On WebGPU and WebGL the per-call checks are skipped, because
 * each would wait for the GPU; validate data there once with {@link assertFiniteTensorAsync}.
 */
export function finiteChecksEnabled(): boolean {
  return globallyEnabled && depth === 0 && !GPU_BACKENDS.has(tf.getBackend());
}

/**
 * Turns the NaN/±Inf input checks of public losses and densities on or off for the whole
 * program (default on; always off on WebGPU and WebGL, see {@link finiteChecksEnabled}). Each
 * check costs a reduction and a one-element read; turn them off in a hot loop whose data you
 * validated once. The trainer
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

// x − x is 0 for finite values and NaN for NaN and ±Inf; works on every backend (no IsFinite
// kernel needed).
const finiteMask = (x: tf.Tensor) => tf.equal(tf.sub(x, x), 0);

// Integer and boolean tensors cannot hold NaN; an empty tensor is skipped because tfjs's `all`
// of nothing is false.
function needsCheck(x: tf.Tensor): boolean {
  return (x.dtype === 'float32' || x.dtype === 'complex64') && x.size > 0;
}

/**
 * Whether every element of the boolean tensor that `mask` builds is true: one reduction and a
 * one-element synchronous read, with every intermediate freed. The one way @gen's input checks
 * (finite values, Bernoulli's {0, 1}, finite weights) read their verdict; call it only where the
 * data is on the host ({@link finiteChecksEnabled}). Note that tfjs's `all` of an empty tensor
 * is false.
 *
 * ```ts
 * allOnHost(() => tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1))); // x is binary
 * ```
 */
export function allOnHost(mask: () => tf.Tensor): boolean {
  const flag = tf.tidy(() => tf.all(mask()));
  const ok = flag.dataSync()[0] === 1;
  flag.dispose();
  return ok;
}

/**
 * Throws `InvalidArgumentError` naming `fn`, `arg` and the tensor when `x` holds NaN or ±Inf.
 * Integer and boolean tensors always pass. Does nothing while the checks are off
 * ({@link setFiniteChecks}, {@link withoutFiniteChecks}) and on GPU backends
 * ({@link finiteChecksEnabled}).
 */
export function assertFiniteTensor(fn: string, arg: string, x: tf.Tensor): void {
  if (!finiteChecksEnabled() || !needsCheck(x)) return;
  if (!allOnHost(() => finiteMask(x)))
    throw invalidArgument(fn, arg, x, 'must not contain NaN or infinite values');
}

/**
 * Like {@link assertFiniteTensor} but reads asynchronously (no GPU stall), and always checks,
 * on every backend: for data validated once before a loop.
 */
export async function assertFiniteTensorAsync(
  fn: string,
  arg: string,
  x: tf.Tensor,
): Promise<void> {
  if (!needsCheck(x)) return;
  const flag = tf.tidy(() => tf.all(finiteMask(x)));
  const ok = (await flag.data())[0] === 1;
  flag.dispose();
  if (!ok) throw invalidArgument(fn, arg, x, 'must not contain NaN or infinite values');
}
