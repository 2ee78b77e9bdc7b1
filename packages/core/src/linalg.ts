import * as tf from '@tensorflow/tfjs-core';
import { NumericalError, ShapeMismatchError } from './errors.js';
import { assertTensor } from './validate.js';

/*
 * Small-matrix linear algebra that tfjs lacks, written as unrolled tensor programs so that
 * autodiff (of any order) and batching over leading axes come for free. Cost is O(n) kernel
 * launches per call, which is right for the covariance matrices of Gaussians (n ≲ 64), not for
 * large solves.
 */

function assertSquare(fn: string, arg: string, a: tf.Tensor): number {
  assertTensor(fn, arg, a);
  const n = a.shape[a.rank - 1];
  if (a.rank < 2 || n !== a.shape[a.rank - 2] || n === undefined || n === 0) {
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must be a (batch of) square matrices [..., n, n] with n >= 1, got shape [${a.shape.join(', ')}]`,
    );
  }
  return n;
}

/** Checks that `b` is [..., n, m] with the leading (batch) axes of the [..., n, n] matrix `t`. */
function assertRightHandSide(
  fn: string,
  t: tf.Tensor,
  tArg: string,
  b: tf.Tensor,
  n: number,
): void {
  assertTensor(fn, 'b', b);
  const batchMatches = t.shape.slice(0, -2).every((d, i) => b.shape[i] === d);
  if (b.rank !== t.rank || b.shape[b.rank - 2] !== n || !batchMatches) {
    throw new ShapeMismatchError(
      `${fn}: argument 'b' must have shape [..., ${n}, m] matching '${tArg}' [${t.shape.join(', ')}], got [${b.shape.join(', ')}]`,
    );
  }
}

/**
 * tf.stack that leaves a single tensor to expandDims: the gradient of a one-tensor stack is a
 * one-output Unpack, whose own gradient (taken by second derivatives) passes its lone dy to
 * tf.stack as a bare tensor and throws.
 */
function stack(tensors: tf.Tensor[], axis: number): tf.Tensor {
  return tensors.length === 1 ? tf.expandDims(tensors[0]!, axis) : tf.stack(tensors, axis);
}

/** Column `j` of a batched matrix as [..., n]. */
function column(a: tf.Tensor, j: number): tf.Tensor {
  const begin = a.shape.map(() => 0);
  const size = a.shape.map(() => -1);
  begin[a.rank - 1] = j;
  size[a.rank - 1] = 1;
  return tf.squeeze(tf.slice(a, begin, size), [a.rank - 1]);
}

/** Row `i` of a batched matrix as [..., m]. */
function row(a: tf.Tensor, i: number): tf.Tensor {
  const begin = a.shape.map(() => 0);
  const size = a.shape.map(() => -1);
  begin[a.rank - 2] = i;
  size[a.rank - 2] = 1;
  return tf.squeeze(tf.slice(a, begin, size), [a.rank - 2]);
}

/** Element `i` of the last axis as [...]. */
function entry(v: tf.Tensor, i: number): tf.Tensor {
  const begin = v.shape.map(() => 0);
  const size = v.shape.map(() => -1);
  begin[v.rank - 1] = i;
  size[v.rank - 1] = 1;
  return tf.squeeze(tf.slice(v, begin, size), [v.rank - 1]);
}

export interface CholeskyOptions {
  /**
   * Read the pivots back and throw {@link NumericalError} when the matrix is not positive
   * definite. Default: on for the cpu and wasm backends, off on GPU backends, where a synchronous
   * read stalls the pipeline (and tfjs-backend-webgpu cannot read synchronously in Node); there a
   * non-positive-definite input gives NaN entries instead.
   */
  check?: boolean;
}

function checkByDefault(): boolean {
  const backend = tf.getBackend();
  return backend === 'cpu' || backend === 'wasm';
}

/**
 * Lower Cholesky factor L of symmetric positive-definite A = L Lᵀ, batched over leading axes.
 * Differentiable (the gradient matches the closed form of Murray 2016 for the lower triangle).
 *
 * ```ts
 * const l = cholesky(tf.tensor2d([[4, 2], [2, 3]])); // [[2, 0], [1, 1.414]]
 * ```
 */
export function cholesky(a: tf.Tensor, options: CholeskyOptions = {}): tf.Tensor {
  const n = assertSquare('cholesky', 'a', a);
  const result = tf.tidy(() => {
    const x = tf.cast(a, 'float32');
    const index = tf.range(0, n, 1, 'int32');
    const columns: tf.Tensor[] = [];
    const pivots: tf.Tensor[] = [];
    for (let j = 0; j < n; j++) {
      let v = column(x, j);
      if (j > 0) {
        const previous = stack(columns, -1); // [..., n, j]
        const rowJ = row(previous, j); // [..., j]
        v = tf.sub(v, tf.squeeze(tf.matMul(previous, tf.expandDims(rowJ, -1)), [-1]));
      }
      const pivot = entry(v, j);
      pivots.push(pivot);
      const d = tf.sqrt(tf.maximum(pivot, Number.MIN_VALUE));
      const below = tf.greater(index, j);
      const scaled = tf.div(v, tf.expandDims(d, -1));
      const onDiag = tf.equal(index, j);
      const col = tf.where(
        below,
        scaled,
        tf.where(onDiag, tf.mul(tf.expandDims(d, -1), tf.onesLike(v)), tf.zerosLike(v)),
      );
      columns.push(col);
    }
    // An infinite entry can leave every pivot positive and L infinite: such a matrix is
    // reported like a NaN one (a NaN pivot).
    const finite = tf.all(tf.isFinite(x));
    const minPivot = tf.min(stack(pivots, -1));
    return {
      l: stack(columns, -1),
      minPivot: tf.where(finite, minPivot, tf.scalar(Number.NaN)),
    };
  });
  if (options.check ?? checkByDefault()) {
    const minPivot = result.minPivot.dataSync()[0]!;
    result.minPivot.dispose();
    if (!(minPivot > 0)) {
      result.l.dispose();
      throw new NumericalError(
        `cholesky: argument 'a' is not positive definite (smallest pivot ${minPivot}); add jitter to the diagonal`,
      );
    }
  } else {
    result.minPivot.dispose();
  }
  return result.l;
}

export interface TriangularSolveOptions {
  /** Whether `l` is lower triangular (default true); otherwise upper. */
  lower?: boolean;
  /** Solve with the transpose of `l` instead (default false): Lᵀ X = B. */
  transpose?: boolean;
}

/**
 * Solves T X = B for X, where T is triangular [..., n, n] and B is [..., n, m]; both are batched
 * over matching leading axes. Differentiable with respect to both arguments.
 */
export function triangularSolve(
  t: tf.Tensor,
  b: tf.Tensor,
  options: TriangularSolveOptions = {},
): tf.Tensor {
  const n = assertSquare('triangularSolve', 't', t);
  assertRightHandSide('triangularSolve', t, 't', b, n);
  return tf.tidy(() => {
    const perm = t.shape.map((_, i) => i);
    perm[t.rank - 1] = t.rank - 2;
    perm[t.rank - 2] = t.rank - 1;
    const m = options.transpose ? tf.transpose(tf.cast(t, 'float32'), perm) : tf.cast(t, 'float32');
    // Transposing flips which triangle holds the entries.
    const lower = (options.lower ?? true) !== (options.transpose ?? false);
    const rhs = tf.cast(b, 'float32');
    const solved: tf.Tensor[] = new Array(n);
    const order = lower ? [...Array(n).keys()] : [...Array(n).keys()].reverse();
    const done: number[] = [];
    for (const i of order) {
      const rowI = row(m, i); // [..., n]
      let r = row(rhs, i); // [..., m]
      if (done.length > 0) {
        const coeffs = stack(
          done.map((k) => entry(rowI, k)),
          -1,
        ); // [..., k]
        const xs = stack(
          done.map((k) => solved[k]!),
          -2,
        ); // [..., k, m]
        r = tf.sub(r, tf.squeeze(tf.matMul(tf.expandDims(coeffs, -2), xs), [-2]));
      }
      solved[i] = tf.div(r, tf.expandDims(entry(rowI, i), -1));
      done.push(i);
    }
    return stack(solved, -2);
  });
}

/** Solves A X = B given the Cholesky factor L of A (two triangular solves). */
export function choleskySolve(l: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const n = assertSquare('choleskySolve', 'l', l);
  assertRightHandSide('choleskySolve', l, 'l', b, n);
  return tf.tidy(() => triangularSolve(l, triangularSolve(l, b), { transpose: true }));
}

/** log det A = 2 Σ log diag(L) from the Cholesky factor L, batched: [..., n, n] → [...]. */
export function logDetFromCholesky(l: tf.Tensor): tf.Tensor {
  assertSquare('logDetFromCholesky', 'l', l);
  return tf.tidy(() => {
    const n = l.shape[l.rank - 1]!;
    const eye = tf.eye(n);
    const diag = tf.sum(tf.mul(l, eye), -1);
    return tf.mul(2, tf.sum(tf.log(diag), -1));
  });
}

/** log det A of symmetric positive-definite A through its Cholesky factor; differentiable. */
export function logDet(a: tf.Tensor, options: CholeskyOptions = {}): tf.Tensor {
  return tf.tidy(() => logDetFromCholesky(cholesky(a, options)));
}
