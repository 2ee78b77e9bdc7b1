import * as tf from '@tensorflow/tfjs-core';
import type { DeviceState } from './device-state.js';
import { covarianceFromPrecisionFactor } from './host-linalg.js';
import { blockCount, type HostParams, withFactors } from './host-params.js';
import type { CovarianceType } from './options.js';

/*
 * The unconstrained parameterisation that gradient training sees and EM writes:
 *   logits [K]      π = softmax(logits)
 *   means [K, D]
 *   precisionCholesky (full [K, D, D], tied [D, D]): the upper-triangular precision factor F,
 *                   Σ⁻¹ = F Fᵀ, stored as its strict upper triangle plus log diag F (entries
 *                   below the diagonal are ignored), so every real value is a valid F
 *   logVariances (diag [K, D], spherical [K]): log σ².
 */

/** Name of the covariance variable. */
export function covarianceVariableName(type: CovarianceType): 'precisionCholesky' | 'logVariances' {
  return type === 'full' || type === 'tied' ? 'precisionCholesky' : 'logVariances';
}

/** Unconstrained covariance values from host parameters. */
export function rawCovariance(p: HostParams): Float32Array {
  if (p.type === 'diag' || p.type === 'spherical') {
    return Float32Array.from(p.covariances, Math.log);
  }
  const { d } = p;
  return Float32Array.from(p.factor, (v, idx) => {
    const i = Math.floor(idx / d) % d;
    const j = idx % d;
    return i === j ? Math.log(v) : j > i ? v : 0;
  });
}

/** Host parameters from unconstrained values read back (float64 from here on). */
export function hostFromRaw(
  type: CovarianceType,
  logits: ArrayLike<number>,
  means: ArrayLike<number>,
  raw: ArrayLike<number>,
): HostParams {
  const k = logits.length;
  const d = means.length / k;
  const top = Math.max(...Array.from(logits));
  const unnormalised = Float64Array.from(logits, (v) => Math.exp(v - top));
  const total = unnormalised.reduce((a, b) => a + b, 0);
  let covariances: Float64Array;
  if (type === 'diag' || type === 'spherical') covariances = Float64Array.from(raw, Math.exp);
  else {
    covariances = new Float64Array(raw.length);
    for (let b = 0; b < blockCount(type, k); b++) {
      const f = Float64Array.from({ length: d * d }, (_, idx) => {
        const i = Math.floor(idx / d);
        const j = idx % d;
        const v = raw[b * d * d + idx]!;
        return i === j ? Math.exp(v) : j > i ? v : 0;
      });
      covariances.set(covarianceFromPrecisionFactor(f, d), b * d * d);
    }
  }
  const weights = unnormalised.map((v) => v / total);
  return withFactors(type, k, d, weights, Float64Array.from(means), covariances, 1e-30);
}

/** The E-step's parameters as differentiable functions of the unconstrained tensors. */
export function stateFromRaw(
  type: CovarianceType,
  logits: tf.Tensor,
  means: tf.Tensor,
  raw: tf.Tensor,
): DeviceState {
  const [k, d] = means.shape as [number, number];
  const logWeights = tf.logSoftmax(logits);
  if (type === 'diag' || type === 'spherical') {
    const factor = tf.exp(tf.mul(-0.5, raw));
    const logDetFactor = type === 'diag' ? tf.mul(-0.5, tf.sum(raw, 1)) : tf.mul(-0.5 * d, raw);
    return { logWeights, means, factor, logDetFactor };
  }
  // exp only on the diagonal: exp of an ignored (large) lower entry could overflow into 0·∞.
  const eye = tf.eye(d);
  const strictUpper = tf.sub(tf.linalg.bandPart(tf.ones([d, d]), 0, -1), eye);
  const logDiag = tf.sum(tf.mul(raw, eye), -1);
  const factor = tf.add(tf.mul(raw, strictUpper), tf.mul(eye, tf.expandDims(tf.exp(logDiag), -2)));
  const logDet = tf.sum(logDiag, -1);
  const logDetFactor = type === 'tied' ? tf.mul(tf.ones([k]), logDet) : logDet;
  return { logWeights, means, factor, logDetFactor };
}
