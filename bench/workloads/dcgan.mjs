import { Rng } from '@gen/core';
import { Gan } from '@gen/gan';
import { trainerWorkload } from '../suite/workload.mjs';
import { plan, TRAINING } from './targets.mjs';

const BATCH = 64;
const LATENT = 64;

export const dcganRow = {
  id: 'dcgan',
  title: `DCGAN MNIST step (Gan.dcgan, z ${LATENT}), batch ${BATCH}`,
  target: TRAINING,
  plans: { full: plan(2, 2, 7, 1), quick: plan(1, 1, 3, 1) },
  python: {
    module: 'dcgan_step',
    config: { latentSize: LATENT, rows: 10 * BATCH, batchSize: BATCH },
  },
  create() {
    const gan = Gan.dcgan({ latentSize: LATENT, loss: 'non-saturating', seed: 0 });
    // Grey MNIST-shaped pixels in [0, 1]: the step costs the same on any values.
    const data = Rng.fromSeed(1).uniform([10 * BATCH, 784]);
    return trainerWorkload(gan, data, { batchSize: BATCH });
  },
};
