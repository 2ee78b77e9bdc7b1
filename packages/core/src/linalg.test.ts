import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { GenError, InvalidArgumentError, NumericalError, ShapeMismatchError } from './errors.js';
import {
  cholesky,
  choleskySolve,
  logDet,
  logDetFromCholesky,
  type TriangularSolveOptions,
  triangularSolve,
} from './linalg.js';
import { expectClose, expectNoLeak, numericalGradient } from './testing/assertions.js';
import { describeBackends } from './testing/backends.js';

type Matrix = number[][];

interface MatrixCase {
  a: Matrix | Matrix[];
  cholesky: Matrix | Matrix[];
  logDet: number | number[];
  inverse: Matrix | Matrix[];
  /** 2-norm condition number (the largest over a batch). */
  cond: number;
  rhs?: Matrix | Matrix[];
  solve?: Matrix | Matrix[];
}

interface Fixtures {
  matrices: {
    small: MatrixCase;
    batch: MatrixCase;
    ill: MatrixCase;
    medium: MatrixCase & { choleskyWeights: Matrix; choleskyGradient: Matrix };
  };
  triangular: Record<string, Matrix | number>;
}

// numpy/scipy values for float32 inputs, written by fixtures/make_fixtures.py.
const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/numerics.json', import.meta.url), 'utf8'),
) as Fixtures;

/** Unit roundoff of float32; γₖ = ku / (1 − ku) is the classic bound for k roundings. */
const U = 2 ** -24;
const gamma = (k: number): number => (k * U) / (1 - k * U);

// Float64 helpers for the references and bounds.
const matmul = (a: Matrix, b: Matrix): Matrix =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));
const abs = (a: Matrix): Matrix => a.map((row) => row.map(Math.abs));
const scaled = (a: Matrix, s: number): Matrix => a.map((row) => row.map((v) => v * s));
const frobenius = (a: Matrix): number => Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0));
const maxAbs = (a: Matrix): number => Math.max(...a.flat().map(Math.abs));
const triangle = (a: Matrix, lower: boolean): Matrix =>
  a.map((row, i) => row.map((v, j) => ((lower ? j <= i : j >= i) ? v : 0)));

/** The n×n matrices of a [n, n] or [b, n, n] tensor or nested array. */
function matrices(value: tf.Tensor | Matrix | Matrix[]): Matrix[] {
  const nested = value instanceof tf.Tensor ? (value.arraySync() as Matrix | Matrix[]) : value;
  return (Array.isArray(nested[0]?.[0]) ? nested : [nested]) as Matrix[];
}

/** Asserts |actual − expected| ≤ bound entry by entry. */
function expectWithin(actual: Matrix, expected: Matrix, bound: Matrix, what: string): void {
  let worst = 0;
  let at = '';
  actual.forEach((row, i) => {
    row.forEach((v, j) => {
      const error = Math.abs(v - expected[i]![j]!);
      const ratio = error === 0 ? 0 : error / bound[i]![j]!;
      if (!(ratio <= worst)) {
        worst = ratio;
        at = `(${i}, ${j}): ${v} vs ${expected[i]![j]}`;
      }
    });
  });
  expect(worst, `${what}: |error| / bound = ${worst} at ${at}`).toBeLessThanOrEqual(1);
}

const cases = Object.entries(fixtures.matrices) as [string, MatrixCase][];
const medium = fixtures.matrices.medium;

