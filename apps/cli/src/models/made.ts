import { Made, PixelCnn } from '@gen/autoregressive';
import * as tf from '@tensorflow/tfjs-core';
import { type BuiltModel, type ModelFamily, meanAndError, rowValues } from './family.js';
import { ints, num } from './options.js';

function likelihoodModel(model: Made | PixelCnn): BuiltModel {
  return {
    trainer: { kind: 'fit', model },
    weights: model,
    prepare: (x) => tf.clone(x),
    sample: (n, rng) => model.sample(n, rng),
    density: { label: 'log p(x)', logDensity: (x) => model.logProb(x) },
    metrics: async (x) => {
      const { mean, standardError } = meanAndError(
        await rowValues(x, (rows) => model.logProb(rows)),
      );
      return { nll: -mean, nllStandardError: standardError };
    },
    dispose: () => model.dispose(),
  };
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
  build({ data, options, seed }) {
    const bernoulli = data.kind === 'images';
    const model = new Made({
      inputSize: data.dim,
      hiddenSizes: ints(options, 'hiddenSizes'),
      likelihood: bernoulli ? 'bernoulli' : 'gaussian',
      ...(bernoulli ? {} : { components: num(options, 'components') }),
      // A run stored before the option existed has no key: the model it was trained as.
      ...(options.directConnections === true ? { directConnections: true } : {}),
      seed,
    });
    return likelihoodModel(model);
  },
};

/** `gen train pixelcnn`: a small PixelCNN on binarised 28×28 images. */
export const pixelCnnFamily: ModelFamily = {
  name: 'pixelcnn',
  description:
    'small PixelCNN with masked convolutions (@gen/autoregressive); binarised images only',
  archs: ['conv'],
  imageArch: 'conv',
  kinds: ['images'],
  binarize: true,
  losses: [],
  defaults: () => ({
    steps: 1000,
    batchSize: 32,
    lr: 1e-3,
    options: { channels: 32, layers: 5, kernelSize: 5 },
  }),
  build({ options, seed }) {
    const model = new PixelCnn({
      channels: num(options, 'channels'),
      layers: num(options, 'layers'),
      kernelSize: num(options, 'kernelSize'),
      seed,
    });
    return likelihoodModel(model);
  },
};
