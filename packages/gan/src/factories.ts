import { assertInteger, invalidArgument, Rng } from '@gen/core';
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
  if (conditionSize !== undefined) assertInteger(fn, 'conditionSize', conditionSize, 1);
  if (conditioning !== undefined) {
    assertConditioning(fn, conditioning);
    if (conditionSize === undefined) {
      throw invalidArgument(fn, 'conditioning', conditioning, 'is only used with conditionSize');
    }
  }
  assertBooleanOption(fn, 'spectralNorm', spectralNorm);
  assertInteger(fn, 'seed', seed, 0);
  if (!Array.isArray(hiddenSizes)) {
    throw invalidArgument(fn, 'hiddenSizes', hiddenSizes, 'must be an array of integers >= 1');
  }
  hiddenSizes.forEach((size, i) => {
    assertInteger(fn, `hiddenSizes[${i}]`, size, 1);
  });
  const c = conditionSize ?? 0;
  assertLayerSizes(fn, [latentSize + c, ...hiddenSizes, dataSize]);
  assertLayerSizes(fn, [dataSize + c, ...hiddenSizes, 1]);
  parseTraining(fn, training); // validate before any variable exists
  const nets = mlpPair(dataSize, latentSize, hiddenSizes, Rng.fromSeed(seed), {
    conditionSize: c,
    conditioning: conditioning ?? 'projection',
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
    width = 32,
    discriminatorWidth = width,
    batchNorm = false,
    discriminatorBatchNorm = false,
    spectralNorm = false,
    seed = 0,
    ...training
  } = options;
  assertInteger(fn, 'latentSize', latentSize, 1);
  assertInteger(fn, 'width', width, 1);
  assertInteger(fn, 'discriminatorWidth', discriminatorWidth, 1);
  if (typeof batchNorm !== 'boolean') {
    throw invalidArgument(fn, 'batchNorm', batchNorm, 'must be a boolean');
  }
  assertBooleanOption(fn, 'discriminatorBatchNorm', discriminatorBatchNorm);
  assertBooleanOption(fn, 'spectralNorm', spectralNorm);
  assertInteger(fn, 'seed', seed, 0);
  assertLayerSizes(fn, [latentSize, 7 * 7 * 2 * width], 'latentSize and width');
  // The 4×4 kernels between w and 2w channels.
  assertLayerSizes(fn, [16 * width, 2 * width], 'width');
  assertLayerSizes(fn, [7 * 7 * 2 * discriminatorWidth, 1], 'discriminatorWidth');
  assertLayerSizes(fn, [16 * discriminatorWidth, 2 * discriminatorWidth], 'discriminatorWidth');
  parseTraining(fn, training); // validate before any variable exists
  const [g, d] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
  const generator = new DcganGenerator(latentSize, g, { width, batchNorm });
  const discriminator = new DcganDiscriminator(d, {
    width: discriminatorWidth,
    batchNorm: discriminatorBatchNorm,
    spectralNorm,
  });
  return { generator, discriminator, latentSize, ...training };
}
