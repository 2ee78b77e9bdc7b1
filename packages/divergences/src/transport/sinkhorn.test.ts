import { initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGradientMatches, loadFixture, scalar } from '../../test/support.js';
import { sinkhorn } from './sinkhorn.js';

interface SinkhornFixture {
  x: number[][];
  y: number[][];
  cases: { p: number; epsilon: number; value: number; debiased: number; marginalError: number }[];
  emd2_p1: number;
  emd2_p2: number;
  'plan_p2_eps0.1': number[][];
  'pot_empirical_sinkhorn_divergence_eps0.1': number;
}
const fx = loadFixture<{ sinkhorn: SinkhornFixture }>('samples').sinkhorn;

interface ScalingFixture {
  x: number[][];
  y: number[][];
  cases: { epsilon: number; value: number; debiased: number }[];
}
const scaling = loadFixture<ScalingFixture>('sinkhorn-scaling');

describe('sinkhorn', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  // Cases that POT converged to a marginal error ≤ 1e−9 and that float32 iterations reach within
  // a few thousand iterations; p = 2 at ε ≤ 0.01 needs 10⁴–10⁵ (in float64 as well).
  const converging = fx.cases.filter((c) => c.p === 1 || c.epsilon >= 0.1);

  it('matches POT sinkhorn2(method="sinkhorn_log") and its debiased divergence', () => {
    for (const c of converging) {
      // float32 floors the marginal violation near 1e−7·max C/ε: ask for what it can reach.
      const tolerance = c.epsilon >= 0.1 ? 1e-6 : 3e-5;
      const options = { epsilon: c.epsilon, p: c.p, maxIterations: 5000, tolerance } as const;
      const result = sinkhorn(fx.x, fx.y, { ...options, returnPlan: true });
      const message = `p=${c.p} ε=${c.epsilon}`;
      expect(result.converged, message).toBe(true);
      // The plan is off the exact one by about its marginal violation (POT's is ≤ 1e−9 except
      // at ε = 1e−3, p = 2, not tested here), which costs weigh by at most max C (20.5 for the
      // p = 2 costs of these clouds): tolerance violation·max C + 1e−6·value.
      const atol = result.marginalError * 21;
      expectClose(result.value, c.value, { atol, rtol: 1e-6, message });
      expectClose(sinkhorn(fx.x, fx.y, { ...options, debiased: true }), c.debiased, {
        atol: 2 * atol,
        rtol: 1e-6,
        message: `debiased ${message}`,
      });
    }
    expectClose(
      sinkhorn(fx.x, fx.y, { epsilon: 0.1, debiased: true }),
      fx['pot_empirical_sinkhorn_divergence_eps0.1'],
      { atol: 1e-6 * 21, rtol: 1e-6 },
    );
  });

  it('returns the plan of POT sinkhorn (log domain), with uniform marginals', () => {
    const { plan, iterations, marginalError } = sinkhorn(fx.x, fx.y, {
      epsilon: 0.1,
      returnPlan: true,
    });
    expect(plan.shape).toEqual([12, 10]);
    expectClose(plan, fx['plan_p2_eps0.1'], { atol: 2e-7, rtol: 1e-4 });
    expectClose(tf.sum(plan, 1), 1 / 12, { atol: 1e-7 });
    expectClose(tf.sum(plan, 0), 1 / 10, { atol: 1e-6 });
    expect(iterations).toBeLessThanOrEqual(1000);
    expect(marginalError).toBeLessThanOrEqual(1e-6);
  });

  it('stays finite at ε = 1e−3: no NaN, no underflow, and tends to exact OT (ot.emd2)', () => {
    for (const p of [1, 2]) {
      const { value, plan } = sinkhorn(fx.x, fx.y, {
        epsilon: 1e-3,
        p,
        maxIterations: 300,
        returnPlan: true,
      });
      const entries = Array.from(plan.dataSync());
      expect(entries.every((e) => Number.isFinite(e) && e >= 0)).toBe(true);
      expect(Number.isFinite(scalar(value))).toBe(true);
      // Rows are exact up to the rounding of exponents of size max C/ε ≈ 2e4 (ulp 2e−3).
      expectClose(tf.sum(plan, 1), 1 / 12, { atol: 0, rtol: 1e-3 });
    }
    // p = 1 converges within 4000 iterations; ⟨P_ε, C⟩ − W₁ = O(ε log n).
    const w1 = sinkhorn(fx.x, fx.y, { epsilon: 1e-3, p: 1, maxIterations: 4000, tolerance: 1e-5 });
    expectClose(w1, fx.emd2_p1, { atol: 1e-4 });
    // Its marginal violation is below 1e−5 and ‖x − y‖ < 5 for these clouds.
    const pot = fx.cases.find((c) => c.p === 1 && c.epsilon === 1e-3)!.value;
    expectClose(w1, pot, { atol: 5e-5, rtol: 1e-6 });
    // Far-apart clouds at small ε: C/ε ~ 1e7, solved on the row/column-reduced cost.
    const far = sinkhorn(
      [
        [0, 0],
        [1, 0],
      ],
      [
        [100, 0],
        [101, 1],
      ],
      { epsilon: 1e-3, p: 2 },
    );
    expectClose(far, (100 ** 2 + 100 ** 2 + 1) / 2, { atol: 0, rtol: 1e-5 }); // exact OT: identity
  });

  it('converges at ε = 0.01 on 200 points (ε-scaling) to POT sinkhorn_log, plain and debiased', () => {
    const { x, y } = scaling;
    let maxCost = 0;
    for (const a of x)
      for (const b of y) maxCost = Math.max(maxCost, (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2);
    for (const c of scaling.cases) {
      const message = `ε=${c.epsilon}`;
      const result = sinkhorn(x, y, { epsilon: c.epsilon, maxIterations: 10000, returnPlan: true });
      expect(result.converged, message).toBe(true);
      // As above: the plan is off the exact one by about its violation, weighed by at most max C.
      const atol = result.marginalError * maxCost;
      expectClose(result.value, c.value, { atol, rtol: 1e-6, message });
      const debiased = sinkhorn(x, y, { epsilon: c.epsilon, maxIterations: 10000, debiased: true });
      expectClose(debiased, c.debiased, {
        atol: 3 * atol,
        rtol: 1e-6,
        message: `debiased ${message}`,
      });
      tf.dispose([result.value, result.plan, debiased]);
    }
  });

  it('reports when it stops before converging', () => {
    const result = sinkhorn(fx.x, fx.y, { epsilon: 0.01, maxIterations: 20, returnPlan: true });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(20);
    expect(result.marginalError).toBeGreaterThan(1e-6);
  });

  it('is differentiable in both point clouds through the converged plan (finite differences)', () => {
    const rng = Rng.fromSeed(4);
    const x = rng.normal([5, 2]);
    const y = tf.add(rng.normal([4, 2]), tf.tensor1d([0.8, -0.3]));
    // Converged to float32 precision, so differences of step 1e−2 see the exact map.
    const tight = { maxIterations: 5000, tolerance: 1e-7 };
    const check = { eps: 1e-2, atol: 5e-4, rtol: 5e-3 };
    for (const [p, epsilon] of [
      [2, 0.5],
      [2, 0.1],
      [1, 0.2],
    ] as const) {
      const options = { ...tight, p, epsilon };
      const message = `p=${p} ε=${epsilon}`;
      expectGradientMatches((v) => sinkhorn(v, y, options), x, { ...check, message });
      expectGradientMatches((v) => sinkhorn(x, v, options), y, { ...check, message });
    }
    expectGradientMatches((v) => sinkhorn(v, y, { ...tight, epsilon: 0.5, debiased: true }), x, {
      ...check,
      message: 'debiased',
    });
    tf.dispose([x, y]);
  });

  it('validates options with typed errors naming the argument', () => {
    const x = [[0, 0]];
    expect(() => sinkhorn(x, x, { epsilon: 0 })).toThrow(
      /argument 'epsilon' must be a finite number > 0/,
    );
    expect(() => sinkhorn(x, x, { maxIterations: 2.5 })).toThrow(/argument 'maxIterations'/);
    expect(() => sinkhorn(x, x, { p: 0 })).toThrow(/argument 'p'/);
    expect(() => sinkhorn(x, x, { debiased: 1 as never })).toThrow(/argument 'debiased'/);
    expect(() => sinkhorn(x, x, { eps: 0.1 } as never)).toThrow(/unknown option 'eps'/);
    expect(() => sinkhorn(x, [[0, 0, 0]])).toThrow(/different dimensions/);
  });

  it('does not leak tensors, with or without gradients', async () => {
    const x = tf.tensor2d([
      [0, 0],
      [1, 0.5],
      [0.2, 1],
    ]);
    const y = [
      [1, 1],
      [0, 0.3],
    ];
    await expectNoLeak(() => sinkhorn(x, y));
    await expectNoLeak(() => {
      const { value, plan } = sinkhorn(x, y, { debiased: true, returnPlan: true });
      return [value, plan];
    });
    await expectNoLeak(() => tf.grad((v) => sinkhorn(v, y, { debiased: true }))(x));
    x.dispose();
  });
});
