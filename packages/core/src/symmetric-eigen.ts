import { NumericalError } from './errors.js';

/*
 * Float64 eigendecomposition of a real symmetric matrix on the host: Householder reduction to
 * tridiagonal form, then the implicit QL algorithm (the EISPACK tred2/tql2 pair as JAMA writes
 * it). O(d³), backward stable, fine up to d ≈ 1000 in a second or a few. The orthogonal factor is
 * kept transposed (row j is eigenvector j), so every inner loop walks a row. Shared by
 * @gen/divergences (Fréchet distance) and @gen/mixture (PCA).
 */

/** Eigenvalues (unsorted) and, when asked for, `vectors[j]` the unit eigenvector of `values[j]`. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array[] | undefined;
}

/**
 * Eigenvalues (and optionally eigenvectors) of the symmetric `d`×`d` matrix `a`, row-major, in
 * float64 on the host; only the lower triangle is read. The eigenvalues come unsorted. Throws
 * {@link NumericalError} naming `fn` (the public caller) if QL does not converge.
 *
 * ```ts
 * const { values, vectors } = symmetricEigen('myFn', [2, 1, 1, 2], 2, true);
 * // values {1, 3} (in some order); vectors[j] is the unit eigenvector of values[j]
 * ```
 */
export function symmetricEigen(
  fn: string,
  a: ArrayLike<number>,
  d: number,
  withVectors: boolean,
): SymmetricEigen {
  // t is Vᵀ of JAMA's V; it starts as the (symmetrised from the lower triangle) input.
  const t = Array.from({ length: d }, (_, i) => {
    const row = new Float64Array(d);
    for (let j = 0; j < d; j++) row[j] = i >= j ? a[i * d + j]! : a[j * d + i]!;
    return row;
  });
  const values = new Float64Array(d);
  const off = new Float64Array(d);
  tridiagonalise(t, values, off, withVectors);
  diagonalise(fn, t, values, off, withVectors);
  return { values, vectors: withVectors ? t : undefined };
}

function tridiagonalise(t: Float64Array[], e: Float64Array, f: Float64Array, vectors: boolean) {
  const n = t.length;
  const row = (k: number) => t[k]!;
  for (let j = 0; j < n; j++) e[j] = row(j)[n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(e[k]!);
    if (scale === 0) {
      f[i] = e[i - 1]!;
      for (let j = 0; j < i; j++) {
        e[j] = row(j)[i - 1]!;
        row(j)[i] = 0;
        row(i)[j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        e[k] = e[k]! / scale;
        h += e[k]! * e[k]!;
      }
      let g = e[i - 1]! > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      const head = e[i - 1]!;
      f[i] = scale * g;
      h -= head * g;
      e[i - 1] = head - g;
      f.fill(0, 0, i);
      for (let j = 0; j < i; j++) {
        const ej = e[j]!;
        const tj = row(j);
        row(i)[j] = ej;
        g = f[j]! + tj[j]! * ej;
        for (let k = j + 1; k < i; k++) {
          g += tj[k]! * e[k]!;
          f[k] = f[k]! + tj[k]! * ej;
        }
        f[j] = g;
      }
      let s = 0;
      for (let j = 0; j < i; j++) {
        f[j] = f[j]! / h;
        s += f[j]! * e[j]!;
      }
      const hh = s / (h + h);
      for (let j = 0; j < i; j++) f[j] = f[j]! - hh * e[j]!;
      for (let j = 0; j < i; j++) {
        const ej = e[j]!;
        const fj = f[j]!;
        const tj = row(j);
        for (let k = j; k < i; k++) tj[k] = tj[k]! - (ej * f[k]! + fj * e[k]!);
        e[j] = tj[i - 1]!;
        tj[i] = 0;
      }
    }
    e[i] = h;
  }
  f[0] = 0;
  // The diagonal of the tridiagonal matrix stays on t's diagonal unless the accumulation moves it.
  if (!vectors) {
    for (let j = 0; j < n; j++) e[j] = row(j)[j]!;
    return;
  }
  accumulate(t, e);
  for (let j = 0; j < n; j++) {
    e[j] = row(j)[n - 1]!;
    row(j)[n - 1] = 0;
  }
  row(n - 1)[n - 1] = 1;
}

/** Turns the stored Householder vectors into the orthogonal factor (tred2's second half). */
function accumulate(t: Float64Array[], e: Float64Array): void {
  const n = t.length;
  for (let i = 0; i < n - 1; i++) {
    const ti = t[i]!;
    const next = t[i + 1]!;
    ti[n - 1] = ti[i]!;
    ti[i] = 1;
    const h = e[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) e[k] = next[k]! / h;
      for (let j = 0; j <= i; j++) {
        const tj = t[j]!;
        let g = 0;
        for (let k = 0; k <= i; k++) g += next[k]! * tj[k]!;
        for (let k = 0; k <= i; k++) tj[k] = tj[k]! - g * e[k]!;
      }
    }
    next.fill(0, 0, i + 1);
  }
}

function diagonalise(
  fn: string,
  t: Float64Array[],
  d: Float64Array,
  e: Float64Array,
  vectors: boolean,
): void {
  const n = t.length;
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let shift = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    for (let iteration = 0; m > l && Math.abs(e[l]!) > eps * tst1; iteration++) {
      if (iteration === 60) {
        throw new NumericalError(`${fn}: the symmetric eigensolver did not converge`);
      }
      let g = d[l]!;
      let p = (d[l + 1]! - g) / (2 * e[l]!);
      let r = Math.hypot(p, 1) * (p < 0 ? -1 : 1);
      d[l] = e[l]! / (p + r);
      d[l + 1] = e[l]! * (p + r);
      const dl1 = d[l + 1]!;
      let h = g - d[l]!;
      for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
      shift += h;
      p = d[m]!;
      let c = 1;
      let c2 = 1;
      let c3 = 1;
      const el1 = e[l + 1]!;
      let s = 0;
      let s2 = 0;
      for (let i = m - 1; i >= l; i--) {
        c3 = c2;
        c2 = c;
        s2 = s;
        g = c * e[i]!;
        h = c * p;
        r = Math.hypot(p, e[i]!);
        e[i + 1] = s * r;
        s = e[i]! / r;
        c = p / r;
        p = c * d[i]! - s * g;
        d[i + 1] = h + s * (c * g + s * d[i]!);
        if (vectors) rotate(t[i]!, t[i + 1]!, c, s);
      }
      p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
      e[l] = s * p;
      d[l] = c * p;
    }
    d[l] = d[l]! + shift;
    e[l] = 0;
  }
}

function rotate(a: Float64Array, b: Float64Array, c: number, s: number): void {
  for (let k = 0; k < a.length; k++) {
    const h = b[k]!;
    b[k] = s * a[k]! + c * h;
    a[k] = c * a[k]! - s * h;
  }
}
