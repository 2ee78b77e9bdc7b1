import { Rng } from '@gen/core';
import { Vae } from '@gen/vae';
import { binaryData, trainerWorkload } from '../suite/workload.mjs';
import { plan, TRAINING } from './targets.mjs';

const BATCH = 64;
const LATENT = 16;

export const convVaeRow = {
  id: 'conv-vae',
  title: `conv VAE step (Vae.conv, 28×28×1, z ${LATENT}), batch ${BATCH}`,
  target: TRAINING,
  plans: { full: plan(2, 2, 7, 1), quick: plan(1, 1, 3, 1) },
  python: {
    module: 'conv_vae_step',
    config: { latentSize: LATENT, rows: 10 * BATCH, batchSize: BATCH },
  },
  create() {
    const vae = Vae.conv({ latentSize: LATENT, likelihood: 'bernoulli', seed: 0 });
    const data = binaryData(Rng.fromSeed(1), [10 * BATCH, 28, 28, 1]);
    return trainerWorkload(vae, data, { batchSize: BATCH });
  },
};
