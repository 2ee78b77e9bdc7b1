import {
  assertDistribution,
  assertFiniteNumber,
  assertInteger,
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

/**
 * One fit in {@link GaussianFitsState}: where it is, how far it came and Adam's moments, as
 * plain numbers.
 */
export interface GaussianFitState {
  mu: number;
  sigma: number;
  /** Adam steps this fit has taken. */
  steps: number;
  /**
   * Adam's state: its step count since its moments were last reset (by `setLearningRate`; it
   * sets the bias correction), and the first (`m`) and second (`v`) moment estimates of μ and
   * log σ, in that order.
   */
  adam: { iterations: number; m: [number, number]; v: [number, number] };
}

/**
 * What {@link GaussianFits.state} reads and {@link GaussianFits.restore} continues from: the
 * step size and every fit made so far. Plain data (JSON, `structuredClone`, `postMessage`), so
 * it outlives the backend and the instance.
 */
export interface GaussianFitsState<Name extends string = QuadratureName> {
  learningRate: number;
  fits: Partial<Record<Name, GaussianFitState>>;
}

interface Fit {
  mu: tf.Variable;
  logSigma: tf.Variable;
  optimizer: tf.Optimizer;
  /** @gen/train's trainer over (μ, log σ), with the NaN guard; made anew per step-size phase. */
  trainer: Trainer;
  /** Adam steps taken, over every trainer the fit had. */
  steps: number;
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
 * and the train/test matrix with one read-back. `state` reads the fits as plain data and
 * `restore` continues from it, in another instance or on another backend (a web worker's, after
 * a backend switch). The target stays the caller's.
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
    for (const fit of fits) {
      // The NaN guard may end a run early: count the steps it took.
      const before = fit.trainer.status.step;
      await fit.trainer.run(steps);
      fit.steps += fit.trainer.status.step - before;
    }
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

  /**
   * Every fit made so far (μ, σ, steps taken, Adam's moments) and the step size, as plain data
   * (one read-back). {@link restore} continues from it.
   */
  async state(): Promise<GaussianFitsState<Name>> {
    const entries = [...this.fits.entries()];
    if (entries.length === 0) return { learningRate: this.learningRate, fits: {} };
    const slots = await Promise.all(entries.map(([, fit]) => fit.optimizer.getWeights()));
    // getWeights gives the step count as a new tensor (unused: `iterations` has it), then the
    // moment variables themselves.
    for (const weights of slots) weights[0]?.tensor.dispose();
    const all = tf.tidy(() =>
      tf.concat(
        entries.map(([, fit], i) => {
          const moments = slots[i]!.slice(1).map((w) => tf.reshape(w.tensor, [1]));
          // Adam makes its moments at the first step: before it they are zero.
          const filled = moments.length === 4 ? moments : [0, 0, 0, 0].map(() => tf.zeros([1]));
          return tf.concat([tf.reshape(fit.mu, [1]), tf.reshape(fit.logSigma, [1]), ...filled]);
        }),
      ),
    );
    try {
      const values = Array.from(await all.data());
      const fits: Partial<Record<Name, GaussianFitState>> = {};
      entries.forEach(([name, fit], i) => {
        const [mu, logSigma, m0, m1, v0, v1] = values.slice(6 * i, 6 * i + 6) as number[];
        fits[name] = {
          mu: mu!,
          sigma: Math.exp(logSigma!),
          steps: fit.steps,
          adam: { iterations: fit.optimizer.iterations, m: [m0!, m1!], v: [v0!, v1!] },
        };
      });
      return { learningRate: this.learningRate, fits };
    } finally {
      all.dispose();
    }
  }

  /**
   * Replaces every fit with those of `state` (from {@link GaussianFits.state}, maybe of another instance or
   * on another backend) and takes its step size: the next `step` continues them from the same
   * μ, σ, step count and Adam moments. `state` is checked whole first; a bad one changes nothing.
   */
  async restore(state: GaussianFitsState<Name>): Promise<void> {
    const fn = `${FN}.restore`;
    assertOptions(fn, state, ['learningRate', 'fits'], 'state');
    assertPositive(fn, 'state.learningRate', state.learningRate);
    const { fits } = state;
    if (fits === null || typeof fits !== 'object' || Array.isArray(fits)) {
      throw invalidArgument(fn, 'state.fits', fits, 'must be an object of fits by name');
    }
    const entries = Object.entries(fits) as [Name, GaussianFitState][];
    for (const [name, fit] of entries) {
      assertOneOf(fn, 'state.fits', name, QUADRATURE_NAMES);
      const at = `state.fits.${name}`;
      assertOptions(fn, fit, ['mu', 'sigma', 'steps', 'adam'], at);
      assertFiniteNumber(fn, `${at}.mu`, fit.mu);
      assertPositive(fn, `${at}.sigma`, fit.sigma);
      assertInteger(fn, `${at}.steps`, fit.steps, 0);
      assertOptions(fn, fit.adam, ['iterations', 'm', 'v'], `${at}.adam`);
      assertInteger(fn, `${at}.adam.iterations`, fit.adam.iterations, 0);
      for (const key of ['m', 'v'] as const) {
        const pair = fit.adam[key];
        const ok =
          Array.isArray(pair) &&
          pair.length === 2 &&
          pair.every((x) => Number.isFinite(x) && (key === 'm' || x >= 0));
        if (!ok) {
          const what = key === 'm' ? 'finite numbers' : 'finite numbers >= 0';
          throw invalidArgument(fn, `${at}.adam.${key}`, pair, `must be two ${what} (μ, log σ)`);
        }
      }
    }
    // Not `dispose`: a subclass may release more there (its target).
    this.disposeFits();
    this.learningRate = state.learningRate;
    for (const [name, saved] of entries) {
      const parts = this.parts({ mu: saved.mu, sigma: saved.sigma });
      const { iterations, m, v } = saved.adam;
      if (iterations > 0) {
        // tfjs's Adam takes its step count, then the moments in the order it made them.
        const weights = [
          { name: 'iter', tensor: tf.scalar(iterations, 'int32') },
          { name: `${parts.mu.name}/m`, tensor: tf.scalar(m[0]) },
          { name: `${parts.logSigma.name}/m`, tensor: tf.scalar(m[1]) },
          { name: `${parts.mu.name}/v`, tensor: tf.scalar(v[0]) },
          { name: `${parts.logSigma.name}/v`, tensor: tf.scalar(v[1]) },
        ];
        await parts.optimizer.setWeights(weights);
        tf.dispose(weights.map((w) => w.tensor));
      }
      this.fits.set(name, { ...parts, trainer: this.trainer(name, parts), steps: saved.steps });
    }
  }

  /** Disposes every variable and optimiser (not the target). */
  dispose(): void {
    this.disposeFits();
  }

  private disposeFits(): void {
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
      const parts = this.parts(this.start);
      fit = { ...parts, trainer: this.trainer(name, parts), steps: 0 };
      this.fits.set(name, fit);
    }
    return fit;
  }

  /** μ and log σ (in that order: the optimiser's moments follow it) at `at`, and an optimiser. */
  private parts(at: GaussianFit): Omit<Fit, 'trainer' | 'steps'> {
    return {
      mu: tf.tidy(() => tf.variable(tf.scalar(at.mu))),
      logSigma: tf.tidy(() => tf.variable(tf.scalar(Math.log(at.sigma)))),
      optimizer: this.optimizer(),
    };
  }

  private trainer(name: Name, fit: Omit<Fit, 'trainer' | 'steps'>): Trainer {
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
