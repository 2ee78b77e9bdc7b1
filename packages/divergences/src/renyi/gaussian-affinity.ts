import {
  assertFiniteTensor,
  cholesky,
  type Distribution,
  logDetFromCholesky,
  triangularSolve,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

const NORMAL = Symbol.for('@gen/distributions/Normal');
const MULTIVARIATE_NORMAL = Symbol.for('@gen/distributions/MultivariateNormal');

/**
 * The Gaussian family both distributions belong to, by the brand on their own class (not an
 * inherited one: a subclass of Normal may change the density, so it gets no Gaussian formula).
 */
export function gaussianPair(p: Distribution, q: Distribution): 'normal' | 'mvn' | undefined {
  const own = (d: Distribution, key: symbol) =>
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(d), key)?.value === true;
  if (own(p, NORMAL) && own(q, NORMAL)) return 'normal';
  if (own(p, MULTIVARIATE_NORMAL) && own(q, MULTIVARIATE_NORMAL)) return 'mvn';
  return undefined;
}

interface NormalParams {
  loc: tf.Tensor;
  scale: tf.Tensor;
}
interface MultivariateNormalParams {
  loc: tf.Tensor;
  scaleTril: tf.Tensor;
}

/**
 * log ∫p^α q^{1−α} = (α−1)D_α between univariate Normals, elementwise over the broadcast batch:
 * with σ_α² = ασ_q² + (1−α)σ_p², D_α = log(σ_q/σ_p) + log(σ_q²/σ_α²)/(2(α−1)) + αΔ²/(2σ_α²).
 * Where σ_α² ≤ 0 (possible for α > 1 or α < 0) the integral diverges: +∞.
 */
function normalLogAffinity(p: NormalParams, q: NormalParams, alpha: number): tf.Tensor {
  const vp = tf.square(p.scale);
  const vq = tf.square(q.scale);
  const mixed = tf.add(tf.mul(alpha, vq), tf.mul(1 - alpha, vp));
  const ok = tf.greater(mixed, 0);
  // The substitute keeps the discarded branch finite so no NaN flows back through tf.where.
  const safe = tf.where(ok, mixed, tf.onesLike(mixed));
  const value = tf.add(
    tf.add(
      tf.sub(tf.log(q.scale), tf.log(p.scale)),
      tf.div(tf.log(tf.div(vq, safe)), 2 * (alpha - 1)),
    ),
    tf.div(tf.mul(alpha / 2, tf.square(tf.sub(p.loc, q.loc))), safe),
  );
  return tf.where(ok, tf.mul(alpha - 1, value), tf.fill(value.shape, Number.POSITIVE_INFINITY));
}

/**
 * log ∫p^α q^{1−α} = (α−1)D_α between multivariate Normals: with Σ_α = αΣ_q + (1−α)Σ_p and Δ = μ_p − μ_q,
 * D_α = (α/2)ΔᵀΣ_α⁻¹Δ − (log|Σ_α| − (1−α)log|Σ_p| − α log|Σ_q|)/(2(α−1)). Where Σ_α is not
 * positive definite (possible for α > 1 or α < 0) the integral diverges: +∞.
 */
function multivariateNormalLogAffinity(
  p: MultivariateNormalParams,
  q: MultivariateNormalParams,
  alpha: number,
): tf.Tensor {
  const sp = tf.matMul(p.scaleTril, p.scaleTril, false, true);
  const sq = tf.matMul(q.scaleTril, q.scaleTril, false, true);
  let mixed = tf.add(tf.mul(alpha, sq), tf.mul(1 - alpha, sp));
  const d = mixed.shape[mixed.rank - 1]!;
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(
    mixed.shape.slice(0, -2),
    tf.broadcast_util.assertAndGetBroadcastShape(
      p.loc.shape.slice(0, -1),
      q.loc.shape.slice(0, -1),
    ),
  );
  mixed = tf.broadcastTo(mixed, [...batch, d, d]);
  const eye = tf.eye(d);
  // A failed factorisation leaves a zero or non-finite diagonal: that marks Σ_α indefinite.
  const trial = cholesky(mixed, { check: false });
  const diag = tf.sum(tf.mul(trial, eye), -1);
  const ok = tf.logicalAnd(
    tf.all(tf.greater(diag, 0), -1),
    tf.all(tf.isFinite(tf.reshape(trial, [...batch, d * d])), -1),
  );
  const okMatrix = tf.reshape(ok, [...batch, 1, 1]);
  const l = cholesky(tf.where(okMatrix, mixed, tf.broadcastTo(eye, mixed.shape)), { check: false });
  const delta = tf.broadcastTo(tf.sub(p.loc, q.loc), [...batch, d]);
  const z = triangularSolve(l, tf.expandDims(delta, -1));
  const mahalanobis = tf.sum(tf.square(z), [-2, -1]);
  const logDets = tf.sub(
    logDetFromCholesky(l),
    tf.add(
      tf.mul(1 - alpha, logDetFromCholesky(p.scaleTril)),
      tf.mul(alpha, logDetFromCholesky(q.scaleTril)),
    ),
  );
  const value = tf.sub(tf.mul(alpha / 2, mahalanobis), tf.div(logDets, 2 * (alpha - 1)));
  return tf.where(ok, tf.mul(alpha - 1, value), tf.fill(value.shape, Number.POSITIVE_INFINITY));
}

/**
 * log ∫p^α q^{1−α} (α ∉ {0, 1}) between two Normals or two MultivariateNormals (see
 * {@link gaussianPair}), of the broadcast batch shape; +∞ where the α-mixed covariance is not
 * positive definite. Rényi: D_α = this/(α−1); α-divergence: expm1(this)/(α(α−1)); at α = ½ it is
 * the log of the Bhattacharyya coefficient. Differentiable in the parameters where finite.
 */
export function gaussianLogAffinity(
  fn: string,
  p: Distribution,
  q: Distribution,
  alpha: number,
): tf.Tensor {
  // Parameters built with validateArgs off may hold NaN; the formula would pass it on silently.
  for (const [arg, d] of [
    ['p', p],
    ['q', q],
  ] as const) {
    for (const [name, t] of Object.entries(d.params)) assertFiniteTensor(fn, `${arg}.${name}`, t);
  }
  const pair = gaussianPair(p, q);
  return tf.tidy(() =>
    pair === 'normal'
      ? normalLogAffinity(p as unknown as NormalParams, q as unknown as NormalParams, alpha)
      : multivariateNormalLogAffinity(
          p as unknown as MultivariateNormalParams,
          q as unknown as MultivariateNormalParams,
          alpha,
        ),
  );
}
