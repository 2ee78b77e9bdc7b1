import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from './errors.js';
import { stopGradient } from './stop-gradient.js';
import { assertTensor, invalidArgument } from './validate.js';

const LN2 = Math.LN2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const EULER_GAMMA = 0.5772156649015329;

/** Throws a typed error naming `fn` unless `x` is a live numeric tensor. */
function assertNumeric(fn: string, arg: string, x: unknown): asserts x is tf.Tensor {
  assertTensor(fn, arg, x);
  if (x.dtype === 'string') throw invalidArgument(fn, arg, x, 'must be a numeric tensor');
}

// Masks come from comparisons on the taped input: their zero gradients, and Exp's gradient from
// its input (so that second derivatives are right), are registered by `registerGradients`.

/**
 * log(1 + exp(x)), stable for large |x|: max(x, 0) + log1p(exp(−|x|)). Absolutely accurate
 * everywhere; in the far negative tail (≈ eˣ) relatively accurate only where the backend's log1p
 * is, which wasm's (log(1 + u) in float32) is not: there softplus(−20) = 0.
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  assertNumeric('softplus', 'x', x);
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/** log σ(x) = −softplus(−x), finite for every finite x (unlike log(sigmoid(x))). */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  assertNumeric('logSigmoid', 'x', x);
  return tf.tidy(() => tf.neg(softplus(tf.neg(x))));
}

/**
 * log1p(u) for u > −1, accurate on every backend: tfjs-backend-wasm computes Log1p as
 * log(1 + u) in float32 (log1p(−1e−10) = 0 there). Goldberg's trick: with w = fl(1 + u),
 * log1p(u) = u · log(w) / (w − 1), and u itself where w rounds to 1. The value comes from the
 * trick, the gradient 1 / (1 + u) (to any order) from tf.log1p.
 */
function accurateLog1p(u: tf.Tensor): tf.Tensor {
  const reference = tf.log1p(u);
  const w = tf.add(1, u);
  const d = tf.sub(w, 1);
  const rounded = tf.equal(d, 0);
  const ratio = tf.div(u, tf.where(rounded, tf.onesLike(d), d));
  const value = tf.where(rounded, u, tf.mul(tf.log(w), ratio));
  return tf.add(reference, stopGradient(tf.sub(value, reference)));
}

/**
 * log(1 − exp(x)) for x ≤ 0 (Mächler 2012): log(−expm1(x)) near 0, log1p(−exp(x)) below −log 2,
 * both relatively accurate (log1mexp(−50) = −1.93e−22, not 0). Both branches are evaluated on
 * clamped inputs so neither produces NaN gradients.
 */
export function log1mexp(x: tf.Tensor): tf.Tensor {
  assertNumeric('log1mexp', 'x', x);
  return tf.tidy(() => {
    const near = tf.greaterEqual(x, -LN2);
    const xNear = tf.where(near, x, tf.fill(x.shape, -LN2));
    const xFar = tf.where(near, tf.fill(x.shape, -LN2), x);
    const a = tf.log(tf.neg(tf.expm1(xNear)));
    const b = accurateLog1p(tf.neg(tf.exp(xFar)));
    return tf.where(near, a, b);
  });
}

/** x · log(y) with 0 · log 0 = 0 (and a zero gradient there), broadcasting x and y. */
export function xlogy(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  assertNumeric('xlogy', 'x', x);
  assertNumeric('xlogy', 'y', y);
  let shape: number[];
  try {
    shape = tf.broadcast_util.assertAndGetBroadcastShape(x.shape, y.shape);
  } catch {
    throw new ShapeMismatchError(
      `xlogy: arguments 'x' [${x.shape.join(', ')}] and 'y' [${y.shape.join(', ')}] do not broadcast`,
    );
  }
  return tf.tidy(() => {
    const xb = tf.broadcastTo(x, shape);
    const yb = tf.broadcastTo(y, shape);
    const zero = tf.equal(xb, 0);
    const safeY = tf.where(zero, tf.onesLike(yb), yb);
    return tf.where(zero, tf.zerosLike(xb), tf.mul(xb, tf.log(safeY)));
  });
}

/** The distinct non-negative axes `axis` names in a tensor of rank `rank`, or a typed error. */
function reductionAxes(fn: string, axis: unknown, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const axes = list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw invalidArgument(fn, 'axis', axis, `must be an integer axis in [${-rank}, ${rank})`);
    }
    return a < 0 ? a + rank : a;
  });
  if (new Set(axes).size !== axes.length) {
    throw invalidArgument(fn, 'axis', axis, 'must not repeat an axis');
  }
  return axes;
}

