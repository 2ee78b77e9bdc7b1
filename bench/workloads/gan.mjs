import { Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { Gan } from '@gen/gan';
import { trainerWorkload } from '../suite/workload.mjs';
import { plan, TRAINING } from './targets.mjs';

const BATCH = 256;
const CONFIG = { dataSize: 2, latentSize: 16, hiddenSizes: [128, 128] };

export const ganRow = {
  id: 'gan',
  title: 'GAN step, 2×128 leaky-ReLU G and D, z 16, batch 256',
  target: TRAINING,
  // The issue asks for at least half of the ~580 kernels of a GAN step today.
  kernelTarget: { max: 290, text: '≤ 290 kernels' },
  plans: { full: plan(10, 30, 11), quick: plan(5, 15, 3), cpu: plan(2, 5, 3, 1) },
  python: { module: 'gan_step', config: { ...CONFIG, rows: 10 * BATCH, batchSize: BATCH } },
  create() {
    const gan = Gan.mlp({ ...CONFIG, loss: 'non-saturating', seed: 0 });
    const { x } = makeToy('ring8', { n: 10 * BATCH, rng: Rng.fromSeed(1) });
    return trainerWorkload(gan, x, { batchSize: BATCH });
  },
};
