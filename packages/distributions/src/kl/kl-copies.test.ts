import { NotImplementedError } from '@gen/core';
import {
  describeBackends,
  expectClose,
  expectNoLeak,
  foreignCopy,
  foreignPrototype,
} from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Bernoulli } from '../bernoulli.js';
import { Categorical } from '../categorical.js';
import type { BaseDistribution } from '../distribution.js';
import { Gamma } from '../gamma.js';
import { Independent } from '../independent.js';
import { MultivariateNormal } from '../multivariate-normal.js';
import { Normal } from '../normal.js';
import { hasKl, kl, registerKl } from './index.js';

/** KL(N(m1, s1²) ‖ N(m2, s2²)) in float64, the textbook closed form. */
function klNormal(m1: number, s1: number, m2: number, s2: number): number {
  return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
}

// A second installed copy of @gen/distributions has classes of its own; only the `Symbol.for`
// brands are shared. `foreignCopy` builds such objects here (from @gen/core/testing).
describeBackends('kl across installed copies of @gen/distributions', () => {
  it('dispatches a Normal of another copy to the Normal–Normal closed form, either side', () => {
    const p = new Normal({ loc: [0, 1.5], scale: [1, 0.5] });
    const q = new Normal({ loc: 1, scale: 2 });
    const [fp, fq] = [foreignCopy(p), foreignCopy(q)];
    expect(fp).not.toBeInstanceOf(Normal);
    expect(hasKl(fp, q) && hasKl(p, fq) && hasKl(fp, fq)).toBe(true);
    const expected = [klNormal(0, 1, 1, 2), klNormal(1.5, 0.5, 1, 2)];
    const values = [kl(fp, q), kl(p, fq), kl(fp, fq)];
    for (const v of values) expectClose(v, expected, { atol: 1e-6 });
    tf.dispose(values);
    p.dispose();
    q.dispose();
  });

  it('finds the pair of every other built-in family by brand, Independent included', () => {
    const pairs: [BaseDistribution, BaseDistribution][] = [
      [new Bernoulli({ probs: [0.2, 0.9] }), new Bernoulli({ logits: 0.5 })],
      [new Categorical({ probs: [0.2, 0.3, 0.5] }), new Categorical({ logits: [0, 1, -1] })],
      [new Gamma({ concentration: 2, rate: 3 }), new Gamma({ concentration: 1.5, rate: 1 })],
      [
        new MultivariateNormal({
          loc: [0, 1],
          scaleTril: [
            [1, 0],
            [0.5, 2],
          ],
        }),
        new MultivariateNormal({
          loc: [1, 0],
          scaleTril: [
            [2, 0],
            [0, 1],
          ],
        }),
      ],
      [
        new Independent(new Normal({ loc: [0, 1], scale: [1, 2] }), 1),
        new Independent(new Normal({ loc: [1, 1], scale: [2, 1] }), 1),
      ],
    ];
    for (const [p, q] of pairs) {
      const own = kl(p, q);
      const across = kl(foreignCopy(p), foreignCopy(q));
      expect(across.shape, p.name).toEqual(own.shape);
      expectClose(across, own, { atol: 0 });
      tf.dispose([own, across]);
      p.dispose();
      q.dispose();
    }
  });

  it("a subclass of the other copy's Normal still takes its nearest registration", () => {
    // A user's class extending the copy's Normal: its chain reaches this copy's Normal only
    // through the brand.
    class Wide extends Normal {}
    Object.setPrototypeOf(Wide.prototype, foreignPrototype(Normal.prototype));
    registerKl(Wide, Normal, () => tf.scalar(42));
    const wide = new Wide({ loc: [0, 1], scale: 1 });
    const normal = new Normal({ loc: 0, scale: 2 });
    expect(wide).not.toBeInstanceOf(Normal);
    const values = [kl(wide, normal), kl(wide, foreignCopy(normal)), kl(wide, wide)];
    for (const v of values) expectClose(v, [42, 42]);
    const reversed = kl(normal, wide); // (Wide, Normal) needs a Wide p: Normal–Normal applies
    expectClose(reversed, [klNormal(0, 2, 0, 1), klNormal(0, 2, 1, 1)], { atol: 1e-6 });
    tf.dispose([...values, reversed]);
    wide.dispose();
    normal.dispose();
  });

  it('refuses an unbranded look-alike with the typed error, unless its own class is registered', () => {
    const p = new Normal({ loc: 0, scale: 1 });
    const lookAlike = foreignCopy(p, { brands: false });
    expect(hasKl(lookAlike, p)).toBe(false);
    expect(() => kl(lookAlike, p)).toThrow(NotImplementedError);
    expect(() => kl(p, lookAlike)).toThrow(
      /kl: no closed form is registered for KL\(Normal ‖ Normal\)/,
    );
    // A class without a brand is matched by its prototype, as before brands.
    const LookAlike = lookAlike.constructor as typeof Normal;
    registerKl(LookAlike, LookAlike, () => tf.scalar(7));
    const own = kl(lookAlike, lookAlike);
    expectClose(own, 7);
    expect(() => kl(lookAlike, p)).toThrow(NotImplementedError);
    own.dispose();
    p.dispose();
  });

  it('does not leak', async () => {
    const p = new Normal({ loc: [0, 1], scale: 1 });
    const q = foreignCopy(new Normal({ loc: 1, scale: 2 }));
    await expectNoLeak(() => kl(foreignCopy(p), q).dispose());
    p.dispose();
    q.dispose();
  });
});
