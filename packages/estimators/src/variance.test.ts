import { type GradientEstimator, Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import { Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { quadraticVariances } from '../test/quadratic-variances.js';
import { measureValued } from './measure-valued.js';
import { pathwise } from './pathwise.js';
import { scoreFunction } from './score-function.js';
import { testCosts } from './test-costs/test-costs.js';

// Single-sample (samples = 1) variances of ∂μ and ∂σ of E[(x − k)²] under N(1, 1), against the
// exact formulas of docs/references.md#estimator-variances-on-gaussian-test-costs, within 10%. R independent single-sample estimates come from
// one call on a Normal with a batch of R identical entries. The standard error of a sample
// variance is √((m₄ − s⁴)/R); the test also checks that 4 such errors fit inside the 10% band,
// so a pass is not luck (the score function's heavy tails need more draws).
const [MU, SIGMA] = [1, 1];
type Kind = keyof ReturnType<typeof quadraticVariances>;
const kinds: Record<Kind, { make: () => GradientEstimator; draws: number }> = {
  scoreFunction: { make: () => scoreFunction(), draws: 600_000 },
  pathwise: { make: () => pathwise(), draws: 200_000 },
  mvdCoupled: { make: () => measureValued({ coupling: true }), draws: 200_000 },
  mvdIndependent: { make: () => measureValued({ coupling: false }), draws: 200_000 },
};
const table: string[] = [];

function varianceOf(values: Float32Array): { variance: number; se: number } {
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let [m2, m4] = [0, 0];
  for (const v of values) {
    const d2 = (v - mean) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  const variance = m2 / (values.length - 1);
  return {
    variance,
    se: Math.sqrt(Math.max(m4 / values.length - variance ** 2, 0) / values.length),
  };
}

describeBackends(
  'single-sample variances for (x − k)² on N(1, 1) against the exact formulas',
  () => {
    afterAll(() => {
      console.log(`estimator        k   param  measured     exact  (4 SE)\n${table.join('\n')}`);
    });

    for (const kind of Object.keys(kinds) as Kind[]) {
      it(`${kind}, k = −3, 0, 3 (and the exact zero of coupled MVD at k = μ)`, () => {
        [-3, 0, 1, 3].forEach((k, i) => {
          const R = kinds[kind].draws;
          const params = [tf.fill([R], MU), tf.fill([R], SIGMA)];
          const rng = Rng.fromSeed(100 + i);
          const cost = testCosts.quadratic.cost(k);
          const grads = tf.grads(
            (loc, scale) =>
              kinds[kind]
                .make()
                .surrogate(new Normal({ loc: loc!, scale: scale!, validateArgs: false }), cost, {
                  samples: 1,
                  rng,
                }).loss,
          )(params);
          const exact = quadraticVariances(MU, SIGMA, k)[kind];
          ['μ', 'σ'].forEach((name, j) => {
            const { variance, se } = varianceOf(grads[j]!.dataSync() as Float32Array);
            table.push(
              `${kind.padEnd(15)} ${String(k).padStart(2)}   ${name}    ${variance.toFixed(4).padStart(9)} ${exact[j]!.toFixed(4).padStart(9)}  (${(4 * se).toFixed(3)})`,
            );
            if (exact[j] === 0) {
              expect(variance, `${kind} k=${k} ${name}`).toBeLessThan(1e-8);
            } else {
              expect(4 * se, `${kind} k=${k} ${name}: R too small`).toBeLessThan(0.1 * exact[j]!);
              expect(Math.abs(variance - exact[j]!), `${kind} k=${k} ${name}`).toBeLessThanOrEqual(
                0.1 * exact[j]!,
              );
            }
          });
          tf.dispose([...grads, ...params]);
        });
      });
    }
  },
);
