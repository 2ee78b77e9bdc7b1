import { InvalidArgumentError, invalidArgument, softplus } from '@gen/core';
import {
  type FDivergenceName,
  fDivergenceNames,
  fDivergences,
  variationalBound,
} from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';

/** The adversarial objectives {@link Gan} understands. */
export type GanLoss =
  | 'minimax'
  | 'non-saturating'
  | 'wasserstein'
  | 'wasserstein-gp'
  | 'hinge'
  | 'least-squares'
  | { fgan: FDivergenceName };

/** The named (string) losses. */
export const GAN_LOSSES = [
  'minimax',
  'non-saturating',
  'wasserstein',
  'wasserstein-gp',
  'hinge',
  'least-squares',
] as const;

/** Throws a typed error unless `loss` is a {@link GanLoss}. */
export function assertGanLoss(fn: string, loss: unknown): asserts loss is GanLoss {
  if (typeof loss === 'string' && (GAN_LOSSES as readonly string[]).includes(loss)) return;
  if (loss !== null && typeof loss === 'object' && !Array.isArray(loss)) {
    const keys = Object.keys(loss);
    const name = (loss as { fgan?: unknown }).fgan;
    if (keys.length === 1 && typeof name === 'string' && fDivergenceNames.includes(name as never))
      return;
    throw new InvalidArgumentError(
      `${fn}: argument 'loss' must be { fgan: name } with name one of ` +
        `${fDivergenceNames.map((n) => `'${n}'`).join(', ')}; got ${JSON.stringify(loss)}`,
    );
  }
  throw invalidArgument(
    fn,
    'loss',
    loss,
    `must be one of ${GAN_LOSSES.map((n) => `'${n}'`).join(', ')} or { fgan: name }`,
  );
}

/**
 * Whether one-sided label smoothing (a real label s < 1, Salimans et al. 2016) applies to `loss`:
 * only the losses with a real label do ('minimax', 'non-saturating' and 'least-squares'); `Gan`
 * refuses `labelSmoothing` with any other.
 */
export function supportsLabelSmoothing(loss: GanLoss): boolean {
  return loss === 'minimax' || loss === 'non-saturating' || loss === 'least-squares';
}

/**
 * The discriminator's loss from its raw outputs (logits / critic values) on real data `a` and on
 * fakes `b`, before any gradient penalty; `smoothing` s is the real label (1 = none).
 * - minimax / non-saturating (BCE in logit space):
 *   s·softplus(−a) + (1−s)·softplus(a) averaged over real, + softplus(b) over fakes
 *   (= −log D(x) − log(1 − D(G(z))) with D = σ(logit), never log σ computed directly).
 * - wasserstein(-gp): E[b] − E[a] (the negated Kantorovich–Rubinstein dual).
 * - hinge: E[relu(1 − a)] + E[relu(1 + b)].
 * - least-squares (LSGAN, targets s and 0): ½E[(a − s)²] + ½E[b²].
 * - { fgan }: −variationalBound(name, a, b) (the critic maximises the f-GAN bound).
 */
export function discriminatorObjective(
  loss: GanLoss,
  a: tf.Tensor,
  b: tf.Tensor,
  smoothing = 1,
): tf.Scalar {
  return tf.tidy(() => {
    if (typeof loss === 'object') return tf.neg(variationalBound(loss.fgan, a, b));
    switch (loss) {
      case 'minimax':
      case 'non-saturating': {
        const real =
          smoothing === 1
            ? softplus(tf.neg(a))
            : tf.add(tf.mul(smoothing, softplus(tf.neg(a))), tf.mul(1 - smoothing, softplus(a)));
        return tf.add(tf.mean(real), tf.mean(softplus(b)));
      }
      case 'wasserstein':
      case 'wasserstein-gp':
        return tf.sub(tf.mean(b), tf.mean(a));
      case 'hinge':
        return tf.add(tf.mean(tf.relu(tf.sub(1, a))), tf.mean(tf.relu(tf.add(1, b))));
      case 'least-squares':
        return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(a, smoothing))), tf.mean(tf.square(b))));
    }
  }) as tf.Scalar;
}

/**
 * The generator's loss from the discriminator's outputs `b` on its fakes:
 * - minimax: E[log(1 − D(G(z)))] = −E[softplus(b)] (saturates when D wins);
 * - non-saturating: −E[log D(G(z))] = E[softplus(−b)];
 * - wasserstein(-gp), hinge: −E[b];
 * - least-squares: ½E[(b − 1)²];
 * - { fgan }: −E[g_f(b)] (Nowozin et al. 2016 §3.2's non-saturating generator objective).
 */
export function generatorObjective(loss: GanLoss, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (typeof loss === 'object') {
      return tf.neg(tf.mean(fDivergences[loss.fgan].activation(b)));
    }
    switch (loss) {
      case 'minimax':
        return tf.neg(tf.mean(softplus(b)));
      case 'non-saturating':
        return tf.mean(softplus(tf.neg(b)));
      case 'wasserstein':
      case 'wasserstein-gp':
      case 'hinge':
        return tf.neg(tf.mean(b));
      case 'least-squares':
        return tf.mul(0.5, tf.mean(tf.square(tf.sub(b, 1))));
    }
  }) as tf.Scalar;
}
