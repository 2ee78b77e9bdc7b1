import { InvalidArgumentError, NotImplementedError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { Laplace, MultivariateNormal, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectGradientMatches, loadFixture, scalar } from '../../test/support.js';
import { divergence } from '../divergence.js';
import { renyiDivergence } from './renyi-divergence.js';

type Orders = Record<string, number>;
interface Fixture {
  vectors: { p: number[]; q: number[]; renyi: Orders }[];
  gaussian1d: { p: [number, number]; q: [number, number]; renyi: Orders }[];
  gaussian2d: {
    p: { loc: number[]; scaleTril: number[][] };
    q: { loc: number[]; scaleTril: number[][] };
    renyi: Orders;
  }[];
}
const fixture = loadFixture<Fixture>('closed-forms');
const normal = ([loc, scale]: [number, number]) => new Normal({ loc, scale });
const mvn = (d: { loc: number[]; scaleTril: number[][] }) => new MultivariateNormal(d);

describeBackends('renyiDivergence', ({ tolerance }) => {
  it('matches float64 sums between probability vectors, +∞ where the sum diverges', () => {
    for (const c of fixture.vectors) {
      for (const [order, expected] of Object.entries(c.renyi)) {
        const value = scalar(renyiDivergence(c.p, c.q, { order: Number(order) }));
        if (expected === Number.POSITIVE_INFINITY) expect(value, order).toBe(expected);
        else expectClose(value, expected, { rtol: 20 * tolerance, atol: 1e-6, message: order });
      }
    }
  });

  it('tends to KL as the order tends to 1, and equals it at 1', () => {
    const p = [0.2, 0.5, 0.3];
    const q = [0.1, 0.3, 0.6];
    const kl = scalar(divergence('kl', p, q));
    expectClose(renyiDivergence(p, q, { order: 1 }), kl, { rtol: 1e-6 });
    // D_α is smooth in α with slope O(1) near 1, so α = 1 ± 1e−3 is within ~1e−3 of KL.
    for (const order of [1 - 1e-3, 1 + 1e-3]) {
      expectClose(renyiDivergence(p, q, { order }), kl, { atol: 2e-3 });
    }
    const below = scalar(renyiDivergence(p, q, { order: 1 - 1e-3 }));
    const above = scalar(renyiDivergence(p, q, { order: 1 + 1e-3 }));
    expect(below).toBeLessThan(kl);
    expect(above).toBeGreaterThan(kl);
    const [a, b] = [normal([0, 1]), normal([1, 2])];
    expectClose(renyiDivergence(a, b, { order: 1 }), scalar(divergence('kl', a, b)), {
      rtol: 1e-6,
    });
    expectClose(renyiDivergence(a, b, { order: 1 + 1e-3 }), scalar(divergence('kl', a, b)), {
      atol: 2e-3,
    });
  });

  it('is −2 log of the Bhattacharyya coefficient at order ½ (BC = 1 − H²/2)', () => {
    const p = [0.05, 0.45, 0.5];
    const q = [0.3, 0.3, 0.4];
    const h2 = scalar(divergence('squared-hellinger', p, q));
    expectClose(renyiDivergence(p, q, { order: 0.5 }), -2 * Math.log(1 - h2 / 2), {
      rtol: 10 * tolerance,
    });
    const [a, b] = [normal([0, 1]), normal([1, 2])];
    const gaussian = scalar(divergence('squared-hellinger', a, b));
    expectClose(renyiDivergence(a, b, { order: 0.5 }), -2 * Math.log(1 - gaussian / 2), {
      rtol: 10 * tolerance,
    });
  });

  it('has closed forms between Normals that match scipy quadrature, +∞ where they diverge', () => {
    for (const c of fixture.gaussian1d) {
      for (const [order, expected] of Object.entries(c.renyi)) {
        const value = scalar(renyiDivergence(normal(c.p), normal(c.q), { order: Number(order) }));
        const message = `${c.p} ${c.q} α=${order}`;
        if (expected === Number.POSITIVE_INFINITY) expect(value, message).toBe(expected);
        else expectClose(value, expected, { rtol: 20 * tolerance, atol: 1e-6, message });
      }
    }
  });

  it('has closed forms between MultivariateNormals that match scipy dblquad, +∞ for an indefinite Σ_α', () => {
    let infinite = 0;
    for (const c of fixture.gaussian2d) {
      for (const [order, expected] of Object.entries(c.renyi)) {
        const value = scalar(renyiDivergence(mvn(c.p), mvn(c.q), { order: Number(order) }));
        if (expected === Number.POSITIVE_INFINITY) {
          infinite++;
          expect(value, order).toBe(expected);
        } else expectClose(value, expected, { rtol: 50 * tolerance, atol: 1e-5, message: order });
      }
    }
    expect(infinite).toBeGreaterThan(0);
  });

  it('batches the Gaussian closed form and is differentiable in the parameters', () => {
    const batch = renyiDivergence(
      new Normal({ loc: [0, 1], scale: [1, 1] }),
      new Normal({ loc: 0, scale: 1 }),
      { order: 2 },
    );
    // Equal scales: D_α = αΔ²/(2σ²).
    expectClose(batch, [0, 1], { atol: 1e-6 });
    batch.dispose();
    const loc = tf.tensor1d([0.3, -0.2]);
    expectGradientMatches(
      (l) =>
        renyiDivergence(
          new MultivariateNormal({
            loc: l,
            scaleTril: [
              [1, 0],
              [0.4, 0.9],
            ],
          }),
          new MultivariateNormal({
            loc: [0, 0],
            scaleTril: [
              [1.2, 0],
              [0, 1],
            ],
          }),
          { order: 0.7 },
        ) as tf.Scalar,
      loc,
      { eps: 1e-2, atol: 2e-3 },
    );
    loc.dispose();
  });

  it('integrates by quadrature (1-D and 2-D) to the closed form', () => {
    const [a, b] = [normal([0, 1]), normal([1, 2])];
    for (const order of [0.5, 2]) {
      const closed = scalar(renyiDivergence(a, b, { order }));
      expectClose(renyiDivergence(a, b, { order, method: 'quadrature' }), closed, {
        rtol: 1e-4,
      });
    }
    const c = fixture.gaussian2d[2]!;
    for (const order of [0.5, 2]) {
      expectClose(
        renyiDivergence(mvn(c.p), mvn(c.q), { order, method: 'quadrature' }),
        c.renyi[String(order) === '2' ? '2.0' : String(order)]!,
        { rtol: 1e-4 },
      );
    }
  });

  it('estimates by Monte Carlo close to the closed form', () => {
    const [a, b] = [normal([0, 1]), normal([1, 1.5])];
    const closed = scalar(renyiDivergence(a, b, { order: 0.5 }));
    const estimate = scalar(
      renyiDivergence(a, b, {
        order: 0.5,
        method: 'monte-carlo',
        samples: 20000,
        rng: Rng.fromSeed(3),
      }),
    );
    // The α-divergence estimate here has a standard error near 2e−3; D_½ changes by 1.1× that.
    expect(Math.abs(estimate - closed)).toBeLessThan(0.01);
    const laplace = new Laplace({ loc: 0, scale: 1 });
    const quad = scalar(renyiDivergence(laplace, b, { order: 0.5, method: 'quadrature' }));
    const mc = scalar(
      renyiDivergence(laplace, b, { order: 0.5, samples: 20000, rng: Rng.fromSeed(4) }),
    );
    expect(Math.abs(mc - quad)).toBeLessThan(0.01);
  });

  it('rejects bad input with typed errors naming renyiDivergence, the argument and the value', () => {
    const [a, b] = [normal([0, 1]), normal([1, 2])];
    const bad: [() => unknown, RegExp, new (...args: never[]) => Error][] = [
      [
        () => renyiDivergence([0.5, 0.5], [0.5, 0.5], { order: 0 }),
        /renyiDivergence.*'order'.*0/,
        InvalidArgumentError,
      ],
      [
        () => renyiDivergence([0.5, 0.5], [0.5, 0.5], { order: Number.NaN }),
        /'order'.*NaN/,
        InvalidArgumentError,
      ],
      [
        () => renyiDivergence([0.5, 0.5], [0.5, 0.5], { order: -2 }),
        /'order'.*-2/,
        InvalidArgumentError,
      ],
      [
        () => renyiDivergence([0.5, 0.5], [0.5, 0.5], { order: 2, alpha: 2 } as never),
        /renyiDivergence.*alpha/,
        InvalidArgumentError,
      ],
      [
        () => renyiDivergence([0.5, 0.5], [0.5, 0.5], undefined as never),
        /renyiDivergence.*'options'/,
        InvalidArgumentError,
      ],
      [
        () => renyiDivergence([0.5, 0.6], [0.5, 0.5], { order: 2 }),
        /renyiDivergence.*'p'/,
        InvalidArgumentError,
      ],
      [
        () => renyiDivergence([0.5, 0.5], a as never, { order: 2 }),
        /renyiDivergence.*both/,
        InvalidArgumentError,
      ],
      [
        () => renyiDivergence(a, b, { order: 2, method: 'exact' }),
        /renyiDivergence.*'method'.*exact/,
        InvalidArgumentError,
      ],
      [
        () => renyiDivergence(a, b, { order: 2, method: 'monte-carlo' }),
        /renyiDivergence.*'rng'/,
        InvalidArgumentError,
      ],
      [
        () =>
          renyiDivergence(new Laplace({ loc: 0, scale: 1 }), b, {
            order: 2,
            method: 'closed-form',
          }),
        /renyiDivergence.*Laplace.*Normal/,
        NotImplementedError,
      ],
    ];
    const nan = new Normal({ loc: Number.NaN, scale: 1, validateArgs: false });
    bad.push([
      () => renyiDivergence(nan, b, { order: 2 }),
      /renyiDivergence: argument 'p\.loc'/,
      InvalidArgumentError,
    ]);
    for (const [call, message, type] of bad) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
  });

  it('does not leak tensors', async () => {
    const [a, b] = [normal([0, 1]), normal([1, 2])];
    const [c, d] = [mvn(fixture.gaussian2d[0]!.p), mvn(fixture.gaussian2d[0]!.q)];
    await expectNoLeak(() => renyiDivergence([0.2, 0.8], [0.5, 0.5], { order: 2 }));
    const vector = tf.tensor1d([0.2, 0.8]);
    await expectNoLeak(() => renyiDivergence(vector, [0.5, 0.5], { order: 1 }));
    vector.dispose();
    await expectNoLeak(() => renyiDivergence(a, b, { order: 3 }));
    await expectNoLeak(() => renyiDivergence(c, d, { order: 2 }));
    await expectNoLeak(() => renyiDivergence(a, b, { order: 0.5, method: 'quadrature' }));
    await expectNoLeak(() =>
      renyiDivergence(a, b, { order: 0.5, method: 'monte-carlo', rng: Rng.fromSeed(0) }),
    );
    await expectNoLeak(() => {
      expect(() => renyiDivergence([0.5, 0.6], [0.5, 0.5], { order: 2 })).toThrow();
    });
    for (const dist of [a, b, c, d]) dist.dispose();
  });
});
