import { describe, expect, it } from 'vitest';
import {
  choleskyFloored,
  covarianceFromPrecisionFactor,
  inverseSpd,
  invertLower,
  multiply,
  precisionFactorFromCovariance,
  precisionFactorFromPrecision,
  transpose,
} from './host-linalg.js';

const d = 3;
// A symmetric positive-definite matrix and its Cholesky factor, by hand: A = L Lᵀ.
const L = [2, 0, 0, 1, 3, 0, -1, 0.5, 1.5];
const A = [4, 2, -2, 2, 10, 0.5, -2, 0.5, 3.5];

function matmul(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k]! * b[k * d + j]!;
      out.push(s);
    }
  }
  return out;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void {
  Array.from(a).forEach((v, i) => {
    expect(Math.abs(v - b[i]!)).toBeLessThan(tol);
  });
}

describe('host float64 linear algebra', () => {
  it('factorises A = L Lᵀ and inverts L', () => {
    const { l, floored, minPivot } = choleskyFloored(A, d, 1e-9);
    close(l, L);
    expect(floored).toBe(0);
    expect(minPivot).toBeCloseTo(2.25, 12);
    close(matmul(invertLower(l, d), l), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('floors pivots of an indefinite or NaN matrix instead of returning NaN', () => {
    const singular = [1, 1, 0, 1, 1, 0, 0, 0, 1];
    const { l, floored, minPivot } = choleskyFloored(singular, d, 1e-6);
    expect(floored).toBe(1);
    expect(minPivot).toBe(0);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(l[4]).toBeCloseTo(1e-3, 12);
    expect(choleskyFloored([Number.NaN, 0, 0, 0, 1, 0, 0, 0, 1], d, 1e-6).floored).toBe(1);
  });

  it('gives the upper precision factor F = L⁻ᵀ (F Fᵀ = A⁻¹) from a covariance', () => {
    const { factor } = precisionFactorFromCovariance(A, d, 1e-9);
    expect(factor[3]).toBe(0); // below the diagonal
    close(matmul(matmul(A, factor), transpose(factor, d)), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    close(covarianceFromPrecisionFactor(factor, d), A, 1e-12);
  });

  it('gives an upper F with F Fᵀ = Λ from a precision (reversed Cholesky)', () => {
    const { factor, floored } = precisionFactorFromPrecision(A, d);
    expect(floored).toBe(0);
    expect([factor[3], factor[6], factor[7]]).toEqual([0, 0, 0]);
    close(matmul(factor, transpose(factor, d)), A);
  });

  it('inverts a positive-definite matrix with its log-determinant', () => {
    const { inverse, logDet } = inverseSpd(A, d);
    close(matmul(A, inverse), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // |A| = |L|² = (2 · 3 · 1.5)².
    expect(logDet).toBeCloseTo(2 * Math.log(9), 12);
  });

  it('multiplies rectangular matrices, optionally transposing the left one', () => {
    // [2×3] · [3×1] and its transpose form: Aᵀ B with A stored 3×2.
    expect([...multiply([1, 2, 3, 4, 5, 6], [1, 0, -1], 2, 3, 1)]).toEqual([-2, -2]);
    expect([...multiply([1, 4, 2, 5, 3, 6], [1, 0, -1], 2, 3, 1, true)]).toEqual([-2, -2]);
    close(multiply(L, transpose(L, d), d, d, d), A);
  });
});
