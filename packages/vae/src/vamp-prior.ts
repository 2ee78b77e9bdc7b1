import { invalidArgument, type Rng } from '@gen/core';
import { Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { MAX_DRAWS } from './validate.js';

/**
 * The prior p(z) of a VAE: `'standard'`, N(0, I), or `{ vamp: K }`, the VampPrior of Tomczak &
 * Welling (2018), p(z) = (1/K) Σₖ q(z | uₖ), the mixture of the encoder's posteriors at K learned
 * pseudo-inputs uₖ (the weight `prior/pseudoInputs`, [K, ...dataShape]).
 */
export type Prior = 'standard' | { vamp: number };

/** Validates `prior` under `fn`; returns a copy. */
export function parsePrior(fn: string, prior: unknown): Prior {
  if (prior === 'standard') return prior;
  if (typeof prior === 'object' && prior !== null && !Array.isArray(prior)) {
    const keys = Object.keys(prior);
    const k = (prior as { vamp?: unknown }).vamp;
    if (
      keys.length === 1 &&
      Number.isSafeInteger(k) &&
      (k as number) >= 1 &&
      (k as number) <= MAX_DRAWS
    ) {
      return { vamp: k as number };
    }
  }
  throw invalidArgument(
    fn,
    'prior',
    prior,
    "must be 'standard' or { vamp: K } with an integer K >= 1",
  );
}

/** The K learned pseudo-inputs of a VampPrior, initialised N(0.5, 0.1²) like small grey images. */
export class PseudoInputs extends Module {
  readonly inputs: tf.Variable;

  constructor(o: { count: number; dataShape: readonly number[]; rng: Rng }) {
    super('prior');
    this.inputs = this.addWeight(
      'pseudoInputs',
      [o.count, ...o.dataShape],
      (shape, _fans, rng) => rng.normal(shape, 0.5, 0.1),
      o.rng,
    );
  }

  /** The pseudo-inputs, [K, ...dataShape]. */
  apply(): tf.Tensor {
    return tf.clone(this.inputs);
  }
}

/**
 * log p(z) of the mixture (1/K) Σₖ N(z; μₖ, diag σₖ²) for z: [..., L], with mean and scale
 * [K, L] (the encoder's output at the pseudo-inputs) → [...].
 */
export function mixtureLogProb(mean: tf.Tensor, scale: tf.Tensor, z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const k = mean.shape[0]!;
    const u = tf.div(tf.sub(tf.expandDims(z, -2), mean), scale);
    const logNorm = tf.add(tf.log(scale), 0.5 * Math.log(2 * Math.PI));
    const perDim = tf.sub(tf.mul(-0.5, tf.square(u)), logNorm);
    return tf.sub(tf.logSumExp(tf.sum(perDim, -1), -1), Math.log(k));
  });
}