/**
 * log mean exp along `axis` (default: all): m + log Σ exp(x − m) − log n with m the maximum,
 * behind a stop-gradient (the result does not depend on m; differentiating it would only add
 * the rounding residue 1 − Σ softmax at the maximum). The mean of nothing is undefined: an
 * empty reduction is an InvalidArgumentError, not −∞ or NaN.
 */
export function logMeanExp(x: tf.Tensor, axis?: number | number[], keepDims = false): tf.Tensor {
  const fn = 'logMeanExp';
  assertNumeric(fn, 'x', x);
  const axes = reductionAxes(fn, axis, x.rank);
  const n = axes.reduce((acc, a) => acc * (x.shape[a] ?? 1), 1);
  if (n === 0) {
    throw invalidArgument(
      fn,
      'x',
      x,
      `must not be empty along the reduced axes [${axes.join(', ')}]`,
    );
  }
  if (typeof keepDims !== 'boolean')
    throw invalidArgument(fn, 'keepDims', keepDims, 'must be a boolean');
  return tf.tidy(() => {
    const max = stopGradient(tf.max(x, axes, true));
    // An infinite maximum would turn x − m into NaN; log Σ exp(x) is then ±Inf anyway.
    const m = tf.where(tf.isFinite(max), max, tf.zerosLike(max));
    const logSum = tf.log(tf.sum(tf.exp(tf.sub(x, m)), axes, keepDims));
    return tf.sub(tf.add(logSum, tf.reshape(m, logSum.shape)), Math.log(n));
  });
}

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** lgamma for x ≥ 0.5 by the Lanczos approximation (g = 7, 9 terms). */
function lgammaRight(x: tf.Tensor): tf.Tensor {
  const z = tf.sub(x, 1);
  let series: tf.Tensor = tf.fill(x.shape, LANCZOS[0]!);
  for (let i = 1; i < LANCZOS.length; i++) {
    series = tf.add(series, tf.div(LANCZOS[i]!, tf.add(z, i)));
  }
  const t = tf.add(z, LANCZOS_G + 0.5);
  return tf.add(tf.add(HALF_LOG_2PI, tf.mul(tf.add(z, 0.5), tf.log(t))), tf.sub(tf.log(series), t));
}

/**
 * The reflection formulas need sin(πx) only up to sign (cot(πx) is odd in it), so they use
 * r = x − round(x), exact in float32, and sin(π|r|) with π|r| ∈ [0, π/2]. sin(π·x) itself loses
 * most of its digits near integers to the rounding of π·x, and wasm's sin is only absolutely
 * accurate for negative arguments.
 */
function reflectionAngle(x: tf.Tensor): { r: tf.Tensor; angle: tf.Tensor } {
  const r = tf.sub(x, tf.round(x));
  return { r, angle: tf.mul(Math.PI, tf.abs(r)) };
}

function lgammaValue(x: tf.Tensor): tf.Tensor {
  // Reflection for x < 0.5: lgamma(x) = log(π / |sin(πx)|) − lgamma(1 − x).
  const rightHalf = tf.greaterEqual(x, 0.5);
  const xr = tf.where(rightHalf, x, tf.sub(1, x));
  const right = lgammaRight(xr);
  const { angle } = reflectionAngle(x);
  const reflected = tf.sub(tf.sub(Math.log(Math.PI), tf.log(tf.sin(angle))), right);
  return tf.where(rightHalf, right, reflected);
}

