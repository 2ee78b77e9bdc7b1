import { Rng } from '@gen/core';
import { type Mixture, Normal } from '@gen/distributions';
import { fDivergences, variationalBound } from '@gen/divergences';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { FganName, Fit } from './experiment.js';

/** A variational (f-GAN) fit: the averaged generator and the final critic's bound F̂ ± se. */
export interface VariationalFit extends Fit {
  bound: number;
  se: number;
}

/** The training budget of {@link variationalFit}. */
export interface Budget {
  /** Total steps (critic-only warm-up included). */
  steps: number;
  /** Critic-only steps at the start (default steps/5). */
  warmUp?: number;
  /** Iterates from this step on are averaged, at the lower generator rate (default 0.6·steps). */
  averageFrom?: number;
  /** Real and fake draws per step (default 1024). */
  batch?: number;
}

// Variational training (Algorithm 1, single-step simultaneous updates): a 2×64 tanh critic from
// @gen/nn, batches of 1024 real and 1024 fake draws, Adam with step size 0.01 for the critic,
// 0.02 for the generator (0.005 over the last 40% of steps, whose iterates are averaged).
function train(name: FganName, p: Mixture, rng: Rng, critic: Mlp, budget: Required<Budget>) {
  const { steps, warmUp, averageFrom, batch } = budget;
  const mu = tf.variable(tf.scalar(0));
  const logSigma = tf.variable(tf.scalar(Math.log(2)));
  const sums = [tf.variable(tf.scalar(0)), tf.variable(tf.scalar(0))] as const;
  const criticOptimizer = tf.train.adam(0.01);
  const generatorOptimizer = tf.train.adam(0.02);
  // All draws at once: one sampling call instead of one per step.
  const real = tf.tidy(() => tf.reshape(p.sample(batch * steps, rng), [steps * batch, 1]));
  const noise = rng.normal([steps * batch, 1]);
  for (let step = 0; step < steps; step++) {
    // tfjs has no public setter; Adam reads its learningRate at every step.
    if (step === averageFrom)
      (generatorOptimizer as unknown as { learningRate: number }).learningRate = 0.005;
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
  tf.dispose([mu, logSigma, real, noise]);
  criticOptimizer.dispose();
  generatorOptimizer.dispose();
  return sums;
}

/** F̂ = mean_P g_f(V) − mean_Q f*(g_f(V)) on `n` fresh draws of each, with its standard error. */
async function bound(name: FganName, p: Mixture, q: Normal, critic: Mlp, rng: Rng, n = 20000) {
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
 * The f-GAN saddle point: the critic ascends F = E_P[g_f(V)] − E_Q[f*(g_f(V))], the generator
 * μ + σz descends it. Returns the averaged generator and the final critic's bound F̂ with its
 * standard error on 20 000 fresh draws of each.
 */
export async function variationalFit(
  name: FganName,
  p: Mixture,
  seed: number,
  budget: Budget = { steps: 500 },
): Promise<VariationalFit> {
  const full: Required<Budget> = {
    steps: budget.steps,
    warmUp: budget.warmUp ?? Math.round(budget.steps / 5),
    averageFrom: budget.averageFrom ?? Math.round(0.6 * budget.steps),
    batch: budget.batch ?? 1024,
  };
  const rng = Rng.fromSeed(seed);
  const critic = new Mlp({
    inputSize: 1,
    hiddenSizes: [64, 64],
    outputSize: 1,
    activation: 'tanh',
    rng: rng.split(1)[0]!,
  });
  const sums = train(name, p, rng, critic, full);
  const count = full.steps - full.averageFrom;
  const [m, s] = await Promise.all(sums.map((t) => t.data()));
  tf.dispose([...sums]);
  const fit = { mu: m![0]! / count, sigma: Math.exp(s![0]! / count) };
  const q = new Normal({ loc: fit.mu, scale: fit.sigma });
  const result = { ...fit, ...(await bound(name, p, q, critic, rng)) };
  q.dispose();
  critic.dispose();
  return result;
}
