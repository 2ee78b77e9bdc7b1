import { blockSize, type HostParams, pivotFloor, withFactors } from './host-params.js';
import { NK_EPSILON } from './moments.js';
import type { CovarianceType } from './options.js';

/**
 * A component whose total responsibility Nₖ = Σₙ rₙₖ is below one row's worth is empty: its
 * mean and covariance would rest on less than one point (scikit-learn leaves it there, where it
 * either dies or collapses onto a single point). EM re-seeds it instead.
 */
export const EMPTY_COMPONENT = 1;

/** Number of components with Nₖ < {@link EMPTY_COMPONENT}. */
export function countEmpty(nkRaw: Float64Array): number {
  return nkRaw.reduce((n, v) => n + (v < EMPTY_COMPONENT ? 1 : 0), 0);
}

/** Adds `regCovar` to every variance: the diagonal of full/tied blocks, every diag/spherical value. */
function regularise(type: CovarianceType, d: number, cov: Float64Array, regCovar: number): void {
  if (type === 'full' || type === 'tied') {
    for (let b = 0; b < cov.length / (d * d); b++) {
      for (let i = 0; i < d; i++) cov[b * d * d + i * d + i]! += regCovar;
    }
  } else {
    for (let i = 0; i < cov.length; i++) cov[i]! += regCovar;
  }
}

/**
 * Moves each empty component onto one of `worst` (the worst-explained rows, one per empty
 * component), gives it the pooled covariance Σ Nⱼ Σⱼ / Σ Nⱼ of the others and the weight of one
 * row. Tied covariances are shared already and stay as they are.
 */
function reseed(
  type: CovarianceType,
  d: number,
  nk: Float64Array,
  means: Float64Array,
  cov: Float64Array,
  empty: number[],
  worst: Float64Array,
): void {
  empty.forEach((c, r) => {
    means.set(worst.subarray(r * d, (r + 1) * d), c * d);
  });
  if (type !== 'tied') {
    const size = blockSize(type, d);
    const pooled = new Float64Array(size);
    let total = 0;
    nk.forEach((w, c) => {
      if (empty.includes(c)) return;
      total += w;
      for (let i = 0; i < size; i++) pooled[i]! += w * cov[c * size + i]!;
    });
    for (const c of empty)
      cov.set(
        pooled.map((v) => v / total),
        c * size,
      );
  }
  for (const c of empty) nk[c] = EMPTY_COMPONENT;
}

/**
 * The host half of an M-step: regularise (Σ + regCovar·I), re-seed empty components from
 * `worst` (required when any is empty), normalise the weights Nₖ / Σ Nⱼ and factorise.
 * `nkRaw`, `means` and `covariances` come from {@link moments} and are modified in place.
 */
export function finishMStep(
  type: CovarianceType,
  k: number,
  d: number,
  m: { nkRaw: Float64Array; means: Float64Array; covariances: Float64Array },
  regCovar: number,
  worst?: Float64Array,
): { params: HostParams; reseeded: number } {
  const nk = m.nkRaw.map((v) => v + NK_EPSILON);
  const cov = m.covariances;
  regularise(type, d, cov, regCovar);
  const empty: number[] = [];
  m.nkRaw.forEach((v, c) => {
    if (v < EMPTY_COMPONENT) empty.push(c);
  });
  if (empty.length > 0) {
    if (worst === undefined) throw new Error('finishMStep: empty components need worst rows');
    reseed(type, d, nk, m.means, cov, empty, worst);
  }
  const total = nk.reduce((a, b) => a + b, 0);
  const weights = nk.map((v) => v / total);
  const params = withFactors(type, k, d, weights, m.means, cov, pivotFloor(regCovar));
  return { params, reseeded: empty.length };
}
