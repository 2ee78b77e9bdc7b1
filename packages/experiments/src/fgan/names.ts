/** The five divergences of the f-GAN paper's table (Nowozin et al. 2016), in its order. */
export const FGAN_NAMES = ['kl', 'reverse-kl', 'js', 'jeffreys', 'pearson'] as const;

/** One of {@link FGAN_NAMES}. */
export type FganName = (typeof FGAN_NAMES)[number];

/** The paper's column labels. */
export const FGAN_LABELS: Readonly<Record<FganName, string>> = Object.freeze({
  kl: 'KL',
  'reverse-kl': 'KL-rev',
  js: 'JS',
  jeffreys: 'Jeffrey',
  pearson: 'Pearson',
});

/** A fitted Gaussian N(μ, σ²). */
export interface GaussianFit {
  mu: number;
  sigma: number;
}