describeBackends('cholesky', ({ tolerance }) => {
  // Backends less exact than float32 cpu/wasm (BackendInfo.tolerance 1e-5) get wider bounds.
  const scale = tolerance / 1e-5;

  for (const [name, c] of cases) {
    it(`factors the ${name} matrix: L Lᵀ = A within Cholesky's backward error`, () => {
      const ls = matrices(tf.tidy(() => cholesky(tf.tensor(c.a))));
      ls.forEach((l, k) => {
        // Higham, Accuracy and Stability of Numerical Algorithms, Thm 10.3:
        // L̂ L̂ᵀ = A + ΔA with |ΔA| ≤ γₙ₊₁ |L̂| |L̂ᵀ| entry by entry.
        const bound = scaled(matmul(abs(l), abs(transpose(l))), gamma(l.length + 1) * scale);
        expectWithin(matmul(l, transpose(l)), matrices(c.a)[k]!, bound, `${name}[${k}]`);
        l.forEach((row, i) => {
          row.forEach((v, j) => {
            if (j > i) expect(Math.abs(v)).toBe(0);
            if (j === i) expect(v).toBeGreaterThan(0);
          });
        });
      });
    });

    it(`matches numpy.linalg.cholesky for the ${name} matrix (κ = ${c.cond.toFixed(1)})`, () => {
      // Sun (1991), to first order: ‖ΔL‖_F ≤ κ ‖ΔA‖_F / ‖A‖₂ · ‖L‖₂ / √2, and Thm 10.3 gives
      // ‖ΔA‖_F ≤ n γₙ₊₁ ‖A‖₂; doubled for higher-order terms, with ‖L‖₂ = √‖A‖₂ ≤ √‖A‖_F.
      const n = matrices(c.a)[0]!.length;
      const norm = Math.max(...matrices(c.a).map(frobenius));
      const atol = Math.SQRT2 * c.cond * n * gamma(n + 1) * Math.sqrt(norm) * scale;
      tf.tidy(() => expectClose(cholesky(tf.tensor(c.a)), c.cholesky, { atol, rtol: 0 }));
    });
  }

  it('reads only the lower triangle of a', () => {
    tf.tidy(() => {
      const a = tf.tensor(medium.a);
      const strictlyUpper = tf.sub(tf.linalg.bandPart(tf.ones([5, 5]), 0, -1), tf.eye(5));
      const garbage = tf.add(a, tf.mul(strictlyUpper, 7));
      const upperOnly = tf.sub(garbage, tf.linalg.bandPart(garbage, -1, 0));
      expect(tf.sum(tf.abs(upperOnly)).dataSync()[0]).toBeGreaterThan(0);
      expectClose(cholesky(garbage), cholesky(a), { atol: 0, rtol: 0 });
    });
  });

  it('throws NumericalError naming cholesky and a for a matrix that is not positive definite', () => {
    tf.tidy(() => {
      const indefinite = tf.tensor2d([
        [1, 2],
        [2, 1],
      ]);
      const oneBad = tf.stack([tf.eye(2), indefinite]);
      const nan = tf.tensor2d([
        [Number.NaN, 0],
        [0, 1],
      ]);
      for (const a of [indefinite, oneBad, nan, tf.zeros([3, 3])]) {
        let error: unknown;
        try {
          cholesky(a);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(NumericalError);
        expect(error).toBeInstanceOf(GenError);
        expect((error as NumericalError).code).toBe('NUMERICAL_FAILURE');
        expect((error as Error).message).toMatch(
          /^cholesky: argument 'a' is not positive definite/,
        );
      }
      expect(() => logDet(indefinite)).toThrow(NumericalError);
      expect(() => cholesky(indefinite, { check: false })).not.toThrow();
    });
  });

  it('rejects input that is not a (batch of) square matrices with typed errors', () => {
    tf.tidy(() => {
      for (const shape of [[3], [2, 3], [2, 3, 4]]) {
        expect(() => cholesky(tf.zeros(shape))).toThrow(ShapeMismatchError);
        expect(() => cholesky(tf.zeros(shape))).toThrow(/cholesky: argument 'a'.*\[.*\]/);
      }
      const disposed = tf.eye(2);
      disposed.dispose();
      for (const a of [
        disposed,
        [
          [1, 0],
          [0, 1],
        ],
        4,
      ]) {
        expect(() => cholesky(a as tf.Tensor)).toThrow(InvalidArgumentError);
        expect(() => cholesky(a as tf.Tensor)).toThrow(/cholesky: argument 'a' must be a live/);
      }
    });
  });

  it('has the gradient of Murray (2016) with respect to the lower triangle of a', () => {
    tf.tidy(() => {
      const w = tf.tensor(medium.choleskyWeights);
      const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(w, cholesky(a))))(tf.tensor(medium.a));
      // Quantities computed through the factor are off by about κ n γ₃ₙ₊₁ relative to their
      // largest entry (as for A⁻¹ computed from L, Higham §14.2); doubled.
      const n = 5;
      const atol = 2 * medium.cond * n * gamma(3 * n + 1) * maxAbs(medium.choleskyGradient) * scale;
      expectClose(grad, medium.choleskyGradient, { atol, rtol: 0 });
    });
  });

  it('does not leak: plain, unchecked, under tf.grad, or when it throws', async () => {
    const a = tf.tensor(fixtures.matrices.batch.a);
    const indefinite = tf.tensor2d([
      [1, 2],
      [2, 1],
    ]);
    await expectNoLeak(() => cholesky(a));
    await expectNoLeak(() => cholesky(a, { check: false }));
    await expectNoLeak(() => tf.grad((m: tf.Tensor) => tf.sum(cholesky(m)))(a));
    await expectNoLeak(() => {
      expect(() => cholesky(indefinite)).toThrow(NumericalError);
    });
    tf.dispose([a, indefinite]);
  });
});