/** Shifts x up by 6 with the recurrence, then applies the asymptotic series. */
function digammaValue(x: tf.Tensor): tf.Tensor {
  const rightHalf = tf.greaterEqual(x, 0.5);
  const xr = tf.where(rightHalf, x, tf.sub(1, x));
  let acc: tf.Tensor = tf.zerosLike(xr);
  let y = xr;
  for (let k = 0; k < 6; k++) {
    acc = tf.sub(acc, tf.reciprocal(y));
    y = tf.add(y, 1);
  }
  const inv = tf.reciprocal(y);
  const inv2 = tf.square(inv);
  // ψ(y) ≈ ln y − 1/(2y) − 1/(12y²) + 1/(120y⁴) − 1/(252y⁶) + 1/(240y⁸)
  const poly = tf.mul(
    inv2,
    tf.add(
      -1 / 12,
      tf.mul(inv2, tf.add(1 / 120, tf.mul(inv2, tf.add(-1 / 252, tf.mul(inv2, 1 / 240))))),
    ),
  );
  const right = tf.add(acc, tf.add(tf.sub(tf.log(y), tf.mul(0.5, inv)), poly));
  // Reflection: ψ(x) = ψ(1 − x) − π cot(πx).
  const { r, angle } = reflectionAngle(x);
  const cot = tf.mul(tf.sign(r), tf.div(tf.cos(angle), tf.sin(angle)));
  const value = tf.where(rightHalf, right, tf.sub(right, tf.mul(Math.PI, cot)));
  // Next to 0 the reflection loses sin(πx) to subnormal flushing (NaN from 0·∞); there
  // ψ(x) = −1/x − γ + O(x). The pole at 0 itself is −∞ (torch's convention); the other poles
  // are NaN.
  const tiny = tf.less(tf.abs(x), 1e-6);
  const safe = tf.where(tiny, x, tf.onesLike(x));
  const nearZero = tf.sub(tf.div(-1, safe), EULER_GAMMA);
  const out = tf.where(tiny, nearZero, value);
  return tf.where(tf.equal(x, 0), tf.fill(x.shape, Number.NEGATIVE_INFINITY), out);
}

function trigammaValue(x: tf.Tensor): tf.Tensor {
  const rightHalf = tf.greaterEqual(x, 0.5);
  const xr = tf.where(rightHalf, x, tf.sub(1, x));
  let acc: tf.Tensor = tf.zerosLike(xr);
  let y = xr;
  for (let k = 0; k < 6; k++) {
    acc = tf.add(acc, tf.reciprocal(tf.square(y)));
    y = tf.add(y, 1);
  }
  const inv = tf.reciprocal(y);
  const inv2 = tf.square(inv);
  // ψ₁(y) ≈ 1/y + 1/(2y²) + 1/(6y³) − 1/(30y⁵) + 1/(42y⁷) − 1/(30y⁹)
  const tail = tf.mul(
    tf.mul(inv, inv2),
    tf.add(
      1 / 6,
      tf.mul(inv2, tf.add(-1 / 30, tf.mul(inv2, tf.add(1 / 42, tf.mul(inv2, -1 / 30))))),
    ),
  );
  const right = tf.add(acc, tf.add(tf.add(inv, tf.mul(0.5, inv2)), tail));
  // Reflection: ψ₁(1 − x) + ψ₁(x) = π² / sin²(πx). trigamma is differentiated by autodiff, so
  // the unused branch is evaluated at 0.5: at a positive integer sin(πr) = 0 exactly, and the
  // zero-weighted gradient of π²/0 would be NaN.
  const s = tf.sin(reflectionAngle(tf.where(rightHalf, tf.fill(x.shape, 0.5), x)).angle);
  return tf.where(rightHalf, right, tf.sub(tf.div(Math.PI * Math.PI, tf.square(s)), right));
}

/** Trigamma ψ₁(x) = d²/dx² log Γ(x); NaN at the poles 0, −1, −2, … and for NaN. */
export function trigamma(x: tf.Tensor): tf.Tensor {
  assertNumeric('trigamma', 'x', x);
  return tf.tidy(() => trigammaValue(tf.cast(x, 'float32')));
}

/**
 * Digamma ψ(x) = d/dx log Γ(x); its gradient is {@link trigamma}. −∞ at 0, NaN at the poles
 * −1, −2, … (as torch.digamma), NaN for NaN.
 */
export function digamma(x: tf.Tensor): tf.Tensor {
  assertNumeric('digamma', 'x', x);
  return tf.tidy(() => {
    const f = tf.customGrad((input, save) => {
      const v = input as tf.Tensor;
      (save as tf.GradSaveFunc)([v]);
      return {
        value: digammaValue(v),
        gradFunc: (dy, saved) => tf.mul(dy, trigamma(saved[0]!)),
      };
    });
    return f(tf.cast(x, 'float32'));
  });
}

/** log |Γ(x)| (Lanczos with reflection); its gradient is {@link digamma}. */
export function lgamma(x: tf.Tensor): tf.Tensor {
  assertNumeric('lgamma', 'x', x);
  return tf.tidy(() => {
    const f = tf.customGrad((input, save) => {
      const v = input as tf.Tensor;
      (save as tf.GradSaveFunc)([v]);
      return {
        value: lgammaValue(v),
        gradFunc: (dy, saved) => tf.mul(dy, digamma(saved[0]!)),
      };
    });
    return f(tf.cast(x, 'float32'));
  });
}
