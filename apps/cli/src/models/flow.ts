import { bitsPerDim, type Rng } from '@gen/core';
import { ActNorm, Flow, MultiscaleFlow, RationalQuadraticSpline, standardNormal } from '@gen/flows';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';
import {
  type BuildContext,
  type BuiltModel,
  type ModelFamily,
  meanAndError,
  meanOf,
  rowValues,
} from './family.js';
import { ints, num } from './options.js';

const IMAGE_SHAPE = [28, 28, 1];

/** The neural spline flow of continuous data (points). */
function splineFlow({ data, options, seed }: BuildContext): BuiltModel {
  const dim = data.dim;
  const couplings = Array.from(
    { length: num(options, 'layers') },
    (_, i) =>
      new RationalQuadraticSpline({
        dim,
        parity: (i % 2) as 0 | 1,
        bins: num(options, 'bins'),
        tailBound: num(options, 'tailBound'),
        hiddenSizes: ints(options, 'hiddenSizes'),
        seed: seed * 1000 + i,
      }),
  );
  const flow = new Flow({
    base: standardNormal(dim),
    transforms: [...couplings, new ActNorm({ dim })],
  });
  return {
    trainer: { kind: 'fit', model: flow },
    weights: flow,
    prepare: (x) => tf.clone(x),
    sample: (n, rng) => flow.sample(n, rng),
    density: { label: 'log p(x)', logDensity: (x) => flow.logProb(x) },
    metrics: async (x) => ({ nll: -(await meanOf(flow.logProb(x))) }),
    dispose: () => flow.dispose(),
  };
}

/**
 * The multiscale RealNVP/Glow flow of grey 28×28 images (never binarised): rows `[n, 784]` of
 * level/255 go in as they are; the flow dequantises them itself.
 */
function imageFlow({ arch, options, seed }: BuildContext): BuiltModel {
  if (arch !== 'conv') {
    throw new UsageError(
      '--arch: the flow of images is the multiscale convolutional flow; use --arch conv (the default for images)',
    );
  }
  const flow = new MultiscaleFlow({
    shape: IMAGE_SHAPE,
    levels: num(options, 'levels'),
    stepsPerLevel: num(options, 'stepsPerLevel'),
    hiddenChannels: num(options, 'hiddenChannels'),
    seed,
  });
  const dims = flow.dim;
  return {
    trainer: { kind: 'fit', model: flow },
    weights: flow,
    prepare: (x) => tf.clone(x),
    sample: (n, rng) => tf.tidy(() => tf.reshape(flow.sample(n, rng), [n, dims])),
    metrics: async (x, rng: Rng) => {
      // log p(y) at one uniform draw u per pixel: an unbiased estimate of the dequantisation bound.
      const logProb = await rowValues(x, (rows) => flow.logProb(rows, { rng }));
      const { mean, standardError } = meanAndError(logProb);
      const nll = -mean + dims * Math.log(256);
      return {
        nll,
        nllStandardError: standardError,
        bitsPerDim: bitsPerDim(-nll, dims),
        bitsPerDimStandardError: standardError / (dims * Math.LN2),
      };
    },
    dispose: () => flow.dispose(),
  };
}

/**
 * `gen train flow`: for continuous data a neural spline flow — rational-quadratic spline
 * couplings of alternating parity and a final ActNorm, the stack that came closest to the
 * entropy on every 2-D toy in the @gen/flows benchmark (and it avoids `Permute`, which cannot
 * train on wasm); for images the multiscale RealNVP/Glow flow of @gen/flows (`MultiscaleFlow`:
 * dequantisation, logit, 2 levels of squeeze + K steps of ActNorm, 1×1 convolution and
 * convolutional affine coupling). The evaluation of an image run reports `nll`, the negative
 * log-likelihood bound of the 8-bit pixels in nats per image (−log p(y) + 784·ln 256), and
 * `bitsPerDim`, the same per pixel in bits.
 */
export const flowFamily: ModelFamily = {
  name: 'flow',
  description:
    'neural spline flow (points) or multiscale RealNVP/Glow flow (images, grey) (@gen/flows)',
  archs: ['mlp', 'conv'],
  imageArch: 'conv',
  kinds: ['points', 'images'],
  binarize: false,
  losses: [],
  // Neither flow is class-conditional here.
  conditionalArchs: [],
  optionFlags: [],
  defaults: (data) =>
    data.kind === 'images'
      ? {
          steps: 1000,
          batchSize: 64,
          lr: 1e-3,
          options: { levels: 2, stepsPerLevel: 4, hiddenChannels: 32 },
        }
      : {
          steps: 1500,
          batchSize: 256,
          lr: 5e-3,
          options: { layers: 4, hiddenSizes: [64, 64], bins: 8, tailBound: 4 },
        },
  build: (context) => (context.data.kind === 'images' ? imageFlow(context) : splineFlow(context)),
};
