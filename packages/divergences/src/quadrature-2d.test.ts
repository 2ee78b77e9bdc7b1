import { InvalidArgumentError, NotImplementedError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { MultivariateNormal, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectGradientMatches, loadFixture } from '../test/support.js';
import { divergence } from './divergence.js';

interface Fixture {
  gaussian2d: {
    p: { loc: number[]; scaleTril: number[][] };
    q: { loc: number[]; scaleTril: number[][] };
    squaredHellinger: number;
    kl: number;
  }[];
}
const fixture = loadFixture<Fixture>('closed-forms');
const quadrature = { method: 'quadrature' as const };
const pair = (c: Fixture['gaussian2d'][number]) =>
  [new MultivariateNormal(c.p), new MultivariateNormal(c.q)] as const;

describeBackends('2-D quadrature', () => {
  // Simpson on 201² nodes over mean ± 12σ: the rule's own error is far below float32 rounding
  // of a 40 401-term sum, which the blocked sum keeps near 1e−6 relative.
  const close = { rtol: 2e-5, atol: 1e-6 };

  it('integrates KL, reverse KL and squared Hellinger between bivariate Gaussians to their closed forms', () => {
    for (const c of fixture.gaussian2d) {
      const [p, q] = pair(c);
      expectClose(divergence('kl', p, q, quadrature), c.kl, close);
      expectClose(divergence('reverse-kl', p, q, quadrature), divergence('kl', q, p), close);
      expectClose(divergence('squared-hellinger', p, q, quadrature), c.squaredHellinger, close);
    }
  });

  it('batches over the distributions’ batch shape', () => {
    const c = fixture.gaussian2d[0]!;
    const p = new MultivariateNormal({ loc: [c.p.loc, c.q.loc], scaleTril: c.p.scaleTril });
    const q = new MultivariateNormal(c.q);
    expectClose(divergence('kl', p, q, quadrature), divergence('kl', p, q), close);
  });

  it('takes a box or one interval for both axes, and coarser grids lose accuracy as h⁴', () => {
    const [p, q] = pair(fixture.gaussian2d[1]!);
    const exact = fixture.gaussian2d[1]!.kl;
    const box = {
      ...quadrature,
      range: [
        [-11, 13],
        [-12, 12],
      ] as const,
    };
    expectClose(divergence('kl', p, q, box), exact, close);
    expectClose(divergence('kl', p, q, { ...quadrature, range: [-12, 12] }), exact, close);
    const error = (points: number) =>
      Math.abs(
        divergence('kl', p, q, { ...quadrature, range: [-12, 12], points }).dataSync()[0]! - exact,
      );
    // Halving h (41 → 81 nodes) cuts the Simpson error by about 16.
    expect(error(41)).toBeGreaterThan(8 * error(81));
  });

  it('is differentiable in the parameters', () => {
    const c = fixture.gaussian2d[0]!;
    const loc = tf.tensor1d(c.p.loc);
    expectGradientMatches(
      (l) =>
        divergence(
          'kl',
          new MultivariateNormal({ loc: l, scaleTril: c.p.scaleTril }),
          new MultivariateNormal(c.q),
          { ...quadrature, points: 101 },
        ) as tf.Scalar,
      loc,
      { atol: 2e-3 },
    );
    loc.dispose();
  });

  it('rejects other event shapes and bad boxes with typed errors', () => {
    const [p, q] = pair(fixture.gaussian2d[0]!);
    const three = new MultivariateNormal({
      loc: [0, 0, 0],
      scaleTril: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    });
    expect(() => divergence('kl', three, three, quadrature)).toThrow(NotImplementedError);
    expect(() => divergence('kl', three, three, quadrature)).toThrow(/event shape \[\] or \[2\]/);
    expect(() => divergence('kl', p, new Normal({ loc: 0, scale: 1 }), quadrature)).toThrow(
      NotImplementedError,
    );
    for (const range of [
      [
        [0, 1],
        [2, 1],
      ],
      [[0, 1]],
      [0, Number.NaN],
      [[0, 1], 3],
    ]) {
      const call = () => divergence('kl', p, q, { ...quadrature, range: range as never });
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(/divergence: .*'range'/);
    }
    expect(() => divergence('kl', p, q, { ...quadrature, points: 100 })).toThrow(/'points'.*100/);
  });

  it('does not leak tensors', async () => {
    const [p, q] = pair(fixture.gaussian2d[0]!);
    await expectNoLeak(() => divergence('js', p, q, { ...quadrature, points: 51 }));
    await expectNoLeak(() => {
      expect(() => divergence('kl', p, q, { ...quadrature, range: [1, 0] })).toThrow();
    });
    p.dispose();
    q.dispose();
  });
});
