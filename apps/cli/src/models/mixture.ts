import { COVARIANCE_TYPES, type CovarianceType, GaussianMixture } from '@gen/mixture';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';
import { type BuiltModel, type ModelFamily, meanOf } from './family.js';
import { num } from './options.js';

/** `gen train mixture`: a Gaussian mixture fitted by EM (steps = EM iterations). */
export const mixtureFamily: ModelFamily = {
  name: 'mixture',
  description: 'Gaussian mixture fitted by EM (@gen/mixture); steps are EM iterations',
  archs: ['mlp'],
  imageArch: 'mlp',
  kinds: ['points', 'images'],
  binarize: false,
  losses: [],
  conditionalArchs: [],
  optionFlags: [],
  defaults: (data) => ({
    steps: 100,
    batchSize: data.n,
    lr: 1,
    options: {
      components: data.name === 'grid25' ? 25 : data.kind === 'images' ? 10 : 8,
      covariance: data.kind === 'images' ? 'diag' : 'full',
      regCovar: data.kind === 'images' ? 1e-2 : 1e-6,
      tolerance: 1e-4,
    },
  }),
  build({ options, seed }): BuiltModel {
    const covariance = options.covariance as CovarianceType;
    if (!COVARIANCE_TYPES.includes(covariance)) {
      throw new UsageError(
        `--config: options.covariance must be one of ${COVARIANCE_TYPES.join(', ')}, got ${JSON.stringify(covariance)}`,
      );
    }
    const gm = new GaussianMixture({
      components: num(options, 'components'),
      covariance,
      regCovar: num(options, 'regCovar'),
      tolerance: num(options, 'tolerance'),
      seed,
    });
    return {
      trainer: { kind: 'em', model: gm },
      weights: gm,
      prepare: (x) => tf.clone(x),
      sample: (n, rng) => gm.sample(n, rng),
      density: { label: 'log p(x)', logDensity: (x) => gm.logProb(x) },
      metrics: async (x) => ({ nll: -(await meanOf(gm.logProb(x))) }),
      dispose: () => gm.dispose(),
    };
  },
};
