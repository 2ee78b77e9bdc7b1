import {
  assertDistribution,
  assertFiniteNumber,
  assertOneOf,
  assertPositive,
  type Distribution,
  invalidArgument,
  type NamedTensors,
  type Trainable,
} from '@gen/core';
import { divergenceNames } from '@gen/divergences';
import { adam, createTrainer, type Trainer } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { assertBoundedInteger, assertOptions, MAX_STEPS } from './checks.js';
import type { GaussianFit } from './names.js';
import {
  checkQuadrature,
  gaussianObjective,
  type Quadrature,
  type QuadratureName,
  type QuadratureOptions,
} from './quadrature-options.js';

/** Options of {@link GaussianFits}. */
export interface GaussianFitsOptions extends QuadratureOptions {
  /** Where every fit starts (default N(0, 2²)). */
  start?: GaussianFit;
  /** Adam's step size (default 0.05). */
  learningRate?: number;
}

/** One read-back of {@link GaussianFits}: per name the objective, μ, σ and the train/test matrix. */
export interface FitSnapshot<Name extends string = QuadratureName> {
  names: Name[];
  /** D_name(P‖q_name) of each fit under its own divergence (the matrix's diagonal). */
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
  /** @gen/train's trainer over (μ, log σ), with the NaN guard; made anew per step-size phase. */
  trainer: Trainer;
}

// A fit runs for as long as it is stepped: the trainer's total is never reached.
const ENDLESS = Number.MAX_SAFE_INTEGER;

const FN = 'GaussianFits';
const QUADRATURE_NAMES = divergenceNames.filter((n) => n !== 'alpha') as QuadratureName[];

/**
 * One Gaussian q = N(μ, σ²) per divergence name, fitted to a 1-D target P by Adam on D(P‖q),
 * which `divergence` computes by quadrature and differentiates in μ and log σ, trained by
 * @gen/train's `createTrainer` (no data: the objective is exact) with its NaN guard. Steps run in
 * chunks (`step`), so a browser can interleave them with rendering; `snapshot` reads every fit
 * and the train/test matrix with one read-back. The target stays the caller's.
 *
 * ```ts
 * const fits = new GaussianFits(p, { start: { mu: -1, sigma: 1 } });
 * await fits.step(['kl', 'reverse-kl'], 200);
 * const { mu, sigma, matrix } = await fits.snapshot(['kl', 'reverse-kl']);
 * fits.dispose();
 * ```
 */
export class GaussianFits<Name extends QuadratureName = QuadratureName> {
  private readonly target: Distribution;
  private readonly start: GaussianFit;
  private readonly quadrature: Quadrature;
  private learningRate: number;
  private readonly fits = new Map<Name, Fit>();

  constructor(target: Distribution, options: GaussianFitsOptions = {}) {
    assertDistribution(FN, 'target', target);
    if (target.eventShape.length !== 0 || target.batchShape.length !== 0) {
      throw invalidArgument(FN, 'target', target, 'must be a scalar (1-D) distribution');
    }
    assertOptions(FN, options, ['start', 'learningRate', 'points', 'range']);
    const { start = { mu: 0, sigma: 2 }, learningRate = 0.05 } = options;
    assertOptions(FN, start, ['mu', 'sigma'], 'start');
    assertFiniteNumber(FN, 'start.mu', start.mu);
    assertPositive(FN, 'start.sigma', start.sigma);
    assertPositive(FN, 'learningRate', learningRate);
    this.target = target;
    this.start = { mu: start.mu, sigma: start.sigma };
    this.learningRate = learningRate;
    this.quadrature = checkQuadrature(FN, options);
  }

  /**
   * `steps` Adam steps of every fit in `names` (a fit is created at `start` when first named).
   * The fits are independent, so running them one after another equals interleaving them.
   */
  async step(names: readonly Name[], steps: number): Promise<void> {
    assertBoundedInteger(`${FN}.step`, 'steps', steps, 0, MAX_STEPS);
    if (!Array.isArray(names)) {
      throw invalidArgument(`${FN}.step`, 'names', names, 'must be an array of divergence names');
    }
    const fits = names.map((name) => this.fit(name));
    if (steps === 0) return;
    for (const fit of fits) await fit.trainer.run(steps);
  }

