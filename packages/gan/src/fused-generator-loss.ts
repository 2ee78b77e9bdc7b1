import { softplus } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LossConstants } from './loss-constants.js';
import { type GAN_LOSSES, type GanLoss, generatorObjective } from './losses.js';

/**
 * A named generator loss as E[ℓ(b)] over the m fakes: its value, and ∂ℓ/∂b up to the factor
 * `sign`/m that the gradient applies together with dy (one kernel for both).
 */
function generatorRows(
  loss: (typeof GAN_LOSSES)[number],
  o: tf.Tensor,
  c: LossConstants,
): {
  value: tf.Tensor;
  saved: tf.Tensor[];
  sign: 1 | -1;
  grad: ((saved: tf.Tensor[]) => tf.Tensor) | null;
} {
  switch (loss) {
    case 'minimax':
      // −E[softplus(b)]: ∂ℓ/∂b = −σ(b).
      return {
        value: tf.neg(tf.mean(softplus(o))),
        saved: [o],
        sign: -1,
        grad: ([os]) => tf.sigmoid(os!),
      };
    case 'non-saturating': {
      // E[softplus(−b)]: ∂ℓ/∂b = −σ(−b).
      const z = tf.neg(o);
      return {
        value: tf.mean(softplus(z)),
        saved: [z],
        sign: -1,
        grad: ([zs]) => tf.sigmoid(zs!),
      };
    }
    case 'wasserstein':
    case 'wasserstein-gp':
    case 'hinge':
      // −E[b]: ∂ℓ/∂b = −1 everywhere (`null`: the scale itself, broadcast).
      return { value: tf.neg(tf.mean(o)), saved: [], sign: -1, grad: null };
    case 'least-squares': {
      // ½E[(b − 1)²]: ∂ℓ/∂b = b − 1.
      const d = tf.sub(o, c.one!);
      return {
        value: tf.mul(tf.mean(tf.square(d)), c.half!),
        saved: [d],
        sign: 1,
        grad: ([ds]) => ds!,
      };
    }
  }
}

/**
 * `generatorObjective(loss, out)` with the same values; the named losses run as one
 * custom-gradient op (see `jointDiscriminatorLoss`), first-order only. `out` is the critic's
 * output on the fakes, any shape with one value per example.
 */
export function fusedGeneratorLoss(
  loss: GanLoss,
  out: tf.Tensor,
  constants: LossConstants,
): tf.Scalar {
  if (typeof loss === 'object') {
    return tf.tidy(() => generatorObjective(loss, tf.reshape(out, [out.size])));
  }
  const m = out.size;
  const shape = out.shape;
  const op = tf.customGrad((x, save) => {
    const r = generatorRows(loss, x as tf.Tensor, constants);
    (save as tf.GradSaveFunc)(r.saved);
    return {
      value: r.value,
      gradFunc: (dy, saved) => {
        const scale = tf.div(dy as tf.Tensor, r.sign * m);
        return r.grad === null ? tf.broadcastTo(scale, shape) : tf.mul(r.grad(saved), scale);
      },
    };
  });
  return op(out) as tf.Scalar;
}
