import * as tf from '@tensorflow/tfjs-core';
import { blockCount, type HostParams } from './host-params.js';
import type { CovarianceType } from './options.js';

/**
 * Mixture parameters as device tensors, in the form the E-step consumes:
 * `logWeights` [K] (normalised), `means` [K, D], `factor` the precision factor F with
 * Σ⁻¹ = F Fᵀ (full [K, D, D] and tied [D, D] upper triangular; diag [K, D] and spherical [K]:
 * 1/σ), and `logDetFactor` [K] = Σᵢ log Fᵢᵢ = −½ log det Σₖ.
 */
export type DeviceState = {
  readonly logWeights: tf.Tensor;
  readonly means: tf.Tensor;
  readonly factor: tf.Tensor;
  readonly logDetFactor: tf.Tensor;
};

/** Shape of the precision factor of a covariance type. */
export function factorShape(type: CovarianceType, k: number, d: number): number[] {
  if (type === 'full') return [k, d, d];
  if (type === 'tied') return [d, d];
  if (type === 'diag') return [k, d];
  return [k];
}

/** Σ log diag F per component, in float64. */
export function hostLogDetFactor(p: HostParams): Float64Array {
  const { k, d, type, factor } = p;
  const out = new Float64Array(k);
  if (type === 'full' || type === 'tied') {
    for (let b = 0; b < blockCount(type, k); b++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += Math.log(factor[b * d * d + i * d + i]!);
      if (type === 'tied') out.fill(s);
      else out[b] = s;
    }
  } else if (type === 'diag') {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += Math.log(factor[c * d + i]!);
      out[c] = s;
    }
  } else {
    for (let c = 0; c < k; c++) out[c] = d * Math.log(factor[c]!);
  }
  return out;
}

/** Uploads host parameters (float64 → float32 tensors; the caller disposes them). */
export function uploadState(p: HostParams): DeviceState {
  const { k, d, type } = p;
  return {
    logWeights: tf.tensor1d(Float32Array.from(p.weights, Math.log)),
    means: tf.tensor2d(Float32Array.from(p.means), [k, d]),
    factor: tf.tensor(Float32Array.from(p.factor), factorShape(type, k, d)),
    logDetFactor: tf.tensor1d(Float32Array.from(hostLogDetFactor(p))),
  };
}

export function disposeState(s: DeviceState): void {
  tf.dispose([s.logWeights, s.means, s.factor, s.logDetFactor]);
}
