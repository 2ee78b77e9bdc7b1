import { NotImplementedError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { MultivariateNormal, Normal } from '@gen/distributions';
import { expect, it } from 'vitest';
import { loadFixture, scalar } from '../test/support.js';
import { divergence } from './divergence.js';

interface Fixture {
  gaussian1d: {
    p: [number, number];
    q: [number, number];
    renyi: Record<string, number>;
    squaredHellinger: number;
    totalVariation?: number;
  }[];
  gaussian2d: {
    p: { loc: number[]; scaleTril: number[][] };
    q: { loc: number[]; scaleTril: number[][] };
    renyi: Record<string, number>;
    squaredHellinger: number;
  }[];
}
const fixture = loadFixture<Fixture>('closed-forms');
const normal = ([loc, scale]: [number, number]) => new Normal({ loc, scale });
const closed = { method: 'closed-form' as const };

describeBackends('Gaussian closed forms in divergence()', ({ tolerance }) => {
  const close = { rtol: 20 * tolerance, atol: 1e-6 };

  it('squared-hellinger between Normals and MultivariateNormals = scipy quadrature', () => {
    for (const c of fixture.gaussian1d) {
      expectClose(
        divergence('squared-hellinger', normal(c.p), normal(c.q), closed),
        c.squaredHellinger,
        close,
      );
    }
    for (const c of fixture.gaussian2d) {
      const [p, q] = [new MultivariateNormal(c.p), new MultivariateNormal(c.q)];
      expectClose(divergence('squared-hellinger', p, q, closed), c.squaredHellinger, close);
    }
  });

  it('alpha = (e^{(α−1)D_α} − 1)/(α(α−1)) from the Rényi divergence, +∞ where it diverges', () => {
    for (const c of fixture.gaussian1d) {
      for (const [order, renyi] of Object.entries(c.renyi)) {
        const a = Number(order);
        const expected = Math.expm1((a - 1) * renyi) / (a * (a - 1));
        const value = scalar(
          divergence('alpha', normal(c.p), normal(c.q), { ...closed, alpha: a }),
        );
        if (!Number.isFinite(expected)) expect(value).toBe(Number.POSITIVE_INFINITY);
        else expectClose(value, expected, { ...close, message: `α=${order}` });
      }
    }
    // α < 0 is an α-divergence but no Rényi order: ∫p^α q^{1−α} diverges where σ_α² ≤ 0.
    const value = divergence('alpha', normal([0, 1]), normal([0, 2]), { ...closed, alpha: -1 });
    expect(scalar(value)).toBe(Number.POSITIVE_INFINITY);
  });

  it('total-variation between Normals of equal scale = scipy quadrature; none for unequal scales', () => {
    let checked = 0;
    for (const c of fixture.gaussian1d) {
      if (c.totalVariation === undefined) continue;
      checked++;
      expectClose(
        divergence('total-variation', normal(c.p), normal(c.q), closed),
        c.totalVariation,
        close,
      );
    }
    expect(checked).toBe(3);
    expect(() => divergence('total-variation', normal([0, 1]), normal([0, 2]), closed)).toThrow(
      NotImplementedError,
    );
    expect(() => divergence('js', normal([0, 1]), normal([0, 1]), closed)).toThrow(
      /divergence: no closed form for 'js'/,
    );
  });

  it('refuses NaN parameters (built with validateArgs off) with a typed error naming them', () => {
    const bad = new Normal({ loc: [0, Number.NaN], scale: 1, validateArgs: false });
    for (const name of ['squared-hellinger', 'alpha'] as const) {
      const call = () =>
        divergence(name, normal([0, 1]), bad, { ...closed, ...(name === 'alpha' && { alpha: 2 }) });
      expect(call).toThrow(/divergence: argument 'q\.loc'/);
    }
    bad.dispose();
  });

  it("'auto' takes the closed form where there is one (no rng needed)", () => {
    const [p, q] = [normal([0, 1]), normal([1, 1])];
    expectClose(divergence('total-variation', p, q), fixture.gaussian1d[4]!.totalVariation!, close);
    expectClose(
      divergence('squared-hellinger', p, q),
      divergence('squared-hellinger', p, q, { method: 'quadrature' }),
      {
        rtol: 1e-4,
      },
    );
  });

  it('does not leak tensors', async () => {
    const [p, q] = [normal([0, 1]), normal([1, 2])];
    const c = fixture.gaussian2d[1]!;
    const [r, s] = [new MultivariateNormal(c.p), new MultivariateNormal(c.q)];
    await expectNoLeak(() => divergence('squared-hellinger', p, q));
    await expectNoLeak(() => divergence('alpha', r, s, { alpha: 2 }));
    const shifted = normal([3, 1]);
    await expectNoLeak(() => divergence('total-variation', p, shifted));
    await expectNoLeak(() => {
      expect(() => divergence('total-variation', p, q, closed)).toThrow();
    });
    for (const d of [p, q, r, s, shifted]) d.dispose();
  });
});
