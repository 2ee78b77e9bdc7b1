import * as tf from '@tensorflow/tfjs-core';

type Numeric = tf.Tensor | number | boolean | NumericArray;
interface NumericArray extends ReadonlyArray<Numeric> {}

/** Shape and values in float64: plain numbers are not rounded to float32 on the way. */
function flatten(value: Numeric): { shape: number[]; values: number[] } {
  if (value instanceof tf.Tensor) {
    return { shape: [...value.shape], values: Array.from(value.dataSync() as ArrayLike<number>) };
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return { shape: [], values: [Number(value)] };
  }
  const parts = value.map(flatten);
  const inner = parts[0]?.shape ?? [];
  if (parts.some((part) => part.shape.join(',') !== inner.join(','))) {
    throw new Error(`expectClose: ragged nested array ${JSON.stringify(value)}`);
  }
  return { shape: [value.length, ...inner], values: parts.flatMap((part) => part.values) };
}

export interface CloseOptions {
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-5): |a − e| ≤ atol + rtol·|e|. */
  rtol?: number;
  /** Treat NaN as equal to NaN (default false). */
  equalNan?: boolean;
  /** Prefix for the failure message. */
  message?: string;
}

/**
 * Asserts elementwise |actual − expected| ≤ atol + rtol·|expected| with equal shapes (a scalar
 * `expected` is broadcast). Infinities must match exactly. Throws with the worst element.
 */
export function expectClose(actual: Numeric, expected: Numeric, options: CloseOptions = {}): void {
  const { atol = 1e-5, rtol = 1e-5, equalNan = false } = options;
  const a = flatten(actual);
  const e = flatten(expected);
  const prefix = options.message ? `${options.message}: ` : '';
  const broadcast = e.values.length === 1 && (e.shape.length === 0 || a.values.length !== 1);
  if (!broadcast && a.shape.join(',') !== e.shape.join(',')) {
    throw new Error(`${prefix}expectClose: shape [${a.shape}] differs from expected [${e.shape}]`);
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = broadcast ? e.values[0]! : e.values[i]!;
    let bad: boolean;
    let excess: number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      bad = !(equalNan && Number.isNaN(x) && Number.isNaN(y));
      excess = bad ? Number.POSITIVE_INFINITY : 0;
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
      bad = x !== y;
      excess = bad ? Number.POSITIVE_INFINITY : 0;
    } else {
      excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
      bad = excess > 0;
    }
    if (bad && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    const y = broadcast ? e.values[0] : e.values[worst];
    throw new Error(
      `${prefix}expectClose: element ${worst} is ${a.values[worst]}, expected ${y} (atol ${atol}, rtol ${rtol})`,
    );
  }
}

/**
 * Runs `fn`, disposes whatever tensors it returns (they belong to the caller), and asserts that
 * `tf.memory().numTensors` is back where it started. Works with async functions.
 */
export async function expectNoLeak(fn: () => unknown, message = 'expectNoLeak'): Promise<void> {
  const before = tf.memory().numTensors;
  const result = await fn();
  tf.dispose(result as tf.TensorContainer);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `${message}: ${after - before} tensor(s) leaked (${before} before, ${after} after)`,
    );
  }
}

/**
 * Central finite-difference gradient of a scalar function of one tensor, evaluated in float32
 * through tfjs; choose `eps` ≈ 1e-2…1e-3 for float32 and compare with a matching tolerance.
 */
export function numericalGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  eps = 1e-3,
): tf.Tensor {
  const base = Float64Array.from(x.dataSync() as ArrayLike<number>);
  const grad = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] = base[i]! + eps;
    minus[i] = base[i]! - eps;
    const fp = tf.tidy(() => f(tf.tensor(plus, x.shape)).dataSync()[0]!);
    const fm = tf.tidy(() => f(tf.tensor(minus, x.shape)).dataSync()[0]!);
    // Divide by the step actually taken: x ± eps rounded to float32 (at x = 1000, eps = 1e-3,
    // that is 1.953e-3, not 2e-3).
    grad[i] = (fp - fm) / (plus[i]! - minus[i]!);
  }
  return tf.tensor(grad, x.shape);
}
