/*
 * Float64 linear algebra on the host for the K small D×D matrices of a mixture. EM factorises
 * its covariances here rather than on the device: the cost is K·D³/3 flops (nothing next to the
 * O(N·K·D²) moments), float64 keeps the factors as accurate as scikit-learn's, and a pivot that
 * float32 rounding pushed below zero can be floored instead of turning into NaN.
 * Matrices are row-major Float64Arrays of length d·d.
 */

/** The lower Cholesky factor L of A = L Lᵀ with every pivot floored at `floor` (> 0). */
export function choleskyFloored(
  a: ArrayLike<number>,
  d: number,
  floor: number,
): { l: Float64Array; floored: number; minPivot: number } {
  const l = new Float64Array(d * d);
  let floored = 0;
  let minPivot = Number.POSITIVE_INFINITY;
  for (let j = 0; j < d; j++) {
    let pivot = a[j * d + j]!;
    for (let k = 0; k < j; k++) pivot -= l[j * d + k]! * l[j * d + k]!;
    minPivot = Math.min(minPivot, pivot);
    // `!(pivot >= floor)` also catches NaN.
    if (!(pivot >= floor)) {
      pivot = floor;
      floored++;
    }
    const djj = Math.sqrt(pivot);
    l[j * d + j] = djj;
    for (let i = j + 1; i < d; i++) {
      let s = (a[i * d + j]! + a[j * d + i]!) / 2;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = s / djj;
    }
  }
  return { l, floored, minPivot };
}

/** The inverse of a lower-triangular matrix (lower triangular again), by forward substitution. */
export function invertLower(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let col = 0; col < d; col++) {
    for (let i = col; i < d; i++) {
      let s = i === col ? 1 : 0;
      for (let k = col; k < i; k++) s -= l[i * d + k]! * inv[k * d + col]!;
      inv[i * d + col] = s / l[i * d + i]!;
    }
  }
  return inv;
}

/** Mᵀ of a row-major d×d matrix. */
export function transpose(m: ArrayLike<number>, d: number): Float64Array {
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = m[i * d + j]!;
  return t;
}

/** M Mᵀ. */
function timesOwnTranspose(m: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += m[i * d + k]! * m[j * d + k]!;
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return out;
}

/**
 * The upper-triangular precision factor F = L⁻ᵀ of a covariance Σ = L Lᵀ, so that the precision
 * is Σ⁻¹ = F Fᵀ and the Mahalanobis term is ‖(x − μ) F‖² (scikit-learn's `precisions_cholesky_`).
 * Pivots below `floor` are raised to it and counted in `floored`; `minPivot` is the smallest
 * pivot before flooring, which is at least the smallest eigenvalue of Σ (a collapse detector).
 */
export function precisionFactorFromCovariance(
  covariance: ArrayLike<number>,
  d: number,
  floor: number,
): { factor: Float64Array; floored: number; minPivot: number } {
  const { l, floored, minPivot } = choleskyFloored(covariance, d, floor);
  return { factor: transpose(invertLower(l, d), d), floored, minPivot };
}

/**
 * An upper-triangular F with F Fᵀ = Λ for a positive-definite precision Λ: the Cholesky factor
 * of Λ with its rows and columns reversed (J chol(JΛJ) J, J the reversal), which is upper.
 */
export function precisionFactorFromPrecision(
  precision: ArrayLike<number>,
  d: number,
): { factor: Float64Array; floored: number } {
  const reversed = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) reversed[i * d + j] = precision[(d - 1 - i) * d + (d - 1 - j)]!;
  }
  const { l, floored } = choleskyFloored(reversed, d, Number.MIN_VALUE);
  const factor = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) factor[i * d + j] = l[(d - 1 - i) * d + (d - 1 - j)]!;
  }
  return { factor, floored };
}

/** Σ = (F Fᵀ)⁻¹ = M Mᵀ with M = (Fᵀ)⁻¹ (lower), for an upper-triangular factor F. */
export function covarianceFromPrecisionFactor(factor: Float64Array, d: number): Float64Array {
  return timesOwnTranspose(invertLower(transpose(factor, d), d), d);
}

/**
 * A⁻¹ and log |A| of a symmetric positive-definite d×d matrix, through A = L Lᵀ:
 * A⁻¹ = L⁻ᵀ L⁻¹ and log |A| = 2 Σ log Lᵢᵢ (pivots floored at the smallest positive double).
 */
export function inverseSpd(
  a: ArrayLike<number>,
  d: number,
): { inverse: Float64Array; logDet: number } {
  const { l } = choleskyFloored(a, d, Number.MIN_VALUE);
  const li = invertLower(l, d);
  const inverse = new Float64Array(d * d);
  let logDet = 0;
  for (let i = 0; i < d; i++) {
    logDet += 2 * Math.log(l[i * d + i]!);
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < d; k++) s += li[k * d + i]! * li[k * d + j]!;
      inverse[i * d + j] = s;
      inverse[j * d + i] = s;
    }
  }
  return { inverse, logDet };
}

/**
 * The m×p product A B of row-major matrices, with A m×n and B n×p; with `transposeA`, A is
 * stored n×m and the product is Aᵀ B.
 */
export function multiply(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  p: number,
  transposeA = false,
): Float64Array {
  const out = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < n; r++) {
      const air = transposeA ? a[r * m + i]! : a[i * n + r]!;
      if (air === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j] = out[i * p + j]! + air * b[r * p + j]!;
    }
  }
  return out;
}
