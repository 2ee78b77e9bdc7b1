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

/** Thrown for a mixture the view cannot use; `problems` lists every reason (each names the field). */
export class MixtureInputError extends Error {
  readonly problems: readonly string[];

  constructor(message: string | readonly string[]) {
    const problems = typeof message === 'string' ? [message] : [...message];
    super(problems.join('; '));
    this.name = 'MixtureInputError';
    this.problems = problems;
  }
}

/** The default target: two unequal, well-separated modes, so the divergences disagree. */
export const DEFAULT_COMPONENTS: readonly Component[] = [
  { weight: 0.6, mean: -2, std: 0.6 },
  { weight: 0.4, mean: 2, std: 0.8 },
  { weight: 0, mean: 5, std: 0.5 },
];

/**
 * Every reason the mixture cannot be used, in component order (empty when it can): a non-finite
 * field, a negative weight, a std ≤ 0, or no positive weight at all.
 */
export function mixtureProblems(components: readonly Component[]): string[] {
  const problems: string[] = [];
  components.forEach((c, i) => {
    for (const field of ['weight', 'mean', 'std'] as const) {
      if (!Number.isFinite(c[field])) {
        problems.push(`component ${i + 1}: ${field} must be a number, got ${c[field]}`);
      }
    }
    if (c.weight < 0) problems.push(`component ${i + 1}: weight ${c.weight} < 0`);
    if (c.std <= 0) problems.push(`component ${i + 1}: std ${c.std} must be > 0`);
  });
  if (!components.some((c) => c.weight > 0)) {
    problems.push('the mixture needs a component with weight > 0');
  }
  return problems;
}

/**
 * Keeps the components with positive weight and normalises their weights. Throws
 * {@link MixtureInputError} listing every problem of {@link mixtureProblems}.
 */
export function normaliseMixture(components: readonly Component[]): Component[] {
  const problems = mixtureProblems(components);
  if (problems.length > 0) throw new MixtureInputError(problems);
  const kept = components.filter((c) => c.weight > 0);
  const total = kept.reduce((sum, c) => sum + c.weight, 0);
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

/**
 * The narrowest start σ₀ at which Pearson χ²(P‖q) is usable: ∫ N(x | m, s²)² / N(x | μ, σ²) dx
 * is finite only for σ² > s²/2, so q must be wider than every component's s/√2 (times 1.1, so
 * the quadrature's integrand is not on the edge of float32 overflow).
 */
export function pearsonMinSigma(components: readonly Component[]): number {
  const widest = Math.max(0, ...components.filter((c) => c.weight > 0).map((c) => c.std));
  return (1.1 * widest) / Math.SQRT2;
}
