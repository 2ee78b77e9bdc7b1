/**
 * Fits one Gaussian q = N(μ, σ²) to the target mixture under each divergence: @gen/experiments'
 * `GaussianFits` (Adam on D(P‖q) by quadrature, in chunks, one read-back per snapshot) on the
 * mixture the user edits.
 */
import { Mixture, Normal } from '@gen/distributions';
import type { DivergenceName } from '@gen/divergences';
import { GaussianFits, type FitSnapshot as Snapshot } from '@gen/experiments';
import { type Component, mixtureRange } from './mixture.js';

/** The divergences the view can fit with, and their labels. */
export const FIT_LABELS = {
  kl: 'KL',
  'reverse-kl': 'reverse KL',
  js: 'JS',
  'squared-hellinger': 'squared Hellinger',
  pearson: 'Pearson χ²',
  jeffreys: 'Jeffreys',
} as const satisfies Partial<Record<DivergenceName, string>>;
export type FitName = keyof typeof FIT_LABELS;
export const FIT_NAMES = Object.keys(FIT_LABELS) as FitName[];

/**
 * Where every fit starts by default: narrow and left of centre. Reverse KL then locks onto the
 * nearer mode (a local optimum: mode seeking), while KL, JS, Hellinger and Pearson spread over
 * both (their optima are unique here: mass covering).
 */
export const DEFAULT_START = { mu: -1, sigma: 1 } as const;
const POINTS = 801;
const LEARNING_RATE = 0.05;

/** One read-back of the fits: per name, objective D(P‖q), μ, σ, and the train/test matrix. */
export type FitSnapshot = Snapshot<FitName>;

/** The target P (a @gen Mixture of the normalised components) and one Gaussian fit per name. */
export class DivergenceFits extends GaussianFits<FitName> {
  private readonly mixture: Mixture;

  constructor(
    components: readonly Component[],
    start: { mu: number; sigma: number } = DEFAULT_START,
  ) {
    const mixture = new Mixture({
      probs: components.map((c) => c.weight),
      components: new Normal({
        loc: components.map((c) => c.mean),
        scale: components.map((c) => c.std),
        validateArgs: false,
      }),
      validateArgs: false,
    });
    super(mixture, {
      start,
      learningRate: LEARNING_RATE,
      points: POINTS,
      range: mixtureRange(components),
    });
    this.mixture = mixture;
  }

  /** Disposes every fit and the target. */
  override dispose(): void {
    super.dispose();
    this.mixture.dispose();
  }
}
