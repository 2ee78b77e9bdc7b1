import type { BaseDistribution } from '../../src/distribution.js';

/**
 * One entry of the examples registry that the generic family suites iterate over
 * (torch's `_get_examples`, Distrax's test parametrisation). Test-only; not exported.
 */
export interface FamilyExample {
  /** Display name, e.g. 'Normal batched [2]'. */
  name: string;
  /** Builds a fresh instance (default validation). The suite disposes it. */
  make: () => BaseDistribution;
  /** Group file under fixtures/ (e.g. 'continuous') and the key inside it. */
  fixture: { group: string; key: string };
  /**
   * Points at which `logProb` is compared with the fixture: shape `[k, ...batch, ...event]`
   * (or broadcastable against the batch).
   */
  points: number | number[] | number[][] | number[][][];
  /**
   * Fixture fields (scipy.stats, float64): `logProb` (same shape as logProb(points)), `entropy`,
   * `mean`, `variance`, `excessKurtosis` (for the standard error of the sample variance), each
   * shaped `[...batch, ...event]` (`[...batch]` for entropy). A field may be omitted where scipy
   * has no value; the suite then skips only that comparison for the example.
   */
  /**
   * A value outside the support, `[...sample, ...batch, ...event]` like `points`: with validation
   * on, `logProb(outside)` must throw a typed error. Without it the suite uses NaN (outside every
   * support), so families with a bounded support should name a real value here (e.g. -1 for an
   * Exponential).
   */
  outside?: number | number[] | number[][] | number[][][];
  /**
   * Tolerance of the fixture comparisons where float32 needs more than the default
   * (atol 1e-4, rtol 1e-4); say why in a comment beside it.
   */
  tolerance?: { atol?: number; rtol?: number };
  /** Number of draws for the moment test (default 20000). */
  samples?: number;
  /** Families without finite variance or excess kurtosis skip the moment test by saying so. */
  momentTest?: boolean;
  /**
   * Integer-valued (discrete) family: `icdf(cdf(x))` is then not a round trip of x, and the suite
   * checks `cdf(icdf(p)) ≥ p` instead of equality.
   */
  discrete?: boolean;
}

/** Fixture values for one example (see {@link FamilyExample}). */
export interface FamilyFixture {
  logProb?: unknown;
  entropy?: unknown;
  mean?: unknown;
  variance?: unknown;
  excessKurtosis?: unknown;
  /** `[...batch, ...event]`; NaN where the density has no unique maximum. */
  mode?: unknown;
  /** P(X ≤ x) at the example's points (same shape as `logProb`). */
  cdf?: unknown;
  /** The quantiles at {@link ICDF_PROBS}, `[ICDF_PROBS.length, ...batch]`. */
  icdf?: unknown;
}

/**
 * Probabilities at which the generic suite compares `icdf` with the fixture (the fixture
 * scripts repeat them).
 */
export const ICDF_PROBS = [0.05, 0.3, 0.5, 0.9] as const;
