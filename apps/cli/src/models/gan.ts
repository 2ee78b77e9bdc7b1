import { fDivergenceNames } from '@gen/divergences';
import { GAN_LOSSES, Gan, type GanLoss } from '@gen/gan';
import * as tf from '@tensorflow/tfjs-core';
import { badFlag } from '../errors.js';
import type { BuildContext, BuiltModel, ModelFamily } from './family.js';
import { ints, num } from './options.js';

/** --loss values (the default first): the named GAN losses and `fgan:<divergence>` (f-GAN). */
export const GAN_LOSS_CHOICES = [
  'non-saturating',
  ...GAN_LOSSES.filter((l) => l !== 'non-saturating'),
  ...fDivergenceNames.map((n) => `fgan:${n}`),
];

/** Parses a --loss value into a {@link GanLoss}. */
export function parseGanLoss(value: string): GanLoss {
  if (!GAN_LOSS_CHOICES.includes(value))
    badFlag('--loss', value, `one of ${GAN_LOSS_CHOICES.join(', ')}`);
  return value.startsWith('fgan:')
    ? ({ fgan: value.slice('fgan:'.length) } as GanLoss)
    : (value as GanLoss);
}

/** `gen train gan`: an MLP GAN on points, a DCGAN on images (`--arch mlp` for an MLP one). */
export const ganFamily: ModelFamily = {
  name: 'gan',
  description:
    'GAN with the loss zoo (@gen/gan): MLP on points, DCGAN on images; --loss picks the objective',
  archs: ['mlp', 'conv'],
  imageArch: 'conv',
  kinds: ['points', 'images'],
  binarize: false,
  losses: GAN_LOSS_CHOICES,
  defaults: (data) =>
    data.kind === 'images'
      ? {
          steps: 1000,
          batchSize: 64,
          lr: 2e-4,
          options: { latentSize: 64, hiddenSizes: [256, 256] },
        }
      : {
          steps: 2000,
          batchSize: 256,
          lr: 1e-3,
          options: { latentSize: 16, hiddenSizes: [128, 128] },
        },
  build({ data, arch, options, seed, loss }: BuildContext): BuiltModel {
    const ganLoss = parseGanLoss(loss ?? 'non-saturating');
    const latentSize = num(options, 'latentSize');
    const gan =
      arch === 'conv'
        ? Gan.dcgan({ latentSize, loss: ganLoss, seed })
        : Gan.mlp({
            dataSize: data.dim,
            latentSize,
            hiddenSizes: ints(options, 'hiddenSizes'),
            loss: ganLoss,
            seed,
          });
    return {
      // fitAdversarial calls gan.afterDiscriminatorStep() (weight clipping) after every D update.
      trainer: { kind: 'adversarial', model: gan, discriminatorSteps: gan.discriminatorSteps },
      weights: gan,
      prepare: (x) => tf.clone(x),
      sample: (n, rng) => tf.tidy(() => tf.reshape(gan.sample(n, rng), [n, -1])),
      metrics: async () => ({}),
      dispose: () => gan.dispose(),
    };
  },
};
