import { Rng } from '@gen/core';
import { sinkhorn } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import { repeatWorkload } from '../suite/workload.mjs';
import { SINKHORN } from './targets.mjs';

const N = 1000;
const TOLERANCE = 1e-6;

/**
 * Sinkhorn in the log domain at `epsilon`; every call is one solve to the tolerance or the cap
 * (`caps.gen` iterations for @gen, `caps.pot` for POT). At ε = 0.01 POT needs ten thousand
 * iterations or more at about 40 ms each on this machine, so its cap stays at 1000: its time
 * is then a lower bound on its time to converge, and a ratio under 1 against it still means
 * @gen converges faster.
 */
function sinkhornRow(epsilon, caps, plans) {
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
      const config = {
        x: await x.array(),
        y: await y.array(),
        epsilon,
        tolerance: TOLERANCE,
        maxIterations: caps.pot,
      };
      let last = {};
      return repeatWorkload(
        () => {
          const { value, plan, iterations, marginalError, converged } = sinkhorn(x, y, {
            epsilon,
            tolerance: TOLERANCE,
            maxIterations: caps.gen,
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
  sinkhornRow(
    0.1,
    { gen: 1000, pot: 1000 },
    {
      full: { warmup: 0, iterations: 1, rounds: 3, profileCalls: 1, pythonWarmup: 0 },
      quick: { warmup: 0, iterations: 1, rounds: 1, profileCalls: 1, pythonWarmup: 0 },
    },
  ),
  sinkhornRow(
    0.01,
    { gen: 20000, pot: 1000 },
    {
      full: { warmup: 0, iterations: 1, rounds: 1, profileCalls: 1, pythonWarmup: 0 },
    },
  ),
];
