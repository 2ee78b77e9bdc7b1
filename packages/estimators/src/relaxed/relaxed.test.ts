import { InvalidArgumentError, NotImplementedError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { moments } from '../../test/moments.js';
import { pathwise } from '../pathwise.js';
import { RelaxedBernoulli, relaxedBernoulli } from './relaxed-bernoulli.js';
import { type RelaxedOneHotCategorical, relaxedCategorical } from './relaxed-categorical.js';

/** Density of y = σ(z), z ∼ Logistic(ℓ/τ, 1/τ) (the binary Concrete), in float64. */
function binaryConcreteDensity(y: number, logit: number, tau: number): number {
  const z = Math.log(y / (1 - y));
  const u = -(z - logit / tau) * tau;
  return (tau * Math.exp(u)) / (1 + Math.exp(u)) ** 2 / (y * (1 - y));
}

describeBackends('relaxed Bernoulli and Categorical (Concrete / Gumbel-softmax)', () => {
  it('RelaxedBernoulli.logProb is the change-of-variables density of σ(logistic)', () => {
    const ys = [0.01, 0.2, 0.5, 0.9, 0.999];
    for (const tau of [0.3, 1, 2.5]) {
      const d = relaxedBernoulli({ logits: 0.7, temperature: tau });
      const got = d.logProb(tf.tensor1d(ys));
      expectClose(
        got,
        ys.map((y) => Math.log(binaryConcreteDensity(y, 0.7, tau))),
        { atol: 1e-4, rtol: 1e-4 },
      );
      tf.dispose(got);
      d.dispose();
    }
  });

  it('the two-category Concrete density equals the binary one with logit ℓ₁ − ℓ₂', () => {
    const c = relaxedCategorical({ logits: [0.4, -0.9], temperature: 0.6 });
    const b = relaxedBernoulli({ logits: 1.3, temperature: 0.6 });
    const y1 = [0.05, 0.3, 0.8];
    const pairs = tf.tensor2d(y1.map((y) => [y, 1 - y]));
    const [lc, lb] = [c.logProb(pairs), b.logProb(tf.tensor1d(y1))];
    expectClose(lc, lb, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([pairs, lc, lb]);
    c.dispose();
    b.dispose();
  });

  it('straight-through draws are exact discrete samples with the relaxed gradient', () => {
    const n = 20_000;
    const st = relaxedBernoulli({ probs: [0.2, 0.7], temperature: 0.5, straightThrough: true });
    const x = st.sample(n, Rng.fromSeed(3));
    const values = x.dataSync();
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    const means = tf.mean(x, 0).dataSync();
    [0.2, 0.7].forEach((p, j) => {
      expect(Math.abs(means[j]! - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / n));
    });
    const oneHot = relaxedCategorical({
      logits: [1, 0, -1],
      temperature: 0.5,
      straightThrough: true,
    });
    const y = oneHot.sample(1000, Rng.fromSeed(4)).dataSync();
    for (let i = 0; i < 1000; i++) {
      const row = [y[3 * i]!, y[3 * i + 1]!, y[3 * i + 2]!];
      expect(
        row.filter((v) => v === 1).length === 1 && row.filter((v) => v === 0).length === 2,
      ).toBe(true);
    }
    // Same draws, same gradient as the soft relaxation.
    const gradFor = (straightThrough: boolean) => {
      const logits = tf.tensor1d([0.3, -0.2, 0.5]);
      const [g] = tf.grads(
        (l) =>
          pathwise().surrogate(
            relaxedCategorical({ logits: l!, temperature: 0.5, straightThrough }),
            (v) => tf.sum(tf.mul(v, tf.tensor1d([1, -2, 3])), -1),
            { samples: 16, rng: Rng.fromSeed(8) },
          ).loss,
      )([logits]);
      const out = Array.from(g!.dataSync());
      tf.dispose([g!, logits]);
      return out;
    };
    expectClose(gradFor(true), gradFor(false), { atol: 1e-6, rtol: 1e-5 });
    expect(gradFor(true).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    tf.dispose(x);
    st.dispose();
    oneHot.dispose();
  });

  it('pathwise through RelaxedBernoulli is unbiased for the relaxed objective d/dℓ E[(y − 0.3)²]', () => {
    const [tau, logit, R] = [0.5, 0.4, 5000];
    const relaxedMean = (l: number) => {
      // E over z ∼ Logistic(l/τ, 1/τ) of f(σ(z)), by the midpoint rule on the CDF scale.
      const m = 20_000;
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const u = (i + 0.5) / m;
        const z = l / tau + Math.log(u / (1 - u)) / tau;
        sum += (1 / (1 + Math.exp(-z)) - 0.3) ** 2;
      }
      return sum / m;
    };
    const exact = (relaxedMean(logit + 1e-4) - relaxedMean(logit - 1e-4)) / 2e-4;
    const logits = tf.fill([R], logit);
    const [g] = tf.grads(
      (l) =>
        pathwise().surrogate(
          relaxedBernoulli({ logits: l!, temperature: tau }),
          (y) => tf.square(tf.sub(y, 0.3)),
          {
            samples: 4,
            rng: Rng.fromSeed(12),
          },
        ).loss,
    )([logits]);
    const { mean, se } = moments(g!.dataSync());
    expect(Math.abs(mean - exact), `${mean} vs ${exact} (se ${se})`).toBeLessThanOrEqual(4 * se);
    tf.dispose([g!, logits]);
  });

  it('validates its arguments and has no closed-form moments', () => {
    expect(() => relaxedBernoulli({ logits: 0, temperature: 0 })).toThrow(/argument 'temperature'/);
    expect(() => relaxedBernoulli({ logits: 0, probs: 0.5, temperature: 1 } as never)).toThrow(
      InvalidArgumentError,
    );
    // The same logits-or-probs rule as @gen/distributions' Bernoulli and Categorical.
    expect(() => relaxedBernoulli({ logits: 0, probs: 0.5, temperature: 1 } as never)).toThrow(
      "RelaxedBernoulli: pass exactly one of 'logits' or 'probs', got both",
    );
    expect(() => relaxedCategorical({ temperature: 1 } as never)).toThrow(
      "RelaxedOneHotCategorical: pass exactly one of 'logits' or 'probs', got neither",
    );
    expect(() => relaxedCategorical({ logits: [1], temperature: 1 })).toThrow(/K >= 2/);
    expect(() => relaxedBernoulli({ probs: 1.5, temperature: 1 })).toThrow(/'probs'/);
    const d = relaxedBernoulli({ logits: 0, temperature: 1 });
    expect(() => d.entropy()).toThrow(NotImplementedError);
    d.dispose();
  });

  it('does not leak', async () => {
    await expectNoLeak(() => {
      const d = relaxedCategorical({
        logits: [[0, 1, 2]],
        temperature: 0.7,
        straightThrough: true,
      });
      const b = relaxedBernoulli({ probs: [0.1, 0.5], temperature: 0.7 });
      const y = b.rsample(5, Rng.fromSeed(2));
      const out = [d.rsample(5, Rng.fromSeed(1)), y, b.logProb(y)];
      d.dispose();
      b.dispose();
      return out;
    });
  });

  it('expand keeps the temperature, the straight-through mode and logits or probs as given', async () => {
    await expectNoLeak(() => {
      const b = relaxedBernoulli({ probs: [0.1, 0.5], temperature: 0.7, straightThrough: true });
      const e = b.expand([3, 2]);
      expect(e).toBeInstanceOf(RelaxedBernoulli);
      expect(e.batchShape).toEqual([3, 2]);
      expect((e as RelaxedBernoulli).temperature).toBe(0.7);
      expect((e as RelaxedBernoulli).straightThrough).toBe(true);
      expect(Object.keys(e.params)).toEqual(['probs']);
      const c = relaxedCategorical({ logits: [0, 1, 2], temperature: 0.3 });
      const f = c.expand([4]);
      expect(f.batchShape).toEqual([4]);
      expect(f.eventShape).toEqual([3]);
      expect((f as RelaxedOneHotCategorical).temperature).toBe(0.3);
      const y = f.rsample(2, Rng.fromSeed(1));
      expect(y.shape).toEqual([2, 4, 3]);
      const [x3, x1] = [tf.fill([3, 2], 0.4), tf.fill([2], 0.4)];
      const out = [y, x3, x1, e.logProb(x3), b.logProb(x1)];
      for (const d of [b, e, c, f]) d.dispose();
      return out;
    });
  });
});
