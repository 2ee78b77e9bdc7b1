import {
  assertDistribution,
  assertInteger,
  assertOneOf,
  type Distribution,
  invalidArgument,
  Rng,
} from '@gen/core';
import { Normal } from '@gen/distributions';
import { fDivergences, variationalBound } from '@gen/divergences';
import { Mlp } from '@gen/nn';
import { adam } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { assertBoundedInteger, assertOptions, MAX_BATCH, MAX_STEPS } from './checks.js';
import { FGAN_NAMES, type FganName, type GaussianFit } from './names.js';

/** A variational (f-GAN) fit: the averaged generator and the final critic's bound F̂ ± se. */
export interface VariationalFit extends GaussianFit {
  /** F̂ = mean_P g_f(V) − mean_Q f*(g_f(V)) on 20 000 fresh draws of each: ≤ D_f(P‖Q_θ̂). */
  bound: number;
  /** Its standard error. */
  se: number;
}

/** The training budget of {@link variationalFit}. */
export interface Budget {
  /** Total steps, critic-only warm-up included (default 500). */
  steps?: number;
  /** Critic-only steps at the start (default steps/5). */
  warmUp?: number;
  /** Iterates from this step on are averaged, at the lower generator rate (default 0.6·steps). */
  averageFrom?: number;
  /** Real and fake draws per step (default 1024). */
  batch?: number;
}

/** Validates a training budget and fills its defaults (before anything is computed). */
export function checkBudget(fn: string, budget: Budget): Required<Budget> {
  assertOptions(fn, budget, ['steps', 'warmUp', 'averageFrom', 'batch'], 'budget');
  const steps = budget.steps ?? 500;
  assertBoundedInteger(fn, 'steps', steps, 2, MAX_STEPS);
  const full = {
    steps,
    warmUp: budget.warmUp ?? Math.round(steps / 5),
    averageFrom: budget.averageFrom ?? Math.round(0.6 * steps),
    batch: budget.batch ?? 1024,
  };
  assertBoundedInteger(fn, 'batch', full.batch, 1, MAX_BATCH);
  assertInteger(fn, 'warmUp', full.warmUp, 0, steps - 1);
  assertInteger(fn, 'averageFrom', full.averageFrom, 0, steps - 1);
  if (full.averageFrom < full.warmUp) {
    throw invalidArgument(
      fn,
      'averageFrom',
      full.averageFrom,
      `must be >= warmUp (${full.warmUp})`,
    );
  }
  return full;
}

/**
 * The f-GAN training loop (Algorithm 1 of Nowozin et al. 2016, single-step simultaneous
 * updates): the critic ascends F = E_P[g_f(V)] − E_Q[f*(g_f(V))] with Adam (step size 0.01), the
 * generator μ + σz descends it with Adam (0.02, then 0.005 over the averaged iterates). Returns
 * the sums of μ and log σ over the iterates from `averageFrom` on.
 *
 * Plain tfjs for now: @gen/train's `createTrainer` is meant to run this loop (issue 16); it is
 * kept in this one function so that the switch touches nothing else.
 */
function trainSaddle(
  name: FganName,
  p: Distribution,
  rng: Rng,
  critic: Mlp,
  budget: Required<Budget>,
): [tf.Variable, tf.Variable] {
  const { steps, warmUp, averageFrom, batch } = budget;
  // Inside tidy, so that the initial-value tensors go and only the variables stay.
  const [mu, logSigma, sumMu, sumLogSigma] = tf.tidy(() =>
    [0, Math.log(2), 0, 0].map((v) => tf.variable(tf.scalar(v))),
  ) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const sums: [tf.Variable, tf.Variable] = [sumMu, sumLogSigma];
  const criticOptimizer = adam(0.01);
  const generatorOptimizer = adam(0.02);
  // All draws at once: one sampling call instead of one per step.
  const real = tf.tidy(() => tf.reshape(p.sample(batch * steps, rng), [steps * batch, 1]));
  const noise = rng.normal([steps * batch, 1]);
  try {
    for (let step = 0; step < steps; step++) {
      // tfjs has no public setter; Adam reads its learningRate at every step.
      if (step === averageFrom) {
        (generatorOptimizer as unknown as { learningRate: number }).learningRate = 0.005;
      }
      tf.tidy(() => {
        const x = tf.slice(real, [step * batch, 0], [batch, 1]);
        const z = tf.slice(noise, [step * batch, 0], [batch, 1]);
        const { grads } = tf.variableGrads(() => {
          const fake = tf.add(mu, tf.mul(tf.exp(logSigma), z));
          return variationalBound(name, critic.apply(x), critic.apply(fake));
        });
        criticOptimizer.applyGradients(
          critic.trainableVariables.map((v) => ({ name: v.name, tensor: tf.neg(grads[v.name]!) })),
        );
        if (step >= warmUp) {
          generatorOptimizer.applyGradients(
            [mu, logSigma].map((v) => ({ name: v.name, tensor: grads[v.name]! })),
          );
        }
        if (step >= averageFrom) {
          sums[0].assign(tf.add(sums[0], mu));
          sums[1].assign(tf.add(sums[1], logSigma));
        }
      });
    }
    return sums;
  } catch (error) {
    tf.dispose(sums);
    throw error;
  } finally {
    tf.dispose([mu, logSigma, real, noise]);
    criticOptimizer.dispose();
    generatorOptimizer.dispose();
  }
}

