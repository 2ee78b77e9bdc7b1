import { symmetricEigen } from '@gen/core';
import { inverseSpd, multiply } from './host-linalg.js';
import type { LowRankGaussian } from './low-rank-gaussian.js';
import { descendingEigen, type SampleMoments, trace } from './sample-moments.js';

/*
 * Probabilistic PCA (Tipping & Bishop 1999) in float64 on the host, from the maximum-likelihood
 * covariance S = Σₙ (xₙ − x̄)(xₙ − x̄)ᵀ / N: x = Wz + μ + ε with z ~ N(0, I_k), ε ~ N(0, σ²I_D),
 * so x ~ N(μ, C) with C = WWᵀ + σ²I. W is D×k, row-major.
 */

/** S (denominator N) and tr S. */
export interface Covariance {
  d: number;
  s: Float64Array;
  traceS: number;
}

export function covarianceOf(m: SampleMoments): Covariance {
  const s = m.scatter.map((v) => v / m.n);
  return { d: m.d, s, traceS: trace(s, m.d) };
}

/** tr(A B) of k×k matrices. */
function traceOfProduct(a: Float64Array, b: Float64Array, k: number): number {
  let t = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) t += a[i * k + j]! * b[j * k + i]!;
  return t;
}

/** M = WᵀW + σ²I, k×k. */
function mMatrix(w: Float64Array, d: number, k: number, noiseVariance: number): Float64Array {
  const m = multiply(w, w, k, d, k, true);
  for (let i = 0; i < k; i++) m[i * k + i] = m[i * k + i]! + noiseVariance;
  return m;
}

/**
 * The maximum-likelihood W and σ² (Tipping & Bishop eqs. 7–8): σ² the mean of the D − k smallest
 * eigenvalues of S, W = U_k (Λ_k − σ²I)^{1/2} with the rotation R = I. Each column's entry of
 * largest magnitude is made positive, so the result is deterministic.
 */
export function closedForm(
  fn: string,
  cov: Covariance,
  k: number,
): { loadings: Float64Array; noiseVariance: number } {
  const { d } = cov;
  const { values, vectors } = descendingEigen(fn, cov.s, d);
  let rest = 0;
  for (let i = k; i < d; i++) rest += values[i]!;
  const noiseVariance = rest / (d - k);
  const loadings = new Float64Array(d * k);
  for (let j = 0; j < k; j++) {
    const u = vectors[j]!;
    let largest = 0;
    for (let i = 0; i < d; i++) if (Math.abs(u[i]!) > Math.abs(u[largest]!)) largest = i;
    const scale = Math.sqrt(Math.max(values[j]! - noiseVariance, 0)) * Math.sign(u[largest]! || 1);
    for (let i = 0; i < d; i++) loadings[i * k + j] = u[i]! * scale;
  }
  return { loadings, noiseVariance };
}

/**
 * The mean log-likelihood per row, −½ (D log 2π + log |C| + tr(C⁻¹S)), with (Woodbury and the
 * matrix determinant lemma) log |C| = (D − k) log σ² + log |M| and
 * tr(C⁻¹S) = (tr S − tr(M⁻¹WᵀSW)) / σ², M = WᵀW + σ²I; and the products EM reuses.
 */
function likelihood(cov: Covariance, w: Float64Array, k: number, noiseVariance: number) {
  const { d } = cov;
  const sw = multiply(cov.s, w, d, d, k);
  const wtsw = multiply(w, sw, k, d, k, true);
  const m = mMatrix(w, d, k, noiseVariance);
  const { inverse: mInverse, logDet } = inverseSpd(m, k);
  const logDetC = (d - k) * Math.log(noiseVariance) + logDet;
  const traceTerm = (cov.traceS - traceOfProduct(mInverse, wtsw, k)) / noiseVariance;
  const logLikelihood = -0.5 * (d * Math.log(2 * Math.PI) + logDetC + traceTerm);
  return { sw, wtsw, m, mInverse, logLikelihood };
}

export function logLikelihood(
  cov: Covariance,
  w: Float64Array,
  k: number,
  noiseVariance: number,
): number {
  return likelihood(cov, w, k, noiseVariance).logLikelihood;
}

/**
 * One EM iteration in its covariance form (Tipping & Bishop eqs. 29–30), O(D²k):
 *   W' = SW (σ²I + M⁻¹WᵀSW)⁻¹ = SW (σ²M + WᵀSW)⁻¹ M   (σ²M + WᵀSW is symmetric positive definite)
 *   σ'² = tr(S − SWM⁻¹W'ᵀ) / D
 * the E-step's expectations E[zₙ] = M⁻¹Wᵀ(xₙ − x̄), E[zₙzₙᵀ] = σ²M⁻¹ + E[zₙ]E[zₙ]ᵀ summed into S.
 * Returns the new parameters and the log-likelihood of the old ones.
 */
export function emStep(
  cov: Covariance,
  w: Float64Array,
  k: number,
  noiseVariance: number,
): { loadings: Float64Array; noiseVariance: number; logLikelihood: number } {
  const { d } = cov;
  const { sw, wtsw, m, mInverse, logLikelihood } = likelihood(cov, w, k, noiseVariance);
  const p = m.map((v, i) => noiseVariance * v + wtsw[i]!);
  const right = multiply(inverseSpd(p, k).inverse, m, k, k, k);
  const loadings = multiply(sw, right, d, k, k);
  const explained = traceOfProduct(mInverse, multiply(loadings, sw, k, d, k, true), k);
  return { loadings, noiseVariance: (cov.traceS - explained) / d, logLikelihood };
}

/**
 * N(μ, WWᵀ + σ²I) in the spectral form of low-rank-gaussian.ts: with WᵀW = R diag(s²) Rᵀ the
 * axes are W rᵢ / sᵢ with variances sᵢ² + σ². Directions with sᵢ² ≤ 1e-12·max s² (W rank
 * deficient, e.g. an eigenvalue equal to σ²) carry σ² alone and are left to the noise.
 */
export function gaussianOf(
  fn: string,
  mean: Float64Array,
  w: Float64Array,
  k: number,
  noiseVariance: number,
): LowRankGaussian {
  const d = mean.length;
  const { values, vectors } = symmetricEigen(fn, multiply(w, w, k, d, k, true), k, true);
  const largest = Math.max(...values);
  const axes: Float64Array[] = [];
  const variances: number[] = [];
  values.forEach((s2, j) => {
    if (!(s2 > 1e-12 * largest)) return;
    const r = vectors![j]!;
    const s = Math.sqrt(s2);
    axes.push(
      Float64Array.from({ length: d }, (_, i) => {
        let v = 0;
        for (let c = 0; c < k; c++) v += w[i * k + c]! * r[c]!;
        return v / s;
      }),
    );
    variances.push(s2 + noiseVariance);
  });
  return { mean, axes, variances: Float64Array.from(variances), noiseVariance };
}

/** B = W M⁻¹ (D×k): the posterior mean of z given x is (x − μ) B as a row. */
export function posteriorMap(w: Float64Array, d: number, k: number, noiseVariance: number) {
  return multiply(w, inverseSpd(mMatrix(w, d, k, noiseVariance), k).inverse, d, k, k);
}
