import { assertInteger, invalidArgument, Rng } from '@gen/core';
import type { GanConditioning } from './mlp-critic.js';
import { DcganDiscriminator, DcganGenerator, mlpPair } from './networks.js';
import {
  assertBooleanOption,
  assertConditioning,
  assertObject,
  type GanDcganOptions,
  type GanMlpOptions,
  type GanOptions,
  parseTraining,
  TRAINING_KEYS,
} from './options.js';
import { assertLayerSizes } from './validate.js';

/**
 * Checks the `conditionSize` and `conditioning` options of the factory `fn`: the condition's
 * columns (0 when unconditional) and how the discriminator uses it (default 'projection').
 */
function parseConditioning(
  fn: string,
  conditionSize: unknown,
  conditioning: unknown,
): { c: number; conditioning: GanConditioning } {
  if (conditionSize !== undefined) assertInteger(fn, 'conditionSize', conditionSize, 1);
  if (conditioning !== undefined) {
    assertConditioning(fn, conditioning);
    if (conditionSize === undefined) {
      throw invalidArgument(fn, 'conditioning', conditioning, 'is only used with conditionSize');
    }
  }
  return {
    c: (conditionSize as number | undefined) ?? 0,
    conditioning: (conditioning as GanConditioning | undefined) ?? 'projection',
  };
}

/** The `Gan` options behind `Gan.mlp`: leaky-ReLU MLPs seeded from `seed` (default 0). */
export function mlpOptions(options: GanMlpOptions): GanOptions {
  const fn = 'Gan.mlp';
  assertObject(fn, options, [
    'dataSize',
    'latentSize',
    'hiddenSizes',
    'conditionSize',
    'conditioning',
    'spectralNorm',
    'seed',
    ...TRAINING_KEYS,
  ]);
  const {
    dataSize,
    latentSize,
    hiddenSizes,
    conditionSize,
    conditioning,
    spectralNorm = false,
    seed = 0,
    ...training
  } = options;
  assertInteger(fn, 'dataSize', dataSize, 1);
  assertInteger(fn, 'latentSize', latentSize, 1);
  const conditional = parseConditioning(fn, conditionSize, conditioning);
  assertBooleanOption(fn, 'spectralNorm', spectralNorm);
  assertInteger(fn, 'seed', seed, 0);
  if (!Array.isArray(hiddenSizes)) {
    throw invalidArgument(fn, 'hiddenSizes', hiddenSizes, 'must be an array of integers >= 1');
  }
  hiddenSizes.forEach((size, i) => {
    assertInteger(fn, `hiddenSizes[${i}]`, size, 1);
  });
  const c = conditional.c;
  assertLayerSizes(fn, [latentSize + c, ...hiddenSizes, dataSize]);
  assertLayerSizes(fn, [dataSize + c, ...hiddenSizes, 1]);
  parseTraining(fn, training); // validate before any variable exists
  const nets = mlpPair(dataSize, latentSize, hiddenSizes, Rng.fromSeed(seed), {
    conditionSize: c,
    conditioning: conditional.conditioning,
    spectralNorm,
  });
  return {
    ...nets,
    latentSize,
    ...(conditionSize === undefined ? {} : { conditionSize }),
    ...training,
  };
}

/** The `Gan` options behind `Gan.dcgan`. */
export function dcganOptions(options: GanDcganOptions): GanOptions {
  const fn = 'Gan.dcgan';
  assertObject(fn, options, [
    'latentSize',
    'conditionSize',
    'conditioning',
    'width',
    'discriminatorWidth',
    'batchNorm',
    'discriminatorBatchNorm',
    'spectralNorm',
    'seed',
    ...TRAINING_KEYS,
  ]);
  const {
    latentSize,
    conditionSize,
    conditioning,
    width = 32,
    discriminatorWidth = width,
    batchNorm = false,
    discriminatorBatchNorm = false,
    spectralNorm = false,
    seed = 0,
    ...training
  } = options;
  assertInteger(fn, 'latentSize', latentSize, 1);
  const { c, conditioning: how } = parseConditioning(fn, conditionSize, conditioning);
  assertInteger(fn, 'width', width, 1);
  assertInteger(fn, 'discriminatorWidth', discriminatorWidth, 1);
  if (typeof batchNorm !== 'boolean') {
    throw invalidArgument(fn, 'batchNorm', batchNorm, 'must be a boolean');
  }
  assertBooleanOption(fn, 'discriminatorBatchNorm', discriminatorBatchNorm);
  assertBooleanOption(fn, 'spectralNorm', spectralNorm);
  assertInteger(fn, 'seed', seed, 0);
  assertLayerSizes(fn, [latentSize + c, 7 * 7 * 2 * width], 'latentSize, conditionSize and width');
  // The 4×4 kernels between w and 2w channels.
  assertLayerSizes(fn, [16 * width, 2 * width], 'width');
  assertLayerSizes(fn, [7 * 7 * 2 * discriminatorWidth, 1], 'discriminatorWidth');
  assertLayerSizes(fn, [16 * discriminatorWidth, 2 * discriminatorWidth], 'discriminatorWidth');
  // The condition's channels into the first convolution, or its projection onto the features.
  assertLayerSizes(fn, [16 * (1 + c), discriminatorWidth], 'conditionSize and discriminatorWidth');
  assertLayerSizes(fn, [c, 7 * 7 * 2 * discriminatorWidth], 'conditionSize and discriminatorWidth');
  parseTraining(fn, training); // validate before any variable exists
  const [g, d] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
  const generator = new DcganGenerator(latentSize, g, { width, batchNorm, conditionSize: c });
  const discriminator = new DcganDiscriminator(d, {
    width: discriminatorWidth,
    batchNorm: discriminatorBatchNorm,
    spectralNorm,
    conditionSize: c,
    conditioning: how,
  });
  return {
    generator,
    discriminator,
    latentSize,
    ...(conditionSize === undefined ? {} : { conditionSize }),
    ...training,
  };
}