  /**
   * A new Adam step size for the steps that follow, with fresh optimiser moments (a new phase of
   * a step-size schedule).
   */
  setLearningRate(learningRate: number): void {
    assertPositive(`${FN}.setLearningRate`, 'learningRate', learningRate);
    this.learningRate = learningRate;
    for (const [name, fit] of this.fits) {
      fit.trainer.dispose();
      fit.optimizer.dispose();
      fit.optimizer = this.optimizer();
      fit.trainer = this.trainer(name, fit);
    }
  }

  /** ‖∇_(μ, log σ) D_name(P‖q_name)‖ at the current fit: near 0 at a stationary point. */
  async gradientNorm(name: Name): Promise<number> {
    const { mu, logSigma } = this.fit(name);
    const norm = tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => this.objective(name, mu, tf.exp(logSigma)) as tf.Scalar,
        [mu, logSigma],
      );
      return tf.norm(tf.stack([grads[mu.name]!, grads[logSigma.name]!]));
    });
    const value = (await norm.data())[0]!;
    norm.dispose();
    return value;
  }

  /** Reads objectives, parameters and the train/test matrix of `names` (one `await data()`). */
  async snapshot(names: readonly Name[]): Promise<FitSnapshot<Name>> {
    if (!Array.isArray(names)) {
      throw invalidArgument(
        `${FN}.snapshot`,
        'names',
        names,
        'must be an array of divergence names',
      );
    }
    const d = names.length;
    if (d === 0) return { names: [], objective: [], mu: [], sigma: [], matrix: [] };
    const fits = names.map((name) => this.fit(name));
    const all = tf.tidy(() => {
      const loc = tf.stack(fits.map((f) => f.mu));
      const scale = tf.exp(tf.stack(fits.map((f) => f.logSigma)));
      // columns[j][i] = D_j(P‖q_i): one batched quadrature per evaluation divergence.
      const columns = names.map((name) => this.objective(name, loc, scale));
      return tf.concat([loc, scale, ...columns]);
    });
    try {
      const values = Array.from(await all.data());
      const column = (j: number) => values.slice((2 + j) * d, (3 + j) * d);
      const matrix = names.map((_, i) => names.map((__, j) => column(j)[i]!));
      return {
        names: [...names],
        objective: matrix.map((row, i) => row[i]!),
        mu: values.slice(0, d),
        sigma: values.slice(d, 2 * d),
        matrix,
      };
    } finally {
      all.dispose();
    }
  }

  /** Disposes every variable and optimiser (not the target). */
  dispose(): void {
    for (const fit of this.fits.values()) {
      fit.trainer.dispose();
      fit.mu.dispose();
      fit.logSigma.dispose();
      fit.optimizer.dispose();
    }
    this.fits.clear();
  }

  private objective(name: Name, loc: tf.Tensor, scale: tf.Tensor): tf.Tensor {
    return gaussianObjective(name, this.target, loc, scale, this.quadrature);
  }

  private optimizer(): tf.Optimizer {
    // An explicit ε: WebGL's backend default (1e−4) would stall the last digits of the fit.
    return adam(this.learningRate);
  }

  private fit(name: Name): Fit {
    let fit = this.fits.get(name);
    if (fit === undefined) {
      assertOneOf(FN, 'name', name, QUADRATURE_NAMES);
      const parts = {
        mu: tf.tidy(() => tf.variable(tf.scalar(this.start.mu))),
        logSigma: tf.tidy(() => tf.variable(tf.scalar(Math.log(this.start.sigma)))),
        optimizer: this.optimizer(),
      };
      fit = { ...parts, trainer: this.trainer(name, parts) };
      this.fits.set(name, fit);
    }
    return fit;
  }

  private trainer(name: Name, fit: Omit<Fit, 'trainer'>): Trainer {
    const { mu, logSigma } = fit;
    const model: Trainable = {
      trainableVariables: [mu, logSigma],
      loss: () => this.objective(name, mu, tf.exp(logSigma)) as tf.Scalar,
      getWeights: (): NamedTensors => ({ mu: tf.clone(mu), logSigma: tf.clone(logSigma) }),
      setWeights: (w) => {
        mu.assign(w.mu!);
        logSigma.assign(w.logSigma!);
      },
      dispose: () => {},
    };
    return createTrainer(model, null, { steps: ENDLESS, optimizer: fit.optimizer, logEvery: 100 });
  }
}
