/**
 * The f-divergences `divergence` computes, by name (all in nats, D_f(P‖Q) = E_Q[f(p/q)]):
 *
 * | name | value |
 * |---|---|
 * | `kl` | Σ p log(p/q) |
 * | `reverse-kl` | KL(Q‖P) = Σ q log(q/p) |
 * | `js` | ½KL(P‖M) + ½KL(Q‖M), M = (P+Q)/2 (≤ log 2) |
 * | `jeffreys` | KL(P‖Q) + KL(Q‖P) |
 * | `pearson` | Σ (p−q)²/q |
 * | `neyman` | Σ (q−p)²/p |
 * | `squared-hellinger` | Σ (√p−√q)² (no ½) |
 * | `total-variation` | ½ Σ \|p−q\| (≤ 1) |
 * | `alpha` | Σ q f_α(p/q), f_α(u) = (u^α − 1 − α(u−1))/(α(α−1)) |
 */
export const divergenceNames = [
  'kl',
  'reverse-kl',
  'js',
  'jeffreys',
  'pearson',
  'neyman',
  'squared-hellinger',
  'total-variation',
  'alpha',
] as const;

export type DivergenceName = (typeof divergenceNames)[number];
