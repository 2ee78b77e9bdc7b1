import {
  GAN_CONDITIONINGS,
  GAN_LOSS_NAMES,
  Gan,
  type GanConditioning,
  parseGanLoss,
  supportsLabelSmoothing,
} from '@gen/gan';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';
import type { BuildContext, BuiltModel, ModelFamily, OptionFlag } from './family.js';
import { ints, num, parseNumberIn, parseOneOf, parseStepCount, parseSwitch } from './options.js';

/**
 * --loss values, the default first: every name @gen/gan's `parseGanLoss` reads (the named GAN
 * losses and `fgan:<divergence>`). The run config checks --loss against them.
 */
const LOSS_FLAGS = ['non-saturating', ...GAN_LOSS_NAMES.filter((l) => l !== 'non-saturating')];

/** Largest R1 or R2 weight γ the flags take (published values are 0.1 to 100). */
const MAX_R1 = 1e4;

const GAN_FLAGS: readonly OptionFlag[] = [
  {
    flags: '--spectral-norm',
    option: 'spectralNorm',
    description: 'spectral normalisation of every discriminator kernel (Miyato et al. 2018)',
    parse: parseSwitch,
  },
  {
    flags: '--r1 <gamma>',
    option: 'r1',
    description: 'R1 penalty (γ/2)·E‖∇D(x)‖² on the real batch (Mescheder et al. 2018)',
    parse: (source, value) => parseNumberIn(source, value, 0, MAX_R1),
  },
  {
    flags: '--r2 <gamma>',
    option: 'r2',
    description: 'R2 penalty (γ/2)·E‖∇D(x̃)‖² on the fakes (Mescheder et al. 2018)',
    parse: (source, value) => parseNumberIn(source, value, 0, MAX_R1),
  },
  {
    flags: '--conditioning <how>',
    option: 'conditioning',
    description:
      'how a --conditional discriminator sees the class: projection (default; Miyato & Koyama 2018) or concat (extra inputs / image channels)',
    parse: (source, value) => parseOneOf(source, value, GAN_CONDITIONINGS),
  },
  {
    flags: '--discriminator-batch-norm',
    option: 'discriminatorBatchNorm',
    description: "batch normalisation in the conv GAN's discriminator (Gan.dcgan)",
    parse: (source, value, { arch }) => {
      const on = parseSwitch(source, value);
      if (on && arch !== 'conv') {
        throw new UsageError(`${source}: applies to the conv GAN (images), not to --arch ${arch}`);
      }
      return on;
    },
  },
  {
    flags: '--ema <decay>',
    option: 'ema',
    description:
      "sample from an exponential moving average of the generator's weights, decay in (0, 1), e.g. 0.999",
    parse: (source, value) => parseNumberIn(source, value, 0, 1, { min: true, max: true }),
  },
  {
    flags: '--label-smoothing <s>',
    option: 'labelSmoothing',
    description:
      'one-sided label smoothing, real label s in (0, 1] (non-saturating, minimax, least-squares)',
    parse: (source, value, { loss }) => {
      const s = parseNumberIn(source, value, 0, 1, { min: true });
      if (s !== 1 && !supportsLabelSmoothing(parseGanLoss(loss ?? 'non-saturating'))) {
        throw new UsageError(
          `${source}: label smoothing applies to the non-saturating, minimax and least-squares losses, not to '${loss}'`,
        );
      }
      return s;
    },
  },
  {
    flags: '--label-smoothing-decay <steps>',
    option: 'labelSmoothingDecay',
    description:
      'the smoothed real label rises linearly to 1 over <steps> discriminator updates (with --label-smoothing)',
    parse: parseStepCount,
  },
  {
    flags: '--label-flip <p>',
    option: 'labelFlip',
    description: "swap a real and a fake example's labels with probability p in [0, 0.5)",
    parse: (source, value) => parseNumberIn(source, value, 0, 0.5, { max: true }),
  },
];

/**
 * The `Gan` training options of the flags' stored values, only those given (so runs without them
 * rebuild the model they were trained as).
 */
function ganTraining(options: Record<string, unknown>) {
  const { r1, r2, ema, labelSmoothing, labelSmoothingDecay, labelFlip } = options as Record<
    string,
    number | undefined
  >;
  if (labelSmoothingDecay !== undefined && labelSmoothing === undefined) {
    throw new UsageError(
      `--label-smoothing-decay: decays the smoothed label of --label-smoothing <s>, which is not given`,
    );
  }
  return {
    ...(options.spectralNorm === true ? { spectralNorm: true } : {}),
    ...(r1 === undefined ? {} : { r1Penalty: r1 }),
    ...(r2 === undefined ? {} : { r2Penalty: r2 }),
    ...(ema === undefined ? {} : { ema: { decay: ema } }),
    ...(labelSmoothing === undefined
      ? {}
      : {
          labelSmoothing:
            labelSmoothingDecay === undefined
              ? labelSmoothing
              : { value: labelSmoothing, decaySteps: labelSmoothingDecay },
        }),
    ...(labelFlip === undefined ? {} : { labelFlip }),
  };
}

/**
 * The condition options of a conditional run (`conditionSize`, and `conditioning` when
 * --conditioning was given); none for an unconditional one, which refuses --conditioning.
 */
function ganCondition(options: Record<string, unknown>, conditionSize: number | null) {
  const conditioning = options.conditioning as GanConditioning | undefined;
  if (conditionSize === null) {
    if (conditioning !== undefined) {
      throw new UsageError(
        `--conditioning: applies to class-conditional runs (--conditional), got ${JSON.stringify(conditioning)} without it`,
      );
    }
    return {};
  }
  return { conditionSize, ...(conditioning === undefined ? {} : { conditioning }) };
}

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
  conditionalArchs: ['mlp', 'conv'],
  optionFlags: GAN_FLAGS,
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
  build({ data, arch, options, seed, loss, conditionSize }: BuildContext): BuiltModel {
    const ganLoss = parseGanLoss(loss ?? 'non-saturating');
    const latentSize = num(options, 'latentSize');
    const training = ganTraining(options);
    const condition = ganCondition(options, conditionSize);
    const gan =
      arch === 'conv'
        ? Gan.dcgan({
            latentSize,
            // Runs saved before these options existed hold neither: @gen/gan's defaults built them.
            width: (options.width as number | undefined) ?? DCGAN_WIDTH,
            batchNorm: (options.batchNorm as boolean | undefined) ?? false,
            ...(options.discriminatorBatchNorm === true ? { discriminatorBatchNorm: true } : {}),
            loss: ganLoss,
            seed,
            ...condition,
            ...training,
          })
        : Gan.mlp({
            dataSize: data.dim,
            latentSize,
            hiddenSizes: ints(options, 'hiddenSizes'),
            loss: ganLoss,
            seed,
            ...condition,
            ...training,
          });
    return {
      // fitAdversarial calls gan.afterDiscriminatorStep() (weight clipping) after every D update.
      trainer: { kind: 'adversarial', model: gan, discriminatorSteps: gan.discriminatorSteps },
      weights: gan,
      prepare: (x) => tf.clone(x),
      sample: (n, rng, condition) =>
        tf.tidy(() => tf.reshape(gan.sample(n, rng, condition ? { condition } : {}), [n, -1])),
      metrics: async () => ({}),
      dispose: () => gan.dispose(),
    };
  },
};
