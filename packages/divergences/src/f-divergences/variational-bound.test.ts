import { initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { scalar } from '../../test/support.js';
import { divergence } from '../divergence.js';
import { alphaDivergence } from './alpha-divergence.js';
import type { FDivergence } from './f-divergence.js';
import { fDivergences } from './table.js';
import { variationalBound } from './variational-bound.js';

// P and Q on four points with probabilities in twentieths: a "sample" listing each point
// 20·p times makes sample means exact expectations, so the bound can be checked exactly.
const P = [0.1, 0.4, 0.25, 0.25];
const Q = [0.3, 0.2, 0.25, 0.25];
const counts = (probs: number[]) => probs.flatMap((p, k) => Array(Math.round(20 * p)).fill(k));
const REAL = counts(P);
const FAKE = counts(Q);

const softplusInverse = (s: number) => Math.log(Math.expm1(s));
/** v with g_f(v) = t, per row (test-local inverses of the activations). */
const INVERSE: Record<string, (t: number) => number> = {
  kl: (t) => t,
  pearson: (t) => t,
  jeffreys: (t) => t,
  'reverse-kl': (t) => -Math.log(-t),
  neyman: (t) => -Math.log(1 - t),
  'squared-hellinger': (t) => -Math.log(1 - t),
  js: (t) => -Math.log(2 * Math.exp(-2 * t) - 1),
  gan: (t) => t - Math.log(-Math.expm1(t)),
  // tanh(±30) = ±1 in float32; T* = ±½ where p ≠ q.
  'total-variation': (t) => (t === 0 ? 0 : Math.sign(t) * 30),
  'alpha(0.5)': (t) => -softplusInverse(2 - t),
  'alpha(-1)': (t) => -softplusInverse(0.5 - t),
  'alpha(2)': (t) => t,
};

/** The true D_f(P‖Q) of each row, from `divergence` (GAN: 2·JS − log 4). */
function trueDivergence(row: FDivergence): number {
  const alpha = /^alpha\((.*)\)$/.exec(row.name);
  if (alpha) return scalar(divergence('alpha', P, Q, { alpha: Number(alpha[1]) }));
  if (row.name === 'gan') return 2 * scalar(divergence('js', P, Q)) - Math.log(4);
  return scalar(divergence(row.name as 'kl', P, Q));
}

/** Critic outputs on the real and fake "samples" for per-point values v[k]. */
function critic(v: number[]): [tf.Tensor, tf.Tensor] {
  return [tf.tensor1d(REAL.map((k) => v[k]!)), tf.tensor1d(FAKE.map((k) => v[k]!))];
}

const ROWS: FDivergence[] = [
  ...Object.values(fDivergences),
  alphaDivergence(0.5),
  alphaDivergence(-1),
  alphaDivergence(2),
];

describe('variationalBound', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('is tight at the optimal critic g_f(V*) = f′(p/q), for every row', () => {
    for (const row of ROWS) {
      const tStar = Array.from(row.derivative(tf.tensor1d(P.map((p, k) => p / Q[k]!))).dataSync());
      const [real, fake] = critic(tStar.map(INVERSE[row.name]!));
      const bound = variationalBound(row, real, fake);
      expectClose(bound, trueDivergence(row), { atol: 2e-6, rtol: 1e-5, message: row.name });
      tf.dispose([real, fake, bound]);
    }
  });

  it('stays below the true divergence for arbitrary critics', () => {
    const rng = Rng.fromSeed(7);
    for (let trial = 0; trial < 20; trial++) {
      const v = Array.from(rng.normal([4], 0, 2).dataSync());
      for (const row of ROWS) {
        const [real, fake] = critic(v);
        const bound = scalar(variationalBound(row, real, fake));
        expect(bound, `${row.name}, critic ${v.map((x) => x.toFixed(2))}`).toBeLessThanOrEqual(
          trueDivergence(row) + 1e-6,
        );
        tf.dispose([real, fake]);
      }
    }
  });

  it('is 0 at the constant critic f′(1) when P = Q, and differentiable in the critic', () => {
    const v = tf.fill([8], 0);
    expectClose(variationalBound('js', v, v), 0, { atol: 1e-7 });
    expectClose(variationalBound('gan', v, v), -Math.log(4), { atol: 1e-6 });
    // ∂F/∂v_real = g′(v)/n, ∂F/∂v_fake = −(f*∘g)′(v)/n: for KL, 1/n and −e^{v−1}/n.
    const w = tf.fill([8], 0);
    const [gr, gf] = tf.grads((a, b) => variationalBound('kl', a!, b!))([v, w]);
    expectClose(gr!, 1 / 8, { atol: 1e-7 });
    expectClose(gf!, -Math.exp(-1) / 8, { atol: 1e-7 });
    tf.dispose([v, w, gr!, gf!]);
  });

  it("accepts 'alpha' with options.alpha, rejects unknown names and options, and does not leak", async () => {
    const v = tf.tensor1d([0.1, -0.2]);
    expectClose(
      variationalBound('alpha', v, v, { alpha: 0.5 }),
      scalar(variationalBound(alphaDivergence(0.5), v, v)),
    );
    expect(() => variationalBound('chi' as 'kl', v, v)).toThrow(/argument 'name'/);
    expect(() => variationalBound('kl', v, v, { alpha: 2 })).toThrow(/argument 'alpha'/);
    expect(() => variationalBound('kl', v, v, { beta: 1 } as never)).toThrow(/unknown option/);
    expect(() => variationalBound('kl', [1] as never, v)).toThrow(/argument 'vReal'/);
    await expectNoLeak(() => variationalBound('jeffreys', v, v));
    v.dispose();
  });
});
