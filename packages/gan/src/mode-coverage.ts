import { assertPositive, assertTensor, invalidArgument, ShapeMismatchError } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

/** The result of {@link modeCoverage}. */
export interface ModeCoverage {
  /** Number of centres that are the nearest centre of at least one high-quality sample. */
  modes: number;
  /** Fraction of samples within 3·std (Euclidean) of their nearest centre, in [0, 1]. */
  highQuality: number;
  /** High-quality samples per centre. */
  counts: number[];
}

type Points = tf.Tensor | number[][];

function toRows(fn: string, arg: string, value: Points): number[][] {
  if (Array.isArray(value)) return value;
  assertTensor(fn, arg, value);
  if (value.rank !== 2) {
    throw new ShapeMismatchError(`${fn}: '${arg}' must be [n, d], got [${value.shape.join(', ')}]`);
  }
  return value.arraySync() as number[][];
}

/**
 * Mode-collapse metric of Srivastava et al. (VEEGAN, 2017) on Gaussian-mixture toys
 * (docs/references.md#mode-coverage-on-the-ring-and-the-grid): a sample is high quality when
 * ‖x − c*‖ ≤ 3σ for its nearest centre c* = argmin_c ‖x − c‖; a mode is captured when it is the
 * nearest centre of at least one high-quality sample. Returns a report (plain numbers), not
 * tensors.
 *
 * ```ts
 * const { x, centers, std } = makeToy('ring8', { n: 2500, seed: 0 });
 * modeCoverage(gan.sample(2500, rng), centers, std); // { modes: 8, highQuality: 0.97, … }
 * ```
 */
export function modeCoverage(samples: Points, centers: Points, std: number): ModeCoverage {
  const fn = 'modeCoverage';
  assertPositive(fn, 'std', std);
  const xs = toRows(fn, 'samples', samples);
  const cs = toRows(fn, 'centers', centers);
  if (cs.length === 0)
    throw invalidArgument(fn, 'centers', centers, 'must hold at least one centre');
  const d = cs[0]!.length;
  for (const [arg, rows] of [
    ['samples', xs],
    ['centers', cs],
  ] as const) {
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== d) {
        throw new ShapeMismatchError(`${fn}: '${arg}[${i}]' must have ${d} coordinates`);
      }
      if (!row.every(Number.isFinite)) {
        throw invalidArgument(fn, `${arg}[${i}]`, row, 'must be finite numbers');
      }
    });
  }
  const counts = cs.map(() => 0);
  const radius2 = (3 * std) ** 2;
  let good = 0;
  for (const x of xs) {
    let best = 0;
    let bestDist = Number.POSITIVE_INFINITY;
    cs.forEach((c, k) => {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (x[j]! - c[j]!) ** 2;
      if (dist < bestDist) [best, bestDist] = [k, dist];
    });
    if (bestDist <= radius2) {
      good += 1;
      counts[best]! += 1;
    }
  }
  return {
    modes: counts.filter((c) => c > 0).length,
    highQuality: xs.length === 0 ? 0 : good / xs.length,
    counts,
  };
}
