import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { gradientPenalty } from './gradient-penalty.js';
import { jointDiscriminatorLoss } from './joint-discriminator-loss.js';
import type { LossConstants } from './loss-constants.js';
import type { GanLoss } from './losses.js';
import { r1Penalty } from './r1-penalty.js';

/** Everything {@link criticLoss} needs from a Gan for one discriminator loss. */
export interface CriticLossInputs {
  loss: GanLoss;
  /** The critic on a batch: one value per example, in the shape the network gives. */
  critic: (x: tf.Tensor) => tf.Tensor;
  /**
   * Whether the critic treats examples independently (no batch statistics), so that one pass
   * over the real batch and the fakes stacked gives what two passes give.
   */
  joint: boolean;
  constants: LossConstants;
  real: tf.Tensor;
  fake: tf.Tensor;
  /** Instance-noise std σ_t (0 for none), drawn from `noiseRng`. */
  noiseStd: number;
  noiseRng: Rng;
  /** Interpolation weights of the gradient penalty. */
  gpRng: Rng;
  lambda: number;
  /** γ of the R1 penalty on the (noisy) real batch; 0 for none. */
  r1: number;
}

/**
 * L_D = discriminatorObjective(D(x + σε), D(x̃ + σε′)) [+ λ E(‖∇D(x̂)‖ − 1)² for 'wasserstein-gp']
 * [+ (γ/2) E‖∇D(x + σε)‖² with the R1 penalty],
 * with ε, ε′ ∼ N(0, I) instance noise on both inputs when σ > 0.
 */
export function criticLoss(o: CriticLossInputs): tf.Scalar {
  return tf.tidy(() => {
    const noisy = (x: tf.Tensor) =>
      o.noiseStd > 0 ? tf.add(x, o.noiseRng.normal(x.shape, 0, o.noiseStd)) : x;
    const r = noisy(o.real);
    const f = noisy(o.fake);
    // A critic that may couple the examples of a batch (batch normalisation) sees the real batch
    // and the fakes apart, as it would in any GAN loop.
    const out = o.joint ? o.critic(tf.concat([r, f])) : tf.concat([o.critic(r), o.critic(f)]);
    const base = jointDiscriminatorLoss(o.loss, out, r.shape[0]!, o.constants);
    const gp =
      o.loss === 'wasserstein-gp'
        ? tf.add(base, gradientPenalty(o.critic, r, f, o.gpRng, o.lambda))
        : base;
    return (o.r1 > 0 ? tf.add(gp, r1Penalty(o.critic, r, o.r1)) : gp) as tf.Scalar;
  });
}
