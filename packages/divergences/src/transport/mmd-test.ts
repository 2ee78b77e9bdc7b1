import {
  assertInteger,
  assertKnownOptions,
  assertOneOf,
  assertRng,
  InvalidArgumentError,
  invalidArgument,
  NumericalError,
  type Rng,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { medianHeuristic } from './median-heuristic.js';
import { checkBandwidths, kernelMatrix } from './mmd.js';
import { squaredDistances } from './pairwise.js';
import { type SampleLike, withSamplePair } from './samples.js';

export interface MmdTestOptions {
  /** The source of the permutations (required). */
  rng: Rng;
  /** 'rbf' (default) or 'imq', as in {@link mmd}. */
  kernel?: 'rbf' | 'imq';
  /** h (or c), several values sum the kernels; default 'median': {@link medianHeuristic} of x and y pooled. */
  bandwidth?: number | readonly number[] | 'median';
  /** Random relabellings B (default 1000). */
  permutations?: number;
  /** The unbiased MMD² U-statistic (default true) or the biased V-statistic. */
  unbiased?: boolean;
}

/** The result of {@link mmdTest}. */
export interface MmdTestResult {
  /** MMD² of the samples as given, the value {@link mmd} returns with the same options. */
  statistic: number;
  /** (1 + #{b : MMD²_b ≥ statistic}) / (1 + B), over B random relabellings of the pooled rows. */
  pValue: number;
  /** B, the number of relabellings. */
  permutations: number;
  /** The bandwidths used (the median heuristic's value where that was asked for). */
  bandwidth: number[];
}

/** Relabellings evaluated per matrix product, bounding the [chunk, n + m] indicator matrices. */
const CHUNK = 256;

/**
 * MMD² for each row of `a` ([b, N] indicators of the rows labelled x, n of them in each row) from
 * the pooled kernel matrix k [N, N]: with ā = 1 − a, aᵀKa, āᵀKā and aᵀKā from one product aK.
 */
function statistics(
  k: tf.Tensor2D,
  a: tf.Tensor2D,
  n: number,
  m: number,
  unbiased: boolean,
): tf.Tensor1D {
  return tf.tidy(() => {
    const b = tf.sub(1, a);
    const ka = tf.matMul(a, k);
    // K is symmetric, so āK = 1ᵀK − aK: one product serves both labels.
    const kb = tf.sub(tf.sum(k, 0), ka);
    const aKa = tf.sum(tf.mul(ka, a), 1);
    const aKb = tf.sum(tf.mul(ka, b), 1);
    const bKb = tf.sum(tf.mul(kb, b), 1);
    let xx = aKa;
    let yy = bKb;
    let nx = n * n;
    let ny = m * m;
    if (unbiased) {
      const diagonal = tf.sum(tf.mul(k, tf.eye(k.shape[0])), 1);
      const aDiag = tf.sum(tf.mul(a, diagonal), 1);
      xx = tf.sub(aKa, aDiag);
      yy = tf.sub(bKb, tf.sub(tf.sum(diagonal), aDiag));
      nx = n * (n - 1);
      ny = m * (m - 1);
    }
    return tf.sub(
      tf.add(tf.div(xx, nx), tf.div(yy, ny)),
      tf.div(tf.mul(2, aKb), n * m),
    ) as tf.Tensor1D;
  });
}

/** The median heuristic of the pooled rows, its failure reported under the public name `fn`. */
function medianBandwidth(fn: string, x: tf.Tensor2D, y: tf.Tensor2D): number {
  try {
    return medianHeuristic(x, y);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new InvalidArgumentError(
      `${fn}: option 'bandwidth' is 'median', but ${error.message.replace(/^medianHeuristic: /, '')}`,
      { cause: error },
    );
  }
}

/**
 * Two-sample test of P = Q from samples `x` [n, d] ~ P and `y` [m, d] ~ Q ([n] for 1-D) by the
 * permutation distribution of MMD² (Gretton et al. 2012): the statistic is {@link mmd} of the
 * samples, and the p-value (1 + #{b : MMD²_b ≥ MMD²}) / (1 + B) counts the B random
 * relabellings of the pooled rows (drawn from `rng`) whose statistic reaches the observed one,
 * so under P = Q it is exactly valid: P(p ≤ t) ≤ t. The pooled kernel matrix is built once and
 * each relabelling is an indicator row, so all B statistics come from matrix products
 * (O((n+m)²) memory, O(B(n+m)²) time). A report: plain numbers, read on the host.
 *
 * ```ts
 * const { statistic, pValue } = mmdTest(x, y, { rng: Rng.fromSeed(0) });
 * if (pValue < 0.05) console.log('the samples differ');
 * ```
 */
export function mmdTest(x: SampleLike, y: SampleLike, options: MmdTestOptions): MmdTestResult {
  const fn = 'mmdTest';
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(fn, 'options', options, 'must be an object with an Rng under rng');
  }
  assertKnownOptions(fn, options, ['rng', 'kernel', 'bandwidth', 'permutations', 'unbiased']);
  assertRng(fn, 'rng', options.rng);
  const kernel = options.kernel ?? 'rbf';
  assertOneOf(fn, 'kernel', kernel, ['rbf', 'imq'] as const);
  const given = options.bandwidth ?? 'median';
  const fixed = given === 'median' ? undefined : checkBandwidths(fn, given);
  const permutations = options.permutations ?? 1000;
  assertInteger(fn, 'permutations', permutations, 1, 1e6);
  const unbiased = options.unbiased ?? true;
  if (typeof unbiased !== 'boolean') {
    throw invalidArgument(fn, 'unbiased', unbiased, 'must be a boolean');
  }
  const rng = options.rng;
  return withSamplePair(fn, x, y, unbiased ? 2 : 1, (xs, ys) => {
    const n = xs.shape[0];
    const m = ys.shape[0];
    const total = n + m;
    const bandwidth = fixed ?? [medianBandwidth(fn, xs, ys)];
    const k = tf.tidy(() => {
      const z = tf.concat([xs, ys], 0) as tf.Tensor2D;
      return kernelMatrix(squaredDistances(z, z), kernel, bandwidth) as tf.Tensor2D;
    });
    try {
      const observed = tf.tidy(() => {
        const a = tf.concat([tf.ones([1, n]), tf.zeros([1, m])], 1) as tf.Tensor2D;
        return statistics(k, a, n, m, unbiased).dataSync()[0]!;
      });
      if (!Number.isFinite(observed)) {
        throw new NumericalError(
          `${fn}: the MMD² statistic is ${observed}: the ${kernel} kernel at bandwidth [${bandwidth.join(', ')}] overflows or underflows on these samples; pass a bandwidth of the scale of their distances`,
        );
      }
      let reached = 0;
      for (let done = 0; done < permutations; done += CHUNK) {
        const rows = Math.min(CHUNK, permutations - done);
        const indicators = new Float32Array(rows * total);
        for (let r = 0; r < rows; r++) {
          const perm = rng.permutation(total);
          for (let i = 0; i < n; i++) indicators[r * total + perm[i]!] = 1;
        }
        const values = tf.tidy(() =>
          statistics(k, tf.tensor2d(indicators, [rows, total]), n, m, unbiased).dataSync(),
        );
        for (const v of values) if (v >= observed) reached++;
      }
      return {
        statistic: observed,
        pValue: (1 + reached) / (1 + permutations),
        permutations,
        bandwidth,
      };
    } finally {
      k.dispose();
    }
  });
}
