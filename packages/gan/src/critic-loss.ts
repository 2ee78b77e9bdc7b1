import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { gradientPenalty } from './gradient-penalty.js';
import { discriminatorObjective, type GanLoss } from './losses.js';

/** Everything {@link criticLoss} needs from a Gan for one discriminator loss. */
export interface CriticLossInputs {
  loss: GanLoss;
  critic: (x: tf.Tensor) => tf.Tensor;
  real: tf.Tensor;
  fake: tf.Tensor;
  /** Instance-noise std σ_t (0 for none), drawn from `noiseRng`. */
  noiseStd: number;
  noiseRng: Rng;
  /** Interpolation weights of the gradient penalty. */
  gpRng: Rng;
  labelSmoothing: number;
  lambda: number;
}

/**
 * L_D = discriminatorObjective(D(x + σε), D(x̃ + σε′)) [+ λ E(‖∇D(x̂)‖ − 1)² for 'wasserstein-gp'],
 * with ε, ε′ ∼ N(0, I) instance noise on both inputs when σ > 0.
 */
export function criticLoss(o: CriticLossInputs): tf.Scalar {
  return tf.tidy(() => {
    const noisy = (x: tf.Tensor) =>
      o.noiseStd > 0 ? tf.add(x, o.noiseRng.normal(x.shape, 0, o.noiseStd)) : x;
    const r = noisy(o.real);
    const f = noisy(o.fake);
    const base = discriminatorObjective(o.loss, o.critic(r), o.critic(f), o.labelSmoothing);
    if (o.loss !== 'wasserstein-gp') return base;
    return tf.add(base, gradientPenalty(o.critic, r, f, o.gpRng, o.lambda)) as tf.Scalar;
  });
}
