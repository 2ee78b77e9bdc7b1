import { Made, PixelCnn, type PixelCnnBlocks, type PixelCnnLikelihood } from '@gen/autoregressive';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';
import { parseInteger } from '../run/parse.js';
import {
  type BuiltModel,
  type ModelFamily,
  meanAndError,
  type OptionFlag,
  rowValues,
} from './family.js';
import { ints, num, parseOneOf } from './options.js';

/** The { condition } option of a conditional model's call; nothing for an unconditional one. */
const given = (condition: tf.Tensor | undefined) => (condition ? { condition } : {});

function likelihoodModel(model: Made | PixelCnn): BuiltModel {
  return {
    trainer: { kind: 'fit', model },
    weights: model,
    prepare: (x) => tf.clone(x),
    sample: (n, rng, condition) => model.sample(n, rng, given(condition)),
    density: { label: 'log p(x)', logDensity: (x) => model.logProb(x) },
    metrics: async (x, _rng, condition) => {
      const values = await rowValues(
        x,
        (rows, labels) => model.logProb(rows, given(labels)),
        condition,
      );
      const { mean, standardError } = meanAndError(values);
      return { nll: -mean, nllStandardError: standardError };
    },
    dispose: () => model.dispose(),
  };
}

/** Most masks of `--num-masks` and mixture components of a MADE conditional (@gen/autoregressive's bound). */
const MAX_MADE_COUNT = 1024;
/** Most logistics of a PixelCNN pixel (@gen/autoregressive's bound). */
const MAX_PIXEL_COMPONENTS = 64;

/** MADE orderings `--ordering` takes: the two of `Made`, and the natural order reversed. */
const ORDERINGS = ['natural', 'random', 'reverse'] as const;

/** `--components`, shared by made and pixelcnn (one help line). */
const COMPONENTS = {
  flags: '--components <k>',
  option: 'components',
  description:
    'mixture components: Gaussians per MADE conditional on points (default 5), logistics per PixelCNN pixel with --likelihood discretized-logistic (default 1)',
} as const;

const MADE_FLAGS: readonly OptionFlag[] = [
  {
    flags: '--num-masks <k>',
    option: 'numMasks',
    description:
      'train on a pool of k masks, one per step (order-agnostic with --ordering random); the NLL is the ensemble over all k (k passes)',
    parse: (source, value) => parseInteger(source, value, 1, MAX_MADE_COUNT),
  },
  {
    flags: '--ordering <name>',
    option: 'ordering',
    description:
      'autoregressive order: natural (default), reverse, or random (drawn from --seed, a new one for every mask)',
    parse: (source, value) => parseOneOf(source, value, ORDERINGS),
  },
  {
    ...COMPONENTS,
    parse: (source, value, { data }) => {
      if (data.kind === 'images') {
        throw new UsageError(
          `${source}: the MADE of binarised images has Bernoulli conditionals, without mixture components`,
        );
      }
      return parseInteger(source, value, 1, MAX_MADE_COUNT);
    },
  },
];

/** The `Made` ordering of a stored `ordering` option (`reverse`: position D − 1 − i for input i). */
function madeOrdering(ordering: unknown, inputSize: number) {
  if (ordering === undefined) return {};
  if (ordering === 'reverse') {
    return { ordering: Array.from({ length: inputSize }, (_, i) => inputSize - 1 - i) };
  }
  // 'natural' and 'random', or an unknown stored name for Made to refuse by name.
  return { ordering: ordering as 'natural' | 'random' };
}

