import { InvalidArgumentError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Categorical } from './categorical.js';

describeBackends('Categorical', () => {
  it('normalises logits and probs and reads the batch off the leading axes', () => {
    const d = new Categorical({ logits: tf.zeros([2, 3, 4]) });
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.eventShape).toEqual([]);
    expect(d.numCategories).toBe(4);
    expectClose(d.logits, tf.fill([2, 3, 4], -Math.log(4)));
    const p = new Categorical({ probs: [0.2, 0.3, 0.5 + 2e-6] });
    expectClose(tf.sum(p.probs), 1, { atol: 1e-7 });
    expectClose(p.logProb(tf.tensor1d([0, 2])), [Math.log(0.2), Math.log(0.5)], { atol: 1e-5 });
    d.dispose();
    p.dispose();
  });

  it('handles categories of probability 0 (−∞ logits) without NaN', () => {
    const d = new Categorical({ logits: [0, -Infinity, 0] });
    expectClose(d.logProb(tf.tensor1d([0, 1])), [-Math.log(2), -Infinity]);
    expectClose(d.entropy(), Math.log(2));
    const counts = tf.sum(tf.oneHot(tf.cast(d.sample(2000, Rng.fromSeed(1)), 'int32'), 3), 0);
    expect(counts.dataSync()[1]).toBe(0);
    const g = tf.grad((l) => tf.sum(new Categorical({ logits: l }).entropy()))(
      tf.tensor1d([0, -Infinity, 1]),
    );
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    const z = new Categorical({ probs: [0, 0.25, 0.75] });
    expectClose(z.entropy(), -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)));
    d.dispose();
    z.dispose();
  });

  it('samples each category with its probability, within 4 standard errors', () => {
    // Per-cell false-failure rate 6.3e-5 (normal approximation), 8 cells.
    const probs = [
      [0.1, 0.2, 0.3, 0.4],
      [0.7, 0.05, 0.2, 0.05],
    ];
    const d = new Categorical({ probs });
    const n = 20000;
    const x = d.sample(n, Rng.fromSeed(7));
    expect(x.shape).toEqual([n, 2]);
    const freq = tf.div(tf.sum(tf.oneHot(tf.cast(x, 'int32'), 4), 0), n).arraySync() as number[][];
    probs.forEach((row, b) => {
      row.forEach((p, k) => {
        const se = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs(freq[b]![k]! - p), `batch ${b} category ${k}`).toBeLessThanOrEqual(4 * se);
      });
    });
    d.dispose();
  });

  it('gradients flow from logits into logProb and entropy (finite differences)', () => {
    const x = tf.tensor2d([
      [0, 2],
      [1, 1],
      [2, 0],
    ]);
    const logits = tf.tensor2d([
      [0.5, -1, 2],
      [0, 0.3, -0.7],
    ]);
    const f = (l: tf.Tensor) =>
      tf.tidy(() => {
        const d = new Categorical({ logits: l });
        return tf.add(tf.sum(d.logProb(x)), tf.sum(d.entropy())) as tf.Scalar;
      });
    expectClose(tf.grad(f)(logits), numericalGradient(f, logits), { atol: 2e-3, rtol: 1e-3 });
  });

  it('rejects bad parameters and values with typed errors naming them', () => {
    expect(() => new Categorical({ probs: [0.2, 0.3, 0.4] })).toThrow(
      /Categorical: argument 'probs' must sum to 1 along the last axis \(within 0.00003\), got sum 0.9\d* at batch index 0/,
    );
    expect(
      () =>
        new Categorical({
          probs: [
            [0.5, 0.5],
            [1.5, -0.5],
          ],
        }),
    ).toThrow("Categorical: argument 'probs' must be in [0, 1], got 1.5 at flat index 2");
    expect(() => new Categorical({ logits: [0, Number.NaN] })).toThrow(
      "Categorical: argument 'logits' must be finite or -Infinity, got NaN at flat index 1",
    );
    expect(
      () =>
        new Categorical({
          logits: [
            [0, 1],
            [-Infinity, -Infinity],
          ],
        }),
    ).toThrow(/every row, got all -Infinity at batch index 1/);
    expect(() => new Categorical({ logits: 1 })).toThrow(ShapeMismatchError);
    expect(() => new Categorical({} as never)).toThrow(/exactly one of 'logits' or 'probs'/);
    const d = new Categorical({ logits: [0, 0, 0] });
    expect(() => d.logProb(tf.tensor1d([0, 3]))).toThrow(
      "Categorical.logProb: argument 'x' must be a category index in [0, 2], got 3 at flat index 1",
    );
    expect(() => d.logProb(tf.tensor1d([0.5]))).toThrow(InvalidArgumentError);
    d.dispose();
  });

  it('does not leak', async () => {
    await expectNoLeak(() => {
      const d = new Categorical({
        probs: [
          [0.2, 0.8],
          [0.5, 0.5],
        ],
      });
      const x = tf.tensor1d([1, 0]);
      const out = [
        x,
        d.sample(3, Rng.fromSeed(2)),
        d.logProb(x),
        d.entropy(),
        d.mean(),
        d.variance(),
      ];
      d.dispose();
      return out;
    });
  });
});
