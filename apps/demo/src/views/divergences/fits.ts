/**
 * Fits one Gaussian q = N(μ, σ²) to the target mixture under each divergence, by Adam on
 * D(P‖q) computed by @gen/divergences on a quadrature grid (differentiable in μ and log σ).
 * Everything stays on the active backend; one read-back per chunk.
 */
import { Mixture, Normal } from '@gen/distributions';
import { type DivergenceName, divergence } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
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
export interface FitSnapshot {
  names: FitName[];
  objective: number[];
  mu: number[];
  sigma: number[];
  /** matrix[i][j] = D_j(P‖q_i): row = trained with names[i], column = evaluated with names[j]. */
  matrix: number[][];
}

interface Fit {
  mu: tf.Variable;
  logSigma: tf.Variable;
  optimizer: tf.Optimizer;
}

/** The target P (a @gen Mixture) and one Gaussian fit per divergence name. */
export class DivergenceFits {
  private readonly target: Mixture;
  private readonly range: [number, number];
  private readonly fits = new Map<FitName, Fit>();

  constructor(
    components: readonly Component[],
    private readonly start: { mu: number; sigma: number } = DEFAULT_START,
  ) {
    this.range = mixtureRange(components);
    this.target = new Mixture({
      probs: components.map((c) => c.weight),
      components: new Normal({
        loc: components.map((c) => c.mean),
        scale: components.map((c) => c.std),
        validateArgs: false,
      }),
      validateArgs: false,
    });
  }

  private fit(name: FitName): Fit {
    let fit = this.fits.get(name);
    if (fit === undefined) {
      fit = {
        mu: tf.tidy(() => tf.variable(tf.scalar(this.start.mu))),
        logSigma: tf.tidy(() => tf.variable(tf.scalar(Math.log(this.start.sigma)))),
        optimizer: tf.train.adam(LEARNING_RATE, 0.9, 0.999, 1e-7),
      };
      this.fits.set(name, fit);
    }
    return fit;
  }

  /** D_name(P‖q) for Gaussians q with locations `loc` and scales `scale` (same batch shape). */
  private objective(name: FitName, loc: tf.Tensor, scale: tf.Tensor): tf.Tensor {
    const q = new Normal({ loc, scale, validateArgs: false });
    return divergence(name, this.target, q, {
      method: 'quadrature',
      range: this.range,
      points: POINTS,
    });
  }

  /** `steps` Adam steps of every fit in `names`. */
  step(names: readonly FitName[], steps: number): void {
    for (let s = 0; s < steps; s += 1) {
      for (const name of names) {
        const { mu, logSigma, optimizer } = this.fit(name);
        tf.tidy(() => {
          optimizer.minimize(() => this.objective(name, mu, tf.exp(logSigma)) as tf.Scalar, false, [
            mu,
            logSigma,
          ]);
        });
      }
    }
  }

  /** Reads objectives, parameters and the train/test matrix of `names` (one `await data()`). */
  async snapshot(names: readonly FitName[]): Promise<FitSnapshot> {
    const d = names.length;
    if (d === 0) return { names: [], objective: [], mu: [], sigma: [], matrix: [] };
    const all = tf.tidy(() => {
      const fits = names.map((name) => this.fit(name));
      const loc = tf.stack(fits.map((f) => f.mu));
      const scale = tf.exp(tf.stack(fits.map((f) => f.logSigma)));
      // columns[j][i] = D_j(P‖q_i): one batched quadrature per evaluation divergence.
      const columns = names.map((name) => this.objective(name, loc, scale));
      return tf.concat([loc, scale, ...columns]);
    });
    try {
      const values = Array.from(await all.data());
      const loc = values.slice(0, d);
      const scale = values.slice(d, 2 * d);
      const column = (j: number) => values.slice((2 + j) * d, (3 + j) * d);
      const matrix = names.map((_, i) => names.map((__, j) => column(j)[i]!));
      return {
        names: [...names],
        objective: matrix.map((row, i) => row[i]!),
        mu: loc,
        sigma: scale,
        matrix,
      };
    } finally {
      all.dispose();
    }
  }

  /** Disposes the target, every variable and optimiser. */
  dispose(): void {
    for (const fit of this.fits.values()) {
      fit.mu.dispose();
      fit.logSigma.dispose();
      fit.optimizer.dispose();
    }
    this.fits.clear();
    this.target.dispose();
  }
}
