import { Made } from '@gen/autoregressive';
import { Rng } from '@gen/core';
import { binaryData, trainerWorkload } from '../suite/workload.mjs';
import { plan, TRAINING } from './targets.mjs';

const BATCH = 100;
const CONFIG = { inputSize: 784, hiddenSizes: [500] };

export const madeRow = {
  id: 'made',
  title: 'MADE 784-500-784 step, batch 100',
  target: TRAINING,
  plans: { full: plan(5, 10, 11), quick: plan(3, 5, 3) },
  python: { module: 'made_step', config: { ...CONFIG, rows: 10 * BATCH, batchSize: BATCH } },
  create() {
    const made = new Made({ ...CONFIG, likelihood: 'bernoulli', seed: 0 });
    const data = binaryData(Rng.fromSeed(1), [10 * BATCH, CONFIG.inputSize]);
    return trainerWorkload(made, data, { batchSize: BATCH });
  },
};
