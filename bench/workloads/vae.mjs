import { Rng } from '@gen/core';
import { Vae } from '@gen/vae';
import { binaryData, trainerWorkload } from '../suite/workload.mjs';
import { plan, TRAINING } from './targets.mjs';

const BATCH = 100;
const CONFIG = { inputSize: 784, hiddenSizes: [500, 500], latentSize: 50 };

export const vaeRow = {
  id: 'vae',
  title: 'VAE 784-500-500-50 step, batch 100',
  target: TRAINING,
  plans: { full: plan(5, 10, 9), quick: plan(3, 4, 3) },
  python: { module: 'vae_step', config: { ...CONFIG, rows: 10 * BATCH, batchSize: BATCH } },
  create() {
    const vae = Vae.mlp({ ...CONFIG, likelihood: 'bernoulli', seed: 0 });
    const data = binaryData(Rng.fromSeed(1), [10 * BATCH, CONFIG.inputSize]);
    return trainerWorkload(vae, data, { batchSize: BATCH });
  },
};
