import { assertTensor, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

function assertNumericTensor(fn: string, arg: string, x: unknown): asserts x is tf.Tensor {
  assertTensor(fn, arg, x);
  if (x.dtype === 'string') throw invalidArgument(fn, arg, x, 'must be a numeric tensor');
}

const STEPS = 4;
const INV_E = Math.exp(-1);

/**
 * log ω(z) for ω the Wright omega function, ω(z) = W₀(eᶻ): y = log ω solves eʸ + y = z, a
 * convex increasing equation, by Halley steps from y₀ = log(z − log z) (z ≥ 1), z − eᶻ (z ≤ −1)
 * or a linear fit in between (error < 0.2 everywhere, so four cubic steps reach float32
 * precision). Working in log ω keeps eᶻ from overflowing: ω(1000) = 993.1 is fine.
 */
function logWrightOmega(z: tf.Tensor): tf.Tensor {
  const zHigh = tf.maximum(z, 1);
  const zLow = tf.minimum(z, -1);
  const high = tf.log(tf.sub(zHigh, tf.log(zHigh)));
  const low = tf.sub(zLow, tf.exp(zLow));
  const mid = tf.add(-0.567143, tf.mul(0.639, z));
  let y = tf.where(tf.greaterEqual(z, 1), high, tf.where(tf.lessEqual(z, -1), low, mid));
  for (let k = 0; k < STEPS; k++) {
    const ey = tf.exp(y);
    const f = tf.sub(tf.add(ey, y), z);
    const f1 = tf.add(ey, 1);
    const denominator = tf.sub(tf.mul(2, tf.square(f1)), tf.mul(f, ey));
    y = tf.sub(y, tf.div(tf.mul(2, tf.mul(f, f1)), denominator));
  }
  return y;
}

const wrightOmegaOp = tf.customGrad((z, save) => {
  const w = tf.exp(logWrightOmega(z as tf.Tensor));
  (save as tf.GradSaveFunc)([w]);
  // dω/dz = ω / (1 + ω)
  return { value: w, gradFunc: (dy, [saved]) => tf.mul(dy, tf.div(saved!, tf.add(saved!, 1))) };
});

/** The Wright omega function ω(z) = W₀(eᶻ) for real z, differentiable (ω′ = ω/(1+ω)). */
export function wrightOmega(z: tf.Tensor): tf.Tensor {
  assertNumericTensor('wrightOmega', 'z', z);
  return tf.tidy(() => wrightOmegaOp(tf.cast(z, 'float32')));
}

/** W₀ on [−1/e, 0): the branch-point series near −1/e, Halley steps on w eʷ = x elsewhere. */
function negativeBranch(x: tf.Tensor): tf.Tensor {
  const p = tf.sqrt(tf.relu(tf.mul(2, tf.add(tf.mul(Math.E, x), 1))));
  // W = −1 + p − p²/3 + 11p³/72 − 43p⁴/540 + …
  const series = tf.add(
    -1,
    tf.mul(
      p,
      tf.add(1, tf.mul(p, tf.add(-1 / 3, tf.mul(p, tf.add(11 / 72, tf.mul(p, -43 / 540)))))),
    ),
  );
  const nearZero = tf.add(x, tf.mul(tf.square(x), tf.sub(tf.mul(1.5, x), 1)));
  const nearBranch = tf.less(p, 0.05);
  let w = tf.where(tf.less(x, -0.25), series, nearZero);
  for (let k = 0; k < STEPS; k++) {
    const ew = tf.exp(w);
    const h = tf.sub(tf.mul(w, ew), x);
    const w1 = tf.add(w, 1);
    const denominator = tf.sub(tf.mul(ew, w1), tf.div(tf.mul(tf.add(w, 2), h), tf.mul(2, w1)));
    const step = tf.div(h, denominator);
    w = tf.where(nearBranch, w, tf.sub(w, step));
  }
  return tf.where(nearBranch, series, w);
}

function lambertWValue(x: tf.Tensor): tf.Tensor {
  const tiny = tf.lessEqual(tf.abs(x), 1e-20);
  const positive = tf.greater(x, 1e-20);
  const valid = tf.greaterEqual(x, -INV_E);
  const xPos = tf.where(positive, x, tf.onesLike(x));
  const xNeg = tf.clipByValue(tf.where(positive, tf.fill(x.shape, -0.1), x), -INV_E, -1e-20);
  const w = tf.where(
    positive,
    tf.exp(logWrightOmega(tf.log(xPos))),
    tf.where(tiny, x, negativeBranch(xNeg)),
  );
  return tf.where(valid, w, tf.fill(x.shape, Number.NaN));
}

const lambertWOp = tf.customGrad((x, save) => {
  const w = lambertWValue(x as tf.Tensor);
  (save as tf.GradSaveFunc)([w]);
  // W′(x) = 1 / (e^W (1 + W)), finite at x = 0 (W′(0) = 1), +∞ at the branch point −1/e.
  return {
    value: w,
    gradFunc: (dy, [saved]) => tf.div(dy, tf.mul(tf.exp(saved!), tf.add(saved!, 1))),
  };
});

/**
 * The principal branch W₀ of the Lambert W function, w eʷ = x, elementwise on x ≥ −1/e
 * (NaN below, like the real logarithm below 0), by Halley iterations from series initial
 * guesses; accurate to float32 rounding except within ~1e−7 of −1/e, where W has a square-root
 * branch point. Differentiable: W′(x) = W/(x(1 + W)).
 *
 * ```ts
 * lambertW(tf.tensor1d([-1 / Math.E, 0, 1, Math.E])); // [-1, 0, 0.567143, 1]
 * ```
 */
export function lambertW(x: tf.Tensor): tf.Tensor {
  assertNumericTensor('lambertW', 'x', x);
  return tf.tidy(() => lambertWOp(tf.cast(x, 'float32')));
}
