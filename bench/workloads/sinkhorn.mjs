import { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { sinkhorn } from '@gen/divergences';
import { repeatWorkload } from '../suite/workload.mjs';
import { SINKHORN } from './targets.mjs';

const N = 1000;
const SETTINGS = { tolerance: 1e-6, maxIterations: 1000 };

/** Sinkhorn in the log domain at `epsilon`; every call is one solve to the tolerance or cap. */
function sinkhornRow(epsilon, plans) {
  return {
    id: `sinkhorn-${epsilon}`,
    title: `Sinkhorn, n = ${N}, ε = ${epsilon} (log domain, tol 1e-6)`,
    target: { ...SINKHORN, mustConverge: true },
    unit: 's',
    plans,
    python: { module: 'sinkhorn_pot', sides: ['reference'] },
    async create() {
      const [rx, ry] = Rng.fromSeed(3).split(2);
      const x = rx.normal([N, 2]);
      const y = tf.tidy(() => tf.add(ry.normal([N, 2]), 1));
      const config = { x: await x.array(), y: await y.array(), epsilon, ...SETTINGS };
      let last = {};
      return repeatWorkload(
        () => {
          const { value, plan, iterations, marginalError, converged } = sinkhorn(x, y, {
            epsilon,
            ...SETTINGS,
            returnPlan: true,
          });
          plan.dispose();
          last = { iterations, marginalError, converged };
          return value;
        },
        () => tf.dispose([x, y]),
        { pythonConfig: config, info: () => last },
      );
    },
  };
}

// One solve is seconds (ε = 0.01: tens of seconds), so the warm-up is the profiled solve and
// the rounds are few; POT needs no warm-up.
export const sinkhornRows = [
  sinkhornRow(0.1, {
    full: { warmup: 0, iterations: 1, rounds: 3, profileCalls: 1, pythonWarmup: 0 },
    quick: { warmup: 0, iterations: 1, rounds: 1, profileCalls: 1, pythonWarmup: 0 },
  }),
  sinkhornRow(0.01, {
    full: { warmup: 0, iterations: 1, rounds: 2, profileCalls: 1, pythonWarmup: 0 },
  }),
];
