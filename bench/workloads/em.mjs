import * as tf from '@tensorflow/tfjs-core';
import { prepareFitter } from '../em.mjs';
import { NONE_REFERENCE } from './targets.mjs';

const CASE = { n: 50_000, d: 16, k: 8, covariance: 'full' };
const PER_FIT = 3;

export const emRow = {
  id: 'em',
  title: `EM iteration, GaussianMixture N = 50 000, K = 8, D = 16, full`,
  target: NONE_REFERENCE,
  plans: {
    full: { warmup: 1, iterations: 1, rounds: 7, profileCalls: 1, pythonWarmup: 2 },
    quick: { warmup: 1, iterations: 1, rounds: 3, profileCalls: 1, pythonWarmup: 1 },
  },
  python: { module: 'em_step', sides: ['reference'], config: { case: CASE } },
  async create() {
    const { x, fitter } = await prepareFitter(CASE, PER_FIT);
    return {
      // One fit call is PER_FIT iterations (tolerance 0), as em.mjs times it.
      unitsPerCall: PER_FIT,
      async loop(count) {
        for (let i = 0; i < count; i++) await fitter.fit(x, { warmStart: true });
      },
      dispose() {
        fitter.dispose();
        tf.dispose(x);
      },
    };
  },
};
