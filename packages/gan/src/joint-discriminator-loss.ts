import { softplus } from '@gen/core';
import { variationalBound } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import type { LossConstants } from './loss-constants.js';
import type { GAN_LOSSES, GanLoss } from './losses.js';

/** The per-row form of a loss: its value on the [2, n] view and its gradient there. */
interface RowLoss {
  value: tf.Tensor;
  saved: tf.Tensor[];
  /** ∂value/∂o times n (the 1/n of the row means is applied once, with dy). */
  grad: (saved: tf.Tensor[]) => tf.Tensor;
}

function rowLoss(loss: (typeof GAN_LOSSES)[number], o: tf.Tensor, c: LossConstants): RowLoss {
  const rowMeans = (e: tf.Tensor) => tf.sum(tf.mean(e, 1)) as tf.Scalar;
  switch (loss) {
    case 'minimax':
    case 'non-saturating': {
      // s·softplus(−a) + (1 − s)·softplus(a) = softplus(−a) + (1 − s)·a; fakes: softplus(b).
      const z = tf.mul(o, c.signs!);
      const shift = c.rowShift;
      const e = shift === undefined ? softplus(z) : tf.add(softplus(z), tf.mul(o, shift));
      return {
        value: rowMeans(e),
        saved: [z],
        grad: ([zs]) => {
          const g = tf.mul(tf.sigmoid(zs!), c.signs!);
          return shift === undefined ? g : tf.add(g, shift);
        },
      };
    }
    case 'wasserstein':
    case 'wasserstein-gp':
      return {
        value: rowMeans(tf.mul(o, c.signs!)),
        saved: [],
        grad: () => tf.tile(c.signs!, [1, o.shape[1]!]),
      };
    case 'hinge': {
      const h = tf.add(tf.mul(o, c.signs!), c.one!);
      return {
        value: rowMeans(tf.relu(h)),
        saved: [h],
        grad: ([hs]) => tf.mul(tf.step(hs!), c.signs!),
      };
    }
    case 'least-squares': {
      const d = tf.sub(o, c.rowShift!);
      return {
        value: tf.mul(rowMeans(tf.square(d)), c.half!),
        saved: [d],
        grad: ([ds]) => ds!,
      };
    }
  }
}

/**
 * `discriminatorObjective(loss, a, b, smoothing)` from the critic's output on the real batch and
 * the fakes stacked in one tensor `out` (n real rows, then n fakes; shape [2n], [2n, 1] or
 * [2, n]), with the same values (to float32 rounding where label smoothing is written as
 * softplus(−a) + (1 − s)·a). The named losses run as one custom-gradient op: their forward ops
 * are not recorded on the gradient tape (no saved copies) and their gradient is two or three
 * kernels instead of tfjs's chain through every elementwise op. First-order gradients only, as
 * the trainer takes them; the public `discriminatorObjective` stays differentiable to any order.
 */
export function jointDiscriminatorLoss(
  loss: GanLoss,
  out: tf.Tensor,
  n: number,
  constants: LossConstants,
): tf.Scalar {
  if (typeof loss === 'object') {
    return tf.tidy(() => {
      const [a, b] = tf.unstack(tf.reshape(out, [2, n])) as [tf.Tensor, tf.Tensor];
      return tf.neg(variationalBound(loss.fgan, a, b));
    });
  }
  const shape = out.shape;
  const op = tf.customGrad((x, save) => {
    const r = rowLoss(loss, tf.reshape(x as tf.Tensor, [2, n]), constants);
    (save as tf.GradSaveFunc)(r.saved);
    return {
      value: r.value,
      gradFunc: (dy, saved) => tf.reshape(tf.mul(r.grad(saved), tf.div(dy as tf.Tensor, n)), shape),
    };
  });
  return op(out) as tf.Scalar;
}