describeBackends('logDet and logDetFromCholesky', ({ tolerance }) => {
  const scale = tolerance / 1e-5;

  for (const [name, c] of cases) {
    it(`matches numpy.linalg.slogdet for the ${name} matrix (κ = ${c.cond.toFixed(1)})`, () => {
      // log det(A + ΔA) − log det A ≈ tr(A⁻¹ ΔA), at most κ √n ‖ΔA‖_F / ‖A‖₂ ≤ κ n^1.5 γₙ₊₁,
      // plus (n + 2)u Σ |2 log Lᵢᵢ| for the logs and the sum; doubled.
      const n = matrices(c.a)[0]!.length;
      const logs = matrices(c.cholesky).map((l) =>
        l.reduce((s, row, i) => s + Math.abs(2 * Math.log(row[i]!)), 0),
      );
      const atol = 2 * (c.cond * n ** 1.5 * gamma(n + 1) + (n + 2) * U * Math.max(...logs)) * scale;
      tf.tidy(() => expectClose(logDet(tf.tensor(c.a)), c.logDet, { atol, rtol: 0 }));
    });
  }

  it('is 2 Σ log diag(L) of the computed factor, batched', () => {
    tf.tidy(() => {
      const l = cholesky(tf.tensor(fixtures.matrices.batch.a));
      const expected = matrices(l).map((m) =>
        m.reduce((s, row, i) => s + 2 * Math.log(row[i]!), 0),
      );
      const atol = 8 * U * Math.max(...expected.map(Math.abs), 1) * scale;
      expectClose(logDetFromCholesky(l), expected, { atol, rtol: 0 });
      expectClose(logDet(tf.tensor(fixtures.matrices.batch.a)), logDetFromCholesky(l), {
        atol: 0,
        rtol: 0,
      });
    });
  });

  for (const name of ['medium', 'batch'] as const) {
    it(`has the gradient 2A⁻¹ − diag(A⁻¹) on the lower triangle, 0 above (${name})`, () => {
      const c = fixtures.matrices[name];
      // The factorisation reads only the lower triangle of A, so an entry below the diagonal
      // stands for both A_ij and A_ji of the symmetric matrix: twice A⁻¹_ij.
      const expected = matrices(c.inverse).map((inv) =>
        inv.map((row, i) => row.map((v, j) => (j < i ? 2 * v : j === i ? v : 0))),
      );
      const n = expected[0]!.length;
      const atol =
        2 * c.cond * n * gamma(3 * n + 1) * 2 * Math.max(...matrices(c.inverse).map(maxAbs));
      tf.tidy(() => {
        const grad = tf.grad((a: tf.Tensor) => tf.sum(logDet(a)))(tf.tensor(c.a));
        expectClose(grad, name === 'batch' ? expected : expected[0]!, {
          atol: atol * scale,
          rtol: 0,
        });
        // Symmetrised, (G + Gᵀ) / 2 is the familiar A⁻¹.
        const sym = tf.div(
          tf.add(grad, tf.transpose(grad, grad.rank === 3 ? [0, 2, 1] : [1, 0])),
          2,
        );
        expectClose(sym, c.inverse, { atol: atol * scale, rtol: 0 });
      });
    });
  }

  it('has a gradient that agrees with finite differences, including 0 above the diagonal', () => {
    // One entry below the diagonal moves A by E = eᵢeⱼᵀ + eⱼeᵢᵀ: the third derivative
    // 2 tr((A⁻¹E)³) is at most 4 ‖A⁻¹‖³ ≤ 4 ‖A⁻¹‖_F³; delta is the slogdet bound above.
    const inverse = medium.inverse as Matrix;
    const n = inverse.length;
    const h = 0.1;
    const m3 = 4 * frobenius(inverse) ** 3;
    const delta = 2 * (medium.cond * n ** 1.5 * gamma(n + 1) + (n + 2) * U * 10) * scale;
    tf.tidy(() => {
      const a = tf.tensor(medium.a);
      const analytic = tf.grad((m: tf.Tensor) => logDet(m))(a);
      const numerical = numericalGradient((m) => logDet(m) as tf.Scalar, a, h);
      expectClose(analytic, numerical, { atol: delta / h + (h * h * m3) / 6, rtol: 0 });
      const upper = tf.sub(numerical, tf.linalg.bandPart(numerical, -1, 0));
      expect(tf.max(tf.abs(upper)).dataSync()[0]).toBe(0);
    });
  });

  it('has second derivatives: d²/dt² log det(A + tE) = −tr(A⁻¹E A⁻¹E)', () => {
    const inverse = medium.inverse as Matrix;
    const e: Matrix = inverse.map((row, i) =>
      row.map((_, j) => Math.cos(i + 2 * j) + Math.cos(j + 2 * i)),
    );
    const ae = matmul(inverse, e);
    const expected = -ae.reduce(
      (s, row, i) => s + row.reduce((t, v, k) => t + v * ae[k]![i]!, 0),
      0,
    );
    // Two more levels of reverse mode through the factor: κ² in place of κ.
    const n = inverse.length;
    const atol = 2 * medium.cond ** 2 * n * gamma(3 * n + 1) * Math.abs(expected) * scale;
    tf.tidy(() => {
      const a = tf.tensor(medium.a);
      const f = (t: tf.Tensor) => logDet(tf.add(a, tf.mul(t, tf.tensor(e))));
      const second = tf.grad(tf.grad(f as (t: tf.Tensor) => tf.Scalar))(tf.scalar(0));
      expectClose(second, expected, { atol, rtol: 0 });
    });
  });

  it('rejects a non-square factor and a non-positive-definite matrix', () => {
    tf.tidy(() => {
      expect(() => logDetFromCholesky(tf.zeros([2, 3]))).toThrow(ShapeMismatchError);
      expect(() => logDetFromCholesky(tf.zeros([2, 3]))).toThrow(
        /logDetFromCholesky: argument 'l'/,
      );
      expect(() => logDet(tf.zeros([3]))).toThrow(/cholesky: argument 'a'/);
      expect(() => logDet(tf.neg(tf.eye(3)))).toThrow(NumericalError);
    });
  });

  it('does not leak, also under tf.grad', async () => {
    const a = tf.tensor(fixtures.matrices.batch.a);
    const l = cholesky(a);
    await expectNoLeak(() => logDet(a));
    await expectNoLeak(() => logDetFromCholesky(l));
    await expectNoLeak(() => tf.grad((m: tf.Tensor) => tf.sum(logDet(m)))(a));
    tf.dispose([a, l]);
  });
});

