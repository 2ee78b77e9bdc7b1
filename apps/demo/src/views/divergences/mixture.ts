/**
 * Plain-number math of the 1-D target mixture p(x) = Σᵢ wᵢ N(x | mᵢ, sᵢ²) and of the fitted
 * Gaussians: densities for plotting, the quadrature interval, and the KL optimum (moment
 * matching) used as a check.
 */
import { momentMatch as momentMatchSpec } from '@gen/experiments';

/** One mixture component as the user edits it (weights need not sum to 1). */
export interface Component {
  weight: number;
  mean: number;
  std: number;
}

/** Thrown for a mixture the view cannot use (names the component and field). */
export class MixtureInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MixtureInputError';
  }
}

/** The default target: two unequal, well-separated modes, so the divergences disagree. */
export const DEFAULT_COMPONENTS: readonly Component[] = [
  { weight: 0.6, mean: -2, std: 0.6 },
  { weight: 0.4, mean: 2, std: 0.8 },
  { weight: 0, mean: 5, std: 0.5 },
];

/**
 * Keeps the components with positive weight and normalises their weights. Throws
 * {@link MixtureInputError} for a non-finite field, a negative weight, a std ≤ 0, or no weight.
 */
export function normaliseMixture(components: readonly Component[]): Component[] {
  components.forEach((c, i) => {
    for (const field of ['weight', 'mean', 'std'] as const) {
      if (!Number.isFinite(c[field])) {
        throw new MixtureInputError(
          `component ${i + 1}: ${field} must be a number, got ${c[field]}`,
        );
      }
    }
    if (c.weight < 0) throw new MixtureInputError(`component ${i + 1}: weight ${c.weight} < 0`);
    if (c.std <= 0) throw new MixtureInputError(`component ${i + 1}: std ${c.std} must be > 0`);
  });
  const kept = components.filter((c) => c.weight > 0);
  const total = kept.reduce((sum, c) => sum + c.weight, 0);
  if (kept.length === 0)
    throw new MixtureInputError('the mixture needs a component with weight > 0');
  return kept.map((c) => ({ ...c, weight: c.weight / total }));
}

/** N(x | mean, std²). */
export function normalPdf(x: number, mean: number, std: number): number {
  const z = (x - mean) / std;
  return Math.exp(-0.5 * z * z) / (std * Math.sqrt(2 * Math.PI));
}

/** Σᵢ wᵢ N(x | mᵢ, sᵢ²) for normalised components. */
export function mixturePdf(x: number, components: readonly Component[]): number {
  return components.reduce((sum, c) => sum + c.weight * normalPdf(x, c.mean, c.std), 0);
}

/** An interval holding all but a negligible mass of every component: means ∓ `width`·std. */
export function mixtureRange(components: readonly Component[], width = 10): [number, number] {
  const low = Math.min(...components.map((c) => c.mean - width * c.std));
  const high = Math.max(...components.map((c) => c.mean + width * c.std));
  return [low, high];
}

/** `n` evenly spaced points on [a, b] (both ends included). */
export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** The KL(P‖N(μ, σ²)) optimum, moment matching (`momentMatch` of @gen/experiments). */
export function momentMatch(components: readonly Component[]): { mu: number; sigma: number } {
  return momentMatchSpec({
    weights: components.map((c) => c.weight),
    means: components.map((c) => c.mean),
    scales: components.map((c) => c.std),
  });
}
