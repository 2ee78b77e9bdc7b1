import { InvalidArgumentError, NotImplementedError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Affine } from './bijectors/affine.js';
import { Chi2 } from './chi2.js';
import type { BaseDistribution } from './distribution.js';
import { Independent } from './independent.js';
import { Mixture } from './mixture.js';
import { Multinomial } from './multinomial.js';
import { Normal } from './normal.js';
import { TransformedDistribution } from './transformed-distribution.js';

// `expand` beyond the generic suite (families.test.ts checks it for every example): the
// composites, which expand their parts, typed errors, ownership and gradients.

/** logProb of `x` under `make()` and under `make().expand(shape)`, the original disposed first. */
function logProbs(
  make: () => BaseDistribution,
  shape: number[],
  x: tf.Tensor,
): { before: tf.Tensor; after: tf.Tensor; expanded: BaseDistribution } {
  const d = make();
  const before = d.logProb(x);
  const expanded = d.expand(shape);
  d.dispose(); // the copy must not depend on the original's tensors
  return { before, after: expanded.logProb(x), expanded };
}

describeBackends('expand', () => {
  it('Independent expands its base to [...batchShape, ...reinterpreted axes]', async () => {
    await expectNoLeak(() => {
      const x = tf.tensor1d([0.5, -1, 2]);
      const { before, after, expanded } = logProbs(
        () => new Independent(new Normal({ loc: [[0, 1, 2]], scale: [1, 2, 3] }), 1),
        [4, 2],
        x,
      );
      expect(expanded).toBeInstanceOf(Independent);
      expect([expanded.batchShape, expanded.eventShape]).toEqual([[4, 2], [3]]);
      expect((expanded as Independent).base.batchShape).toEqual([4, 2, 3]);
      const expected = tf.broadcastTo(before, [4, 2]);
      expectClose(after, expected);
      const draws = expanded.sample([5], Rng.fromSeed(1));
      expect(draws.shape).toEqual([5, 4, 2, 3]);
      expanded.dispose();
      return [x, before, after, expected, draws];
    });
  });

  it('Mixture expands its components and keeps logits or probs as given', async () => {
    await expectNoLeak(() => {
      const x = tf.tensor1d([0.5]);
      const single = logProbs(
        () =>
          new Mixture({
            logits: [0, 1],
            components: new Normal({ loc: [[-1, 1]], scale: [1, 2] }),
          }),
        [2, 3],
        x,
      );
      const e = single.expanded as Mixture;
      expect([e.batchShape, e.eventShape]).toEqual([[2, 3], []]);
      expect((e.components as Normal).batchShape).toEqual([2, 3, 2]);
      expect(Object.keys(e.params)).toContain('logits');
      const expected = tf.broadcastTo(single.before, [2, 3]);
      expectClose(single.after, expected);
      const draws = e.sample(4, Rng.fromSeed(2));
      expect(draws.shape).toEqual([4, 2, 3]);
      e.dispose();

      const list = logProbs(
        () =>
          new Mixture({
            probs: [0.3, 0.7],
            components: [new Normal({ loc: [0], scale: 1 }), new Normal({ loc: [2], scale: 2 })],
          }),
        [4],
        x,
      );
      expect(list.expanded.batchShape).toEqual([4]);
      expect(Object.keys(list.expanded.params)).toContain('probs');
      expect(Object.keys(list.expanded.params)).not.toContain('logits');
      const expectedList = tf.broadcastTo(list.before, [4]);
      expectClose(list.after, expectedList);
      list.expanded.dispose();
      const out = [single.before, single.after, list.before, list.after];
      return [x, expected, draws, expectedList, ...out];
    });
  });

  it('TransformedDistribution shares its bijector with the copy; the last one disposes it', async () => {
    await expectNoLeak(() => {
      const x = tf.tensor1d([1, 2]);
      const make = () =>
        new TransformedDistribution({
          base: new Normal({ loc: [0, 1], scale: 1 }),
          bijector: new Affine({ shift: [1, -1], scale: 2 }),
        });
      // Original disposed first (inside logProbs), then the copy.
      const first = logProbs(make, [3, 2], x);
      expect(first.expanded).toBeInstanceOf(TransformedDistribution);
      const expected = tf.broadcastTo(first.before, [3, 2]);
      expectClose(first.after, expected);
      first.expanded.dispose();
      // The copy disposed first: the original still works.
      const d = make();
      const copy = d.expand([2]);
      copy.dispose();
      const again = d.logProb(x);
      const mean = d.mean();
      d.dispose();
      d.dispose(); // idempotent, does not release the bijector twice
      return [x, first.before, first.after, expected, again, mean];
    });
  });

  it('families rebuilt from other arguments than their params keep them', async () => {
    await expectNoLeak(() => {
      const originals = [
        new Chi2({ df: [1, 4.5] }),
        new Bernoulli({ probs: [0.2] }),
        new Multinomial({ totalCount: 10, probs: [0.2, 0.8] }),
      ] as const;
      const [chi2, bern, multi] = [
        originals[0].expand([3, 2]),
        originals[1].expand([3]),
        originals[2].expand([2]),
      ];
      for (const d of originals) d.dispose();
      expect(chi2.df.shape).toEqual([3, 2]);
      expect(Object.keys(bern.params)).toEqual(['probs']);
      expect([multi.totalCount, multi.batchShape]).toEqual([10, [2]]);
      const x = tf.tensor1d([3, 7]);
      const lp = multi.logProb(x);
      for (const d of [chi2, bern, multi]) d.dispose();
      return [x, lp];
    });
  });

  it('refuses a batch shape that is malformed or not a broadcast of the batch', () => {
    const d = new Normal({ loc: [0, 1], scale: 1, validateArgs: false });
    expect(() => d.expand([3])).toThrow(ShapeMismatchError);
    expect(() => d.expand([3])).toThrow(
      "Normal.expand: argument 'batchShape' must be a shape the batch shape [2] broadcasts to (new leading axes, axes of size 1 grown), got [3]",
    );
    expect(() => d.expand([])).toThrow(ShapeMismatchError);
    for (const bad of [[-1, 2], [2.5], 'x', null, [Number.NaN]]) {
      expect(() => d.expand(bad as number[])).toThrow(InvalidArgumentError);
    }
    expect(() => d.expand([2 ** 20, 2 ** 20])).toThrow(/too large/);
    const e = d.expand([0, 2]);
    expect(e.batchShape).toEqual([0, 2]);
    expect(e.validateArgs).toBe(false);
    e.dispose();
    d.dispose();
  });

  it('a subclass whose constructor does not take its params must override _expand', () => {
    class Centred extends Normal {
      constructor(scale: number) {
        super({ loc: 0, scale });
      }
    }
    const d = new Centred(2);
    expect(() => d.expand([2])).toThrow(NotImplementedError);
    expect(() => d.expand([2])).toThrow(/Centred\.expand: .* must override _expand/);
    d.dispose();
  });

  it('gradients flow through the copy into the original parameters', () => {
    const loc = tf.variable(tf.tensor1d([0, 1]));
    const g = tf.tidy(() =>
      tf.grad((l: tf.Tensor) => {
        const d = new Normal({ loc: l, scale: 1 });
        const e = d.expand([3, 2]);
        // (their tensors are released by the enclosing tidy)
        return tf.sum(e.logProb(tf.tensor1d([1, 1])));
      })(loc),
    );
    expect(g.shape).toEqual([2]);
    expectClose(g, [3, 0]); // Σ over 3 copies of (x − μ)/σ²
    tf.dispose([g, loc]);
  });
});
