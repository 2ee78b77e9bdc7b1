import * as tf from '@tensorflow/tfjs-core';

const LN2 = Math.LN2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log(1 + exp(x)), stable for large |x|: max(x, 0) + log1p(exp(−|x|)). */
export function softplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/** log σ(x) = −softplus(−x), finite for every finite x (unlike log(sigmoid(x))). */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(softplus(tf.neg(x))));
}

/**
 * log(1 − exp(x)) for x ≤ 0 (Mächler 2012): log(−expm1(x)) near 0, log1p(−exp(x)) below −log 2.
 * Both branches are evaluated on clamped inputs so neither produces NaN gradients.
 */
export function log1mexp(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const near = tf.greater(x, -LN2);
    const xNear = tf.where(near, x, tf.fill(x.shape, -LN2));
    const xFar = tf.where(near, tf.fill(x.shape, -LN2), x);
    const a = tf.log(tf.neg(tf.expm1(xNear)));
    const b = tf.log1p(tf.neg(tf.exp(xFar)));
    return tf.where(near, a, b);
  });
}

/** x · log(y) with 0 · log 0 = 0 (and a zero gradient there), broadcasting x and y. */
export function xlogy(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(x.shape, y.shape);
    const xb = tf.broadcastTo(x, shape);
    const yb = tf.broadcastTo(y, shape);
    const zero = tf.equal(xb, 0);
    const safeY = tf.where(zero, tf.onesLike(yb), yb);
    return tf.where(zero, tf.zerosLike(xb), tf.mul(xb, tf.log(safeY)));
  });
}

/** log mean exp along `axis` (default: all), computed as logSumExp − log n. */
export function logMeanExp(x: tf.Tensor, axis?: number | number[], keepDims = false): tf.Tensor {
  return tf.tidy(() => {
    const axes =
      axis === undefined
        ? x.shape.map((_, i) => i)
        : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + x.rank : a));
    const n = axes.reduce((acc, a) => acc * (x.shape[a] ?? 1), 1);
    return tf.sub(tf.logSumExp(x, axes, keepDims), Math.log(n));
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

function lgammaValue(x: tf.Tensor): tf.Tensor {
  // Reflection for x < 0.5: lgamma(x) = log(π / |sin(πx)|) − lgamma(1 − x).
  const left = tf.less(x, 0.5);
  const xr = tf.where(left, tf.sub(1, x), x);
  const right = lgammaRight(xr);
  const reflected = tf.sub(
    tf.sub(Math.log(Math.PI), tf.log(tf.abs(tf.sin(tf.mul(Math.PI, x))))),
    right,
  );
  return tf.where(left, reflected, right);
}

/** Shifts x up by `shift` with the recurrence, then applies the asymptotic series. */
function digammaValue(x: tf.Tensor): tf.Tensor {
  const left = tf.less(x, 0.5);
  const xr = tf.where(left, tf.sub(1, x), x);
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
  const cot = tf.div(tf.cos(tf.mul(Math.PI, x)), tf.sin(tf.mul(Math.PI, x)));
  return tf.where(left, tf.sub(right, tf.mul(Math.PI, cot)), right);
}

function trigammaValue(x: tf.Tensor): tf.Tensor {
  const left = tf.less(x, 0.5);
  const xr = tf.where(left, tf.sub(1, x), x);
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
  // Reflection: ψ₁(1 − x) + ψ₁(x) = π² / sin²(πx).
  const s = tf.sin(tf.mul(Math.PI, x));
  return tf.where(left, tf.sub(tf.div(Math.PI * Math.PI, tf.square(s)), right), right);
}

/** Trigamma ψ₁(x) = d²/dx² log Γ(x). */
export function trigamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => trigammaValue(tf.cast(x, 'float32')));
}

/** Digamma ψ(x) = d/dx log Γ(x); its gradient is {@link trigamma}. */
export function digamma(x: tf.Tensor): tf.Tensor {
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
