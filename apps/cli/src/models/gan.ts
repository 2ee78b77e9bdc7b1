import { GAN_LOSS_NAMES, Gan, parseGanLoss } from '@gen/gan';
import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext, BuiltModel, ModelFamily } from './family.js';
import { ints, num } from './options.js';

/**
 * --loss values, the default first: every name @gen/gan's `parseGanLoss` reads (the named GAN
 * losses and `fgan:<divergence>`). The run config checks --loss against them.
 */
const LOSS_FLAGS = ['non-saturating', ...GAN_LOSS_NAMES.filter((l) => l !== 'non-saturating')];

/** `Gan.dcgan`'s default width. */
const DCGAN_WIDTH = 32;

/** `gen train gan`: an MLP GAN on points, a DCGAN on images (`--arch mlp` for an MLP one). */
export const ganFamily: ModelFamily = {
  name: 'gan',
  description:
    'GAN with the loss zoo (@gen/gan): MLP on points, DCGAN on images; --loss picks the objective',
  archs: ['mlp', 'conv'],
  imageArch: 'conv',
  kinds: ['points', 'images'],
  binarize: false,
  losses: LOSS_FLAGS,
  defaults: (data, arch) =>
    data.kind === 'images'
      ? {
          steps: 1000,
          batchSize: 64,
          lr: 2e-4,
          options:
            arch === 'conv'
              ? { latentSize: 64, width: DCGAN_WIDTH, batchNorm: false }
              : { latentSize: 64, hiddenSizes: [256, 256] },
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
        ? Gan.dcgan({
            latentSize,
            // Runs saved before these options existed hold neither: @gen/gan's defaults built them.
            width: (options.width as number | undefined) ?? DCGAN_WIDTH,
            batchNorm: (options.batchNorm as boolean | undefined) ?? false,
            loss: ganLoss,
            seed,
          })
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