/** `gen train made`: MADE, Bernoulli on binarised images, a Gaussian mixture per conditional else. */
export const madeFamily: ModelFamily = {
  name: 'made',
  description: 'MADE autoregressive model (@gen/autoregressive); images are binarised',
  archs: ['mlp'],
  imageArch: 'mlp',
  kinds: ['points', 'images'],
  binarize: true,
  losses: [],
  conditionalArchs: ['mlp'],
  optionFlags: MADE_FLAGS,
  defaults: (data) =>
    data.kind === 'images'
      ? {
          steps: 2000,
          batchSize: 100,
          lr: 1e-3,
          options: { hiddenSizes: [500], directConnections: false },
        }
      : {
          steps: 2000,
          batchSize: 256,
          lr: 3e-3,
          options: { hiddenSizes: [64, 64], components: 5 },
        },
  build({ data, options, seed, conditionSize }) {
    const bernoulli = data.kind === 'images';
    const model = new Made({
      inputSize: data.dim,
      hiddenSizes: ints(options, 'hiddenSizes'),
      likelihood: bernoulli ? 'bernoulli' : 'gaussian',
      ...(bernoulli ? {} : { components: num(options, 'components') }),
      // A run stored before the option existed has no key: the model it was trained as.
      ...(options.directConnections === true ? { directConnections: true } : {}),
      ...(options.numMasks === undefined ? {} : { numMasks: num(options, 'numMasks') }),
      ...madeOrdering(options.ordering, data.dim),
      ...(conditionSize === null ? {} : { conditionSize }),
      seed,
    });
    return likelihoodModel(model);
  },
};

/** `--likelihood` values and the PixelCnn likelihood each names. */
const LIKELIHOODS: Record<string, PixelCnnLikelihood> = {
  bernoulli: 'bernoulli',
  categorical256: 'categorical256',
  'discretized-logistic': 'discretizedLogistic',
};

/** PixelCNN layer kinds, as `--blocks` takes them. */
const BLOCKS: readonly PixelCnnBlocks[] = ['masked', 'gated'];

const PIXEL_CNN_FLAGS: readonly OptionFlag[] = [
  {
    flags: '--blocks <kind>',
    option: 'blocks',
    description:
      "layers: masked (default; masked convolutions) or gated (the Conditional PixelCNN's gated blocks, no blind spot)",
    parse: (source, value) => parseOneOf(source, value, BLOCKS),
  },
  {
    flags: '--likelihood <name>',
    option: 'likelihood',
    description:
      'pixel distribution: bernoulli (default; binarised images), categorical256 (softmax over 256 grey levels) or discretized-logistic (PixelCNN++; grey images)',
    parse: (source, value) => parseOneOf(source, value, Object.keys(LIKELIHOODS)),
  },
  {
    ...COMPONENTS,
    parse: (source, value) => parseInteger(source, value, 1, MAX_PIXEL_COMPONENTS),
  },
];

/** `gen train pixelcnn`: a small PixelCNN on binarised (or, with a 256-level likelihood, grey) 28×28 images. */
export const pixelCnnFamily: ModelFamily = {
  name: 'pixelcnn',
  description:
    'small PixelCNN, masked convolutions or gated blocks (@gen/autoregressive); binarised images, or grey with a 256-level --likelihood',
  archs: ['conv'],
  imageArch: 'conv',
  kinds: ['images'],
  binarize: true,
  // The 256-level likelihoods model the grey images themselves.
  greyWith: (options) => options.likelihood !== undefined && options.likelihood !== 'bernoulli',
  losses: [],
  conditionalArchs: ['conv'],
  optionFlags: PIXEL_CNN_FLAGS,
  defaults: () => ({
    steps: 1000,
    batchSize: 32,
    lr: 1e-3,
    options: { channels: 32, layers: 5, kernelSize: 5 },
  }),
  build({ options, seed, conditionSize }) {
    if (options.components !== undefined && options.likelihood !== 'discretized-logistic') {
      throw new UsageError(
        `--components: mixes the logistics of --likelihood discretized-logistic, not of ${JSON.stringify(options.likelihood ?? 'bernoulli')}`,
      );
    }
    const model = new PixelCnn({
      channels: num(options, 'channels'),
      layers: num(options, 'layers'),
      kernelSize: num(options, 'kernelSize'),
      // Passed only when given, so runs without them rebuild the model they were trained as.
      ...(options.blocks === undefined ? {} : { blocks: options.blocks as PixelCnnBlocks }),
      ...(options.likelihood === undefined
        ? {}
        : // An unknown stored name goes through, for PixelCnn to refuse it by name.
          {
            likelihood: LIKELIHOODS[options.likelihood as string] ?? (options.likelihood as never),
          }),
      ...(options.components === undefined ? {} : { components: num(options, 'components') }),
      ...(conditionSize === null ? {} : { conditionSize }),
      seed,
    });
    return likelihoodModel(model);
  },
};
