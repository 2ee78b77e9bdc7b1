import { ActNorm, Flow, RationalQuadraticSpline, standardNormal } from '@gen/flows';
import * as tf from '@tensorflow/tfjs-core';
import { type BuiltModel, type ModelFamily, meanOf } from './family.js';
import { ints, num } from './options.js';

/**
 * `gen train flow`: a neural spline flow for continuous data — rational-quadratic spline couplings of alternating
 * parity and a final ActNorm — the stack that came closest to the entropy on every 2-D toy in
 * the @gen/flows benchmark (and it avoids `Permute`, which cannot train on wasm).
 */
export const flowFamily: ModelFamily = {
  name: 'flow',
  description: 'neural spline flow: rational-quadratic couplings + ActNorm (@gen/flows)',
  archs: ['mlp'],
  imageArch: 'mlp',
  kinds: ['points'],
  binarize: false,
  losses: [],
  // A flow models points, which have no labels to condition on.
  conditionalArchs: [],
  optionFlags: [],
  defaults: () => ({
    steps: 1500,
    batchSize: 256,
    lr: 5e-3,
    options: { layers: 4, hiddenSizes: [64, 64], bins: 8, tailBound: 4 },
  }),
  build({ data, options, seed }): BuiltModel {
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
  },
};
