import { precisionFactorFromCovariance } from './host-linalg.js';
import type { CovarianceType } from './options.js';

/**
 * Mixture parameters on the host, in float64 (EM's working copy between device passes).
 * Layouts (row-major): weights [K]; means [K, D]; covariances and factor per type — full
 * [K, D, D], tied [D, D], diag [K, D], spherical [K]. `factor` is the precision factor F with
 * Σ⁻¹ = F Fᵀ: upper triangular for full/tied, 1/σ for diag/spherical.
 */
export interface HostParams {
  readonly k: number;
  readonly d: number;
  readonly type: CovarianceType;
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly covariances: Float64Array;
  readonly factor: Float64Array;
  /** Smallest Cholesky pivot (full/tied) or variance (diag/spherical) per component [K]. */
  readonly minVariance: Float64Array;
  /** Pivots that had to be floored to keep the factorisation finite. */
  readonly floored: number;
}

/** Number of covariance values per component block: D², D or 1 (tied: one D² block). */
export function blockSize(type: CovarianceType, d: number): number {
  return type === 'full' || type === 'tied' ? d * d : type === 'diag' ? d : 1;
}

/** Number of covariance blocks: 1 for tied, else K. */
export function blockCount(type: CovarianceType, k: number): number {
  return type === 'tied' ? 1 : k;
}

/**
 * Completes parameters from weights, means and covariances: the precision factors (float64
 * Cholesky with pivots floored at `floor`, so a covariance that float32 rounding left slightly
 * indefinite still factorises) and the per-component smallest variance.
 */
export function withFactors(
  type: CovarianceType,
  k: number,
  d: number,
  weights: Float64Array,
  means: Float64Array,
  covariances: Float64Array,
  floor: number,
): HostParams {
  const factor = new Float64Array(covariances.length);
  const minVariance = new Float64Array(k);
  let floored = 0;
  if (type === 'full' || type === 'tied') {
    const blocks = blockCount(type, k);
    for (let b = 0; b < blocks; b++) {
      const block = covariances.subarray(b * d * d, (b + 1) * d * d);
      const f = precisionFactorFromCovariance(block, d, floor);
      factor.set(f.factor, b * d * d);
      floored += f.floored;
      if (type === 'tied') minVariance.fill(f.minPivot);
      else minVariance[b] = f.minPivot;
    }
  } else {
    for (let i = 0; i < covariances.length; i++) {
      const v = covariances[i]!;
      // Not Math.max: a NaN variance must be floored too.
      const ok = v >= floor;
      if (!ok) floored++;
      const safe = ok ? v : floor;
      covariances[i] = safe;
      factor[i] = 1 / Math.sqrt(safe);
    }
    const per = blockSize(type, d);
    for (let c = 0; c < k; c++) {
      minVariance[c] = Math.min(...covariances.subarray(c * per, (c + 1) * per));
    }
  }
  return { k, d, type, weights, means, covariances, factor, minVariance, floored };
}

/** The pivot floor for a given `regCovar`: half of it (pivots of Σ + rI are ≥ r in exact arithmetic). */
export function pivotFloor(regCovar: number): number {
  return regCovar > 0 ? regCovar / 2 : 1e-30;
}

/**
 * Free parameters of a K-component mixture in D dimensions, as scikit-learn counts them for BIC
 * and AIC: K − 1 weights, K·D means, and K·D(D+1)/2 (full), D(D+1)/2 (tied), K·D (diag) or K
 * (spherical) covariance parameters.
 */
export function parameterCount(type: CovarianceType, k: number, d: number): number {
  const covariance =
    type === 'full'
      ? (k * d * (d + 1)) / 2
      : type === 'tied'
        ? (d * (d + 1)) / 2
        : type === 'diag'
          ? k * d
          : k;
  return covariance + k * d + k - 1;
}
