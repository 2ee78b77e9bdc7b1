import * as tf from '@tensorflow/tfjs-core';
import { repeatWorkload } from '../suite/workload.mjs';
import { NONE_TORCH } from './targets.mjs';

export const elementwiseRow = {
  id: 'elementwise',
  title: 'one elementwise op (add) on a [2] tensor',
  target: NONE_TORCH,
  unit: 'µs',
  plans: {
    full: { warmup: 2000, iterations: 20000, rounds: 11, profileCalls: 10 },
    quick: { warmup: 1000, iterations: 5000, rounds: 3, profileCalls: 10 },
    cpu: { warmup: 2000, iterations: 20000, rounds: 5, profileCalls: 10 },
  },
  python: { module: 'elementwise', config: {} },
  create() {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([3, 4]);
    return repeatWorkload(
      () => tf.add(a, b),
      () => tf.dispose([a, b]),
    );
  },
};
