import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { gradientPenalty } from './gradient-penalty.js';
import { jointDiscriminatorLoss } from './joint-discriminator-loss.js';
import type { LossConstants } from './loss-constants.js';
import type { GanLoss } from './losses.js';
import { r1Penalty, r2Penalty } from './r1-penalty.js';

/** Everything {@link criticLoss} needs from a Gan for one discriminator loss. */
export interface CriticLossInputs {
  loss: GanLoss;
  /**
   * The critic on a batch and its conditions (conditional GANs): one value per example, in the
   * shape the network gives.
   */
  critic: (x: tf.Tensor, condition: tf.Tensor | undefined) => tf.Tensor;
  /** The real batch's conditions, which its fakes share (conditional GANs). */
  condition: tf.Tensor | undefined;
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
  /** γ of the R2 penalty on the (noisy) fakes; 0 for none. */
  r2: number;
  /** Probability that a pair (real i, fake i) swaps places; 0 for none. */
  flip: number;
  /** Draws the flips (only read when `flip` > 0). */
  flipRng: Rng | undefined;
}

/**
 * L_D = discriminatorObjective(D(x + σε), D(x̃ + σε′)) [+ λ E(‖∇D(x̂)‖ − 1)² for 'wasserstein-gp']
 * [+ (γ₁/2) E‖∇D(x + σε)‖² with the R1 penalty] [+ (γ₂/2) E‖∇D(x̃ + σε′)‖² with the R2 penalty],
 * with ε, ε′ ∼ N(0, I) instance noise on both inputs when σ > 0. With label flipping, each
 * pair (x_i, x̃_i) first swaps places with probability p (the penalties still see the true real
 * batch and fakes). A conditional critic sees every row with its condition; real row i and fake
 * row i share condition i, so swaps and interpolates keep their condition.
 */
export function criticLoss(o: CriticLossInputs): tf.Scalar {
  return tf.tidy(() => {
    const c = o.condition;
    const critic = (x: tf.Tensor) => o.critic(x, c);
    const noisy = (x: tf.Tensor) =>
      o.noiseStd > 0 ? tf.add(x, o.noiseRng.normal(x.shape, 0, o.noiseStd)) : x;
    const r = noisy(o.real);
    const f = noisy(o.fake);
    let [a, b] = [r, f];
    if (o.flip > 0) {
      const n = r.shape[0]!;
      const swap = tf.reshape(tf.less(o.flipRng!.uniform([n]), o.flip), [
        n,
        ...r.shape.slice(1).map(() => 1),
      ]);
      const mask = tf.broadcastTo(swap, r.shape);
      [a, b] = [tf.where(mask, f, r), tf.where(mask, r, f)];
    }
    // A critic that may couple the examples of a batch (batch normalisation) sees the real batch
    // and the fakes apart, as it would in any GAN loop.
    const out = o.joint
      ? o.critic(tf.concat([a, b]), c === undefined ? undefined : tf.concat([c, c]))
      : tf.concat([critic(a), critic(b)]);
    let total = jointDiscriminatorLoss(o.loss, out, r.shape[0]!, o.constants);
    if (o.loss === 'wasserstein-gp') {
      total = tf.add(total, gradientPenalty(critic, r, f, o.gpRng, o.lambda));
    }
    if (o.r1 > 0) total = tf.add(total, r1Penalty(critic, r, o.r1));
    if (o.r2 > 0) total = tf.add(total, r2Penalty(critic, f, o.r2));
    return total as tf.Scalar;
  });
}
