import { InvalidArgumentError, NotImplementedError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, foreignRng } from '@gen/core/testing';
import { Bernoulli, Categorical, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { measureValued } from '../measure-valued.js';
import { pathwise } from '../pathwise.js';
import { relaxedBernoulli } from '../relaxed/relaxed-bernoulli.js';
import { scoreFunction } from '../score-function.js';
import { testCosts } from '../test-costs/test-costs.js';
import { estimatorSweep, gridPoints } from './estimator-sweep.js';
import { gradientStats } from './gradient-stats.js';

const quadratic = testCosts.quadratic.cost;

describeBackends('gradientStats and estimatorSweep', () => {
  it('summarises repeated estimates exactly as a manual loop over the same stream would', () => {
    const rng = Rng.fromSeed(4);
    const stats = gradientStats(scoreFunction(), new Normal({ loc: 1, scale: 2 }), quadratic(3), {
      samples: 3,
      repeats: 50,
      rng,
    });
    const manual = Rng.fromSeed(4);
    const draws: number[][] = [[], []];
    for (let r = 0; r < 50; r++) {
      const xs = [tf.scalar(1), tf.scalar(2)];
      const g = tf.grads(
        (loc, scale) =>
          scoreFunction().surrogate(new Normal({ loc: loc!, scale: scale! }), quadratic(3), {
            samples: 3,
            rng: manual,
          }).loss,
      )(xs);
      g.forEach((t, i) => {
        draws[i]!.push(t.dataSync()[0]!);
      });
      tf.dispose([...g, ...xs]);
    }
    (['loc', 'scale'] as const).forEach((name, i) => {
      const v = draws[i]!;
      const mean = v.reduce((a, b) => a + b, 0) / 50;
      const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / 49;
      expect(stats[name]!.shape).toEqual([]);
      expectClose(stats[name]!.mean, [mean], { rtol: 1e-6, atol: 1e-6 });
      expectClose(stats[name]!.variance, [variance], { rtol: 1e-6, atol: 1e-6 });
      expectClose(stats[name]!.stdError, [Math.sqrt(variance / 50)], { rtol: 1e-6, atol: 1e-6 });
      expectClose(stats[name]!.snr, [Math.abs(mean) / Math.sqrt(variance)], {
        rtol: 1e-6,
        atol: 1e-6,
      });
    });
  });

  it('pathwise ∂μ of E[(x − 3)²] on N(1, 1.5²): mean 2(μ − 3), variance 4σ² (Gaussian, exact SE)', () => {
    const repeats = 1000;
    const s = gradientStats(pathwise(), new Normal({ loc: 1, scale: 1.5 }), quadratic(3), {
      samples: 1,
      repeats,
      rng: Rng.fromSeed(1),
    }).loc!;
    expect(Math.abs(s.mean[0]! + 4)).toBeLessThanOrEqual(4 * s.stdError[0]!);
    const exactVariance = 4 * 1.5 ** 2;
    expect(Math.abs(s.variance[0]! - exactVariance)).toBeLessThanOrEqual(
      4 * exactVariance * Math.sqrt(2 / (repeats - 1)),
    );
  });

  it('a deterministic estimate has variance 0 and infinite signal-to-noise ratio', () => {
    const s = gradientStats(measureValued(), new Bernoulli({ logits: [0, 1] }), quadratic(0.2), {
      samples: 2,
      repeats: 5,
      rng: Rng.fromSeed(1),
    }).logits!;
    expect(s.shape).toEqual([2]);
    // ∂/∂ℓ = p(1 − p)(f(1) − f(0)) = p(1 − p)·0.6
    const p = [0.5, 1 / (1 + Math.exp(-1))];
    expectClose(
      s.mean,
      p.map((q) => q * (1 - q) * 0.6),
      { atol: 1e-6, rtol: 1e-5 },
    );
    expect(s.variance.every((v) => v < 1e-12)).toBe(true);
    expect(s.snr).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });

  it('rebuilds families whose derived tensors matter: Categorical logits under the score function', () => {
    const logits = [0.5, -1, 1.2];
    const g = [1, 4, -2];
    const s = gradientStats(
      scoreFunction({ baseline: 'leaveOneOut' }),
      new Categorical({ logits }),
      (x) => tf.gather(tf.tensor1d(g), tf.cast(x, 'int32')),
      { samples: 8, repeats: 200, rng: Rng.fromSeed(2) },
    ).logits!;
    const z = logits.reduce((a, l) => a + Math.exp(l), 0);
    const p = logits.map((l) => Math.exp(l) / z);
    const mean = p.reduce((a, q, k) => a + q * g[k]!, 0);
    p.forEach((q, j) => {
      expect(Math.abs(s.mean[j]! - q * (g[j]! - mean))).toBeLessThanOrEqual(4 * s.stdError[j]!);
    });
  });

  it('takes a { params, make } factory for its own parameterisation; refuses what it cannot rebuild', () => {
    const factory = {
      params: { loc: 0.5, logScale: 0 },
      make: (p: Record<string, tf.Tensor>) =>
        new Normal({ loc: p.loc!, scale: tf.exp(p.logScale!) }),
    };
    const s = gradientStats(pathwise(), factory, (x) => tf.square(x), {
      samples: 64,
      repeats: 200,
      rng: Rng.fromSeed(3),
    });
    expect(Object.keys(s)).toEqual(['loc', 'logScale']);
    // E = μ² + e^{2 log σ}: ∂μ = 1, ∂log σ = 2.
    expect(Math.abs(s.loc!.mean[0]! - 1)).toBeLessThanOrEqual(4 * s.loc!.stdError[0]!);
    expect(Math.abs(s.logScale!.mean[0]! - 2)).toBeLessThanOrEqual(4 * s.logScale!.stdError[0]!);
    const relaxed = relaxedBernoulli({ logits: 0, temperature: 0.5 });
    expect(() =>
      gradientStats(pathwise(), relaxed, (y) => y, {
        samples: 1,
        repeats: 2,
        rng: Rng.fromSeed(0),
      }),
    ).toThrow(NotImplementedError);
    relaxed.dispose();
  });

  it('accepts an Rng from another installed copy of @gen/core (no instanceof)', () => {
    const foreign = foreignRng(8);
    expect(foreign).not.toBeInstanceOf(Rng);
    const dist = new Normal({ loc: 1, scale: 2 });
    const options = { samples: 2, repeats: 20 };
    const a = gradientStats(scoreFunction(), dist, quadratic(3), { ...options, rng: foreign });
    const b = gradientStats(scoreFunction(), dist, quadratic(3), {
      ...options,
      rng: Rng.fromSeed(8),
    });
    expect(a.loc!.mean).toEqual(b.loc!.mean);
    expect(a.scale!.variance).toEqual(b.scale!.variance);
    const surrogate = pathwise().surrogate(dist, quadratic(3), { samples: 4, rng: foreignRng(2) });
    const reference = pathwise().surrogate(dist, quadratic(3), {
      samples: 4,
      rng: Rng.fromSeed(2),
    });
    expect(surrogate.value.dataSync()).toEqual(reference.value.dataSync());
    tf.dispose([surrogate.loss, surrogate.value, reference.loss, reference.value]);
  });

  it('estimatorSweep tabulates estimators × costs × grid points as plain rows', () => {
    expect(gridPoints({ k: [0, 1], mu: [5, 6] })).toEqual([
      { k: 0, mu: 5 },
      { k: 0, mu: 6 },
      { k: 1, mu: 5 },
      { k: 1, mu: 6 },
    ]);
    const rows = estimatorSweep({
      estimators: { pathwise: pathwise(), mvd: measureValued() },
      costs: { quadratic: ({ k }) => quadratic(k!) },
      grid: { k: [-1, 3] },
      dist: () => new Normal({ loc: 1, scale: 1 }),
      samples: 1,
      repeats: 150,
      rng: Rng.fromSeed(6),
      exact: (_cost, { k }) => testCosts.quadratic.exact.normal({ loc: 1, scale: 1 }, k!).gradient,
    });
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => `${r.point.k} ${r.estimator} ${r.param}`)).toEqual([
      '-1 pathwise loc',
      '-1 pathwise scale',
      '-1 mvd loc',
      '-1 mvd scale',
      '3 pathwise loc',
      '3 pathwise scale',
      '3 mvd loc',
      '3 mvd scale',
    ]);
    for (const row of rows) {
      expect(row.cost).toBe('quadratic');
      expect(Math.abs(row.mean - row.exact!), JSON.stringify(row)).toBeLessThanOrEqual(
        4 * row.stdError,
      );
      expect(typeof row.variance).toBe('number');
    }
  });

  it('does not leak and rejects bad arguments', async () => {
    const d = new Normal({ loc: [0, 1], scale: 1 });
    const opts = { samples: 2, repeats: 3, rng: Rng.fromSeed(0) };
    await expectNoLeak(() => gradientStats(measureValued(), d, quadratic(1), opts));
    await expectNoLeak(() =>
      estimatorSweep({
        estimators: { sf: scoreFunction() },
        costs: { q: () => quadratic(1) },
        grid: [{}],
        dist: () => new Normal({ loc: 0, scale: 1 }),
        ...opts,
      }),
    );
    expect(() => gradientStats(pathwise(), d, quadratic(1), { ...opts, repeats: 1 })).toThrow(
      /'repeats'/,
    );
    expect(() => gradientStats({} as never, d, quadratic(1), opts)).toThrow(InvalidArgumentError);
    expect(() =>
      estimatorSweep({
        estimators: {},
        costs: {},
        grid: { k: 'x' as never },
        dist: () => d,
        ...opts,
      }),
    ).toThrow(/grid axis 'k'/);
    d.dispose();
  });
});
