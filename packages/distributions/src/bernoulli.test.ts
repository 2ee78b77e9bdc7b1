import { GenError, InvalidArgumentError, NotImplementedError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';

const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));

describeBackends('Bernoulli', () => {
  it('derives probs from logits and logits from probs, both public', () => {
    const a = new Bernoulli({ logits: [-2, 0, 3] });
    expectClose(a.probs, [-2, 0, 3].map(sigmoid));
    const b = new Bernoulli({ probs: [0.25, 0.5] });
    expectClose(b.logits, [Math.log(1 / 3), 0]);
    expect(Object.keys(b.params)).toEqual(['probs']);
    expect(a.hasRsample).toBe(false);
    expect(() => a.rsample(2, Rng.fromSeed(1))).toThrow(NotImplementedError);
    a.dispose();
    b.dispose();
  });

  it('logProb is finite and exact for large |logits| and at probs 0 and 1', () => {
    const d = new Bernoulli({ logits: [-100, 100, -30] });
    // log σ(−100) = −100 − log1p(e⁻¹⁰⁰); log σ(100) = −e⁻¹⁰⁰ (0 in float32)
    expectClose(d.logProb(tf.tensor1d([1, 0, 0])), [-100, -100, -Math.log1p(Math.exp(-30))]);
    expectClose(d.logProb(tf.tensor1d([0, 1, 1])), [0, 0, -30], { atol: 1e-6 });
    expectClose(d.entropy(), [0, 0, 31 * Math.exp(-30)], { atol: 1e-12, rtol: 1e-4 });
    const edge = new Bernoulli({ probs: [0, 1] });
    expectClose(edge.logProb(tf.tensor1d([0, 1])), [0, 0]);
    expectClose(edge.logProb(tf.tensor1d([1, 0])), [-Infinity, -Infinity]);
    expectClose(edge.entropy(), [0, 0]);
    expectClose(edge.variance(), [0, 0]);
    expectClose(edge.sample(50, Rng.fromSeed(3)), tf.tile(tf.tensor2d([[0, 1]]), [50, 1]));
    d.dispose();
    edge.dispose();
  });

  it('gradients flow from logits and from probs into logProb and entropy', () => {
    const x = tf.tensor2d([
      [1, 0, 1],
      [0, 0, 1],
    ]);
    const logits = tf.tensor1d([-1.5, 0.3, 2]);
    const f = (l: tf.Tensor) =>
      tf.tidy(() => {
        const d = new Bernoulli({ logits: l });
        return tf.add(tf.sum(d.logProb(x)), tf.sum(d.entropy())) as tf.Scalar;
      });
    expectClose(tf.grad(f)(logits), numericalGradient(f, logits), { atol: 2e-3, rtol: 1e-3 });
    const probs = tf.tensor1d([0.1, 0.45, 0.8]);
    const g = (p: tf.Tensor) =>
      tf.tidy(() => tf.sum(new Bernoulli({ probs: p }).logProb(x)) as tf.Scalar);
    // d/dp Σ [x log p + (1 − x) log(1 − p)] = Σ x/p − (1 − x)/(1 − p)
    expectClose(tf.grad(g)(probs), [1 / 0.1 - 1 / 0.9, -2 / 0.55, 2 / 0.8], { rtol: 1e-4 });
  });

  it('rejects bad parameters and values with typed errors naming them', () => {
    expect(() => new Bernoulli({} as never)).toThrow(
      "Bernoulli: pass exactly one of 'logits' or 'probs', got neither",
    );
    expect(() => new Bernoulli({ logits: 0, probs: 0.5 } as never)).toThrow(/got both/);
    expect(() => new Bernoulli({ probs: [0.5, 1.5] })).toThrow(
      "Bernoulli: argument 'probs' must be in [0, 1], got 1.5 at flat index 1",
    );
    expect(() => new Bernoulli({ logits: [Number.NaN] })).toThrow(InvalidArgumentError);
    const d = new Bernoulli({ probs: 0.3 });
    expect(() => d.logProb(tf.tensor1d([1, 0.5]))).toThrow(
      "Bernoulli.logProb: argument 'x' must be 0 or 1, got 0.5 at flat index 1",
    );
    expect(() => d.logProb(tf.tensor1d([Number.NaN]))).toThrow(GenError);
    d.dispose();
  });

  it('does not leak, from logits or probs', async () => {
    await expectNoLeak(() => {
      const x = tf.tensor1d([0, 1]);
      const out: tf.Tensor[] = [x];
      for (const d of [new Bernoulli({ logits: [1, -1] }), new Bernoulli({ probs: [0, 0.4] })]) {
        out.push(d.sample(4, Rng.fromSeed(5)), d.logProb(x), d.entropy());
        out.push(d.mean(), d.variance());
        d.dispose();
      }
      return out;
    });
  });
});