const tri = fixtures.triangular;
const t = tri.t as Matrix;
const b = tri.b as Matrix;
const weights = tri.weights as Matrix;
const variants: { key: string; options: TriangularSolveOptions }[] = [
  { key: 'lower', options: {} },
  { key: 'lowerT', options: { transpose: true } },
  { key: 'upper', options: { lower: false } },
  { key: 'upperT', options: { lower: false, transpose: true } },
];

describeBackends('triangularSolve', ({ tolerance }) => {
  const scale = tolerance / 1e-5;
  const n = t.length;

  for (const { key, options } of variants) {
    // The matrix M of the system M X = B actually solved.
    const part = triangle(t, options.lower ?? true);
    const m = options.transpose ? transpose(part) : part;
    const cond = tri[`${key}Cond`] as number;

    it(`solves the ${key} system like scipy.linalg.solve_triangular, reading only its triangle`, () => {
      const x = matrices(tf.tidy(() => triangularSolve(tf.tensor(t), tf.tensor(b), options)))[0]!;
      // Higham Thm 8.5: (M + ΔM) X̂ = B with |ΔM| ≤ γₙ|M|, so the residual is at most γₙ|M||X̂|
      // and the error at most about γₙ |M⁻¹||M||X| (Skeel; doubled for higher-order terms).
      const residualBound = scaled(matmul(abs(m), abs(x)), gamma(n) * scale);
      expectWithin(matmul(m, x), b, residualBound, 'residual');
      const skeel = scaled(tri[`${key}Skeel`] as Matrix, 2 * gamma(n) * scale);
      expectWithin(x, tri[key] as Matrix, skeel, 'solution');
    });

    it(`differentiates the ${key} solve: B̄ = M⁻ᵀW, M̄ = −B̄Xᵀ on the triangle`, () => {
      const gradB = tri[`${key}GradB`] as Matrix;
      // Both come out of a substitution with M or Mᵀ: relative error about 2γₙ‖|M⁻¹||M|‖∞,
      // doubled; M̄ sums n such products.
      const rel = 4 * gamma(n) * cond * scale;
      const xRef = tri[key] as Matrix;
      const productScale = maxAbs(matmul(abs(gradB), abs(transpose(xRef))));
      tf.tidy(() => {
        const [dt, db] = tf.grads((tt: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(tf.mul(tf.tensor(weights), triangularSolve(tt, bb, options))),
        )([tf.tensor(t), tf.tensor(b)]);
        expectClose(db!, gradB, { atol: rel * maxAbs(gradB), rtol: 0 });
        expectClose(dt!, tri[`${key}GradT`] as Matrix, { atol: 2 * rel * productScale, rtol: 0 });
      });
    });
  }

  it('rejects mismatched shapes and non-tensors with errors naming the argument', () => {
    tf.tidy(() => {
      const l = tf.eye(3);
      const batch = tf.stack([l, l]);
      const bad: [tf.Tensor, tf.Tensor, RegExp][] = [
        [l, tf.zeros([3]), /argument 'b' must have shape \[\.\.\., 3, m\]/],
        [l, tf.zeros([4, 1]), /argument 'b'/],
        [batch, tf.zeros([3, 3, 1]), /argument 'b'.*got \[3, 3, 1\]/],
        [tf.zeros([3, 2]), tf.zeros([3, 1]), /argument 't' must be a \(batch of\) square/],
      ];
      for (const [tt, bb, message] of bad) {
        expect(() => triangularSolve(tt, bb)).toThrow(ShapeMismatchError);
        expect(() => triangularSolve(tt, bb)).toThrow(message);
      }
      expect(() => triangularSolve(l, [[1], [2], [3]] as unknown as tf.Tensor)).toThrow(
        InvalidArgumentError,
      );
    });
  });

  it('does not leak, also under tf.grads', async () => {
    const tt = tf.tensor(t);
    const bb = tf.tensor(b);
    for (const { options } of variants) {
      await expectNoLeak(() => triangularSolve(tt, bb, options));
      await expectNoLeak(() =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(triangularSolve(x, y, options)))([tt, bb]),
      );
    }
    tf.dispose([tt, bb]);
  });
});

