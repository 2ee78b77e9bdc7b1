import { assertFiniteTensor, assertTensor, invalidArgument, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** An isotropic Gaussian mixture as {@link makeToy} describes it. */
export interface GaussianMixtureSpec {
  /** Component means, `[k][d]`. */
  centers: readonly (readonly number[])[];
  /** Standard deviation, shared or one per component. */
  std: number | readonly number[];
  /** Component probabilities (default uniform). */
  weights?: readonly number[] | undefined;
}

/**
 * Log density of an isotropic Gaussian mixture at each row of `x` (`[n, d]` → `[n]`, nats):
 * log Σ_k w_k N(x; c_k, s_k² I). Pass what `makeToy` returned to get the exact log density of a
 * mixture data set, e.g. its entropy as −mean(log p) over its own samples.
 *
 * ```ts
 * const ring = makeToy('ring8', { n: 20000, seed: 0 });
 * const entropy = tf.neg(tf.mean(mixtureLogProb(ring.x, ring))); // ≈ −4.29302
 * ```
 */
export function mixtureLogProb(x: tf.Tensor, mixture: GaussianMixtureSpec): tf.Tensor1D {
  const fn = 'mixtureLogProb';
  assertTensor(fn, 'x', x);
  const { centers, std, weights } = mixture ?? {};
  const d = centers?.[0]?.length ?? 0;
  if (
    !Array.isArray(centers) ||
    d === 0 ||
    centers.some((c) => !Array.isArray(c) || c.length !== d || !c.every(Number.isFinite))
  ) {
    throw invalidArgument(
      fn,
      'centers',
      centers,
      'must be a non-empty [k][d] array of finite numbers',
    );
  }
  const k = centers.length;
  const stds = typeof std === 'number' ? Array<number>(k).fill(std) : std;
  if (
    !Array.isArray(stds) ||
    stds.length !== k ||
    stds.some((s) => !(typeof s === 'number' && s > 0 && Number.isFinite(s)))
  ) {
    throw invalidArgument(fn, 'std', std, `must be a number > 0 or ${k} numbers > 0`);
  }
  const w = weights ?? Array<number>(k).fill(1 / k);
  if (
    !Array.isArray(w) ||
    w.length !== k ||
    w.some((v) => !(typeof v === 'number' && v >= 0 && Number.isFinite(v)))
  ) {
    throw invalidArgument(fn, 'weights', weights, `must be ${k} probabilities`);
  }
  if (x.rank !== 2 || x.shape[1] !== d) {
    throw new ShapeMismatchError(
      `${fn}: argument 'x' must have shape [n, ${d}], got [${x.shape.join(', ')}]`,
    );
  }
  assertFiniteTensor(fn, 'x', x);
  return tf.tidy(() => {
    const c = tf.tensor2d(centers.flat(), [k, d]);
    const s = tf.tensor1d(stds);
    // [n, 1, d] − [1, k, d] → squared distances [n, k].
    const sq = tf.sum(tf.square(tf.sub(tf.expandDims(x, 1), tf.expandDims(c, 0))), 2);
    const logNormal = tf.sub(
      tf.div(sq, tf.mul(-2, tf.square(s))),
      tf.add(tf.mul(d, tf.log(s)), (d / 2) * Math.log(2 * Math.PI)),
    );
    return tf.logSumExp(tf.add(logNormal, tf.log(tf.tensor1d([...w]))), 1) as tf.Tensor1D;
  });
}