/** F̂ = mean_P g_f(V) − mean_Q f*(g_f(V)) on `n` fresh draws of each, with its standard error. */
async function criticBound(
  name: FganName,
  p: Distribution,
  q: Normal,
  critic: Mlp,
  rng: Rng,
  n = 20000,
): Promise<{ bound: number; se: number }> {
  const [value, error] = tf.tidy(() => {
    const row = fDivergences[name];
    const realTerms = row.activation(critic.apply(tf.reshape(p.sample(n, rng), [n, 1])));
    const fakeTerms = row.conjugateActivation(critic.apply(tf.reshape(q.sample(n, rng), [n, 1])));
    const r = tf.moments(realTerms);
    const f = tf.moments(fakeTerms);
    return [tf.sub(r.mean, f.mean), tf.sqrt(tf.div(tf.add(r.variance, f.variance), n - 1))];
  });
  const [v, e] = await Promise.all([value.data(), error.data()]);
  tf.dispose([value, error]);
  return { bound: v[0]!, se: e[0]! };
}

/**
 * The f-GAN saddle point for a Gaussian generator Q_θ = N(μ, σ²), θ = (μ, log σ), and a 2×64
 * tanh critic from @gen/nn against the 1-D target `p`, trained from seed `seed` for `budget`
 * steps on batches of real and fake draws. Returns the averaged generator and the final critic's
 * bound F̂ ± se, a lower bound of D_f(P‖Q_θ̂) up to its standard error.
 *
 * ```ts
 * const fit = await variationalFit('js', p, 100, { steps: 500 });
 * // { mu, sigma, bound, se }; compare with quadratureDivergence('js', p, fit)
 * ```
 */
export async function variationalFit(
  name: FganName,
  p: Distribution,
  seed: number,
  budget: Budget = {},
): Promise<VariationalFit> {
  const fn = 'variationalFit';
  assertOneOf(fn, 'name', name, FGAN_NAMES);
  assertDistribution(fn, 'p', p);
  if (p.eventShape.length !== 0 || p.batchShape.length !== 0) {
    throw invalidArgument(fn, 'p', p, 'must be a scalar (1-D) distribution');
  }
  assertInteger(fn, 'seed', seed, 0);
  const full = checkBudget(fn, budget);
  const rng = Rng.fromSeed(seed);
  const critic = new Mlp({
    inputSize: 1,
    hiddenSizes: [64, 64],
    outputSize: 1,
    activation: 'tanh',
    rng: rng.split(1)[0]!,
  });
  try {
    const sums = trainSaddle(name, p, rng, critic, full);
    const count = full.steps - full.averageFrom;
    const [m, s] = await Promise.all(sums.map((t) => t.data()));
    tf.dispose(sums);
    const fit = { mu: m![0]! / count, sigma: Math.exp(s![0]! / count) };
    const q = new Normal({ loc: fit.mu, scale: fit.sigma });
    try {
      return { ...fit, ...(await criticBound(name, p, q, critic, rng)) };
    } finally {
      q.dispose();
    }
  } finally {
    critic.dispose();
  }
}
