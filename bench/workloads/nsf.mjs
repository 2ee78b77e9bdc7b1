import { Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { Flow, RationalQuadraticSpline, standardNormal } from '@gen/flows';
import { trainerWorkload } from '../suite/workload.mjs';
import { plan, TRAINING } from './targets.mjs';

const BATCH = 256;
const CONFIG = { layers: 4, hiddenSizes: [64, 64], bins: 8, tailBound: 4 };

export const nsfRow = {
  id: 'nsf',
  title: 'neural spline flow step (4 RQ-spline couplings, 2-D), batch 256',
  target: TRAINING,
  plans: { full: plan(5, 10, 11), quick: plan(3, 5, 3) },
  python: { module: 'nsf_step', config: { ...CONFIG, rows: 10 * BATCH, batchSize: BATCH } },
  create() {
    const { layers, ...layer } = CONFIG;
    const transforms = Array.from(
      { length: layers },
      (_, i) => new RationalQuadraticSpline({ dim: 2, parity: i % 2, seed: i, ...layer }),
    );
    const flow = new Flow({ base: standardNormal(2), transforms });
    const { x } = makeToy('moons', { n: 10 * BATCH, rng: Rng.fromSeed(1) });
    return trainerWorkload(flow, x, { batchSize: BATCH });
  },
};
