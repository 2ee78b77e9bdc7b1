/**
 * Exact single-sample variances of the gradient estimators of E[(x − k)²] under N(μ, σ²),
 * d = μ − k (Mohamed et al. 2020, §3): [Var for μ, Var for σ].
 */
export function quadraticVariances(
  mu: number,
  sigma: number,
  k: number,
): Record<'scoreFunction' | 'pathwise' | 'mvdCoupled' | 'mvdIndependent', [number, number]> {
  const d = mu - k;
  const [d2, d4, s2] = [d * d, d ** 4, sigma * sigma];
  return {
    scoreFunction: [d4 / s2 + 14 * d2 + 15 * s2, (2 * d4) / s2 + 60 * d2 + 74 * s2],
    pathwise: [4 * s2, 4 * d2 + 8 * s2],
    mvdCoupled: [(4 * d2 * (4 - Math.PI)) / Math.PI, 4 * d2 + 4 * s2],
    mvdIndependent: [(4 * d2 * (4 - Math.PI) + 8 * s2) / (2 * Math.PI), 16 * d2 + 8 * s2],
  };
}