describeBackends('choleskySolve', ({ tolerance }) => {
  const scale = tolerance / 1e-5;

  for (const name of ['medium', 'batch'] as const) {
    const c = fixtures.matrices[name];
    it(`solves A X = B like numpy.linalg.solve (${name})`, () => {
      const ls = matrices(tf.tidy(() => cholesky(tf.tensor(c.a))));
      const xs = matrices(
        tf.tidy(() => choleskySolve(tf.tensor(ls.length > 1 ? ls : ls[0]!), tf.tensor(c.rhs!))),
      );
      const n = ls[0]!.length;
      xs.forEach((x, k) => {
        const l = ls[k]!;
        // Higham Thm 10.4: (A + ΔA) X̂ = B with |ΔA| ≤ γ₃ₙ₊₁ |L̂||L̂ᵀ|.
        const residualBound = scaled(
          matmul(matmul(abs(l), abs(transpose(l))), abs(x)),
          gamma(3 * n + 1) * scale,
        );
        expectWithin(matmul(matrices(c.a)[k]!, x), matrices(c.rhs!)[k]!, residualBound, 'residual');
        // Hence ‖X̂ − X‖ ≤ κ n γ₃ₙ₊₁ ‖X‖ to first order; doubled.
        const reference = matrices(c.solve!)[k]!;
        const atol = 2 * c.cond * n * gamma(3 * n + 1) * frobenius(reference) * scale;
        expectClose(x, reference, { atol, rtol: 0 });
      });
    });
  }

  it('has the gradient A⁻¹W with respect to B', () => {
    const inverse = medium.inverse as Matrix;
    const w: Matrix = (medium.rhs as Matrix).map((row, i) =>
      row.map((_, j) => Math.sin(1 + i + 3 * j)),
    );
    const expected = matmul(inverse, w);
    const n = inverse.length;
    const atol = 2 * medium.cond * n * gamma(3 * n + 1) * frobenius(expected) * scale;
    tf.tidy(() => {
      const l = cholesky(tf.tensor(medium.a));
      const grad = tf.grad((bb: tf.Tensor) => tf.sum(tf.mul(tf.tensor(w), choleskySolve(l, bb))))(
        tf.tensor(medium.rhs!),
      );
      expectClose(grad, expected, { atol, rtol: 0 });
    });
  });

  it('names itself and the argument in shape errors', () => {
    tf.tidy(() => {
      expect(() => choleskySolve(tf.eye(3), tf.zeros([4, 1]))).toThrow(
        /^choleskySolve: argument 'b'/,
      );
      expect(() => choleskySolve(tf.zeros([3, 2]), tf.zeros([3, 1]))).toThrow(
        /^choleskySolve: argument 'l'/,
      );
      expect(() => choleskySolve(tf.eye(3), tf.zeros([4, 1]))).toThrow(ShapeMismatchError);
    });
  });

  it('does not leak, also under tf.grads', async () => {
    const a = tf.tensor(medium.a);
    const l = cholesky(a);
    const rhs = tf.tensor(medium.rhs!);
    await expectNoLeak(() => choleskySolve(l, rhs));
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(choleskySolve(x, y)))([l, rhs]),
    );
    tf.dispose([a, l, rhs]);
  });
});
