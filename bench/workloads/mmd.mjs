import { Rng } from '@gen/core';
import { mmd } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import { repeatWorkload } from '../suite/workload.mjs';
import { MMD, plan } from './targets.mjs';

const N = 1000;
const BANDWIDTH = 1;

export const mmdRow = {
  id: 'mmd',
  title: `MMD² (unbiased), n = ${N}, d = 2, one RBF bandwidth`,
  target: MMD,
  plans: { full: plan(3, 5, 11), quick: plan(2, 3, 3) },
  python: { module: 'mmd_rbf' },
  async create() {
    const [rx, ry] = Rng.fromSeed(2).split(2);
    const x = rx.normal([N, 2]);
    const y = tf.tidy(() => tf.add(ry.normal([N, 2]), 0.5));
    const config = { x: await x.array(), y: await y.array(), bandwidth: BANDWIDTH };
    return repeatWorkload(
      () => mmd(x, y, { kernel: 'rbf', bandwidth: BANDWIDTH }),
      () => tf.dispose([x, y]),
      { pythonConfig: config },
    );
  },
};
