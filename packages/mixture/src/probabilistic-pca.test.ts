import { cholesky, choleskySolve, InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { fitEm } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pcaFixture } from '../test/pca-fixture.js';
import { NotFittedError } from './errors.js';
import { ProbabilisticPca, type ProbabilisticPcaOptions } from './probabilistic-pca.js';

const { train, test, ppca: reference } = pcaFixture;
const q = reference.components;

function outer(w: number[][]): number[][] {
  return w.map((a) => w.map((b) => a.reduce((s, v, c) => s + v * b[c]!, 0)));
}

describe('ProbabilisticPca', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('closed form matches the numpy/scipy maximum likelihood (WWᵀ, σ², μ, log-densities)', async () => {
    const model = new ProbabilisticPca({ components: q });
    const result = await model.fit(train);
    expect(result).toMatchObject({ converged: true, iterations: 0, history: [] });
    // float32 device covariance of float32-exact data vs float64: ~1e-6 relative.
    expectClose(model.noiseVariance, reference.noiseVariance, { rtol: 1e-5 });
    expectClose(outer(model.loadings), reference.wwt, { atol: 1e-5, rtol: 1e-5 });
    expectClose(model.mean, reference.mean, { atol: 1e-6, rtol: 1e-6 });
    expectClose(result.logLikelihood, reference.trainScore, { rtol: 1e-6 });
    const logProb = model.logProb(test);
    expectClose(await logProb.array(), reference.logProb, { atol: 1e-5, rtol: 1e-5 });
    const score = model.score(train);
    expectClose(await score.array(), reference.trainScore, { rtol: 1e-5 });
    const c = model.getCovariance();
    const wwt = reference.wwt.map((row, i) =>
      row.map((v, j) => v + (i === j ? reference.noiseVariance : 0)),
    );
    expectClose(c, wwt, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([logProb, score]);
  });

  it('EM converges to the closed form: the same log-likelihood and subspace (WWᵀ)', async () => {
    const exact = new ProbabilisticPca({ components: q });
    const closed = await exact.fit(train);
    const em = new ProbabilisticPca({ components: q, method: 'em', tolerance: 1e-12, seed: 3 });
    const result = await em.fit(train);
    expect(result.converged).toBe(true);
    expect(result.iterations).toBeGreaterThan(5);
    expect(Math.abs(result.logLikelihood - closed.logLikelihood)).toBeLessThan(1e-4);
    expectClose(outer(em.loadings), outer(exact.loadings), { atol: 1e-5, rtol: 1e-5 });
    expectClose(em.noiseVariance, exact.noiseVariance, { rtol: 1e-6 });
    // EM never decreases the likelihood.
    for (let i = 1; i < result.history.length; i++) {
      expect(result.history[i]!).toBeGreaterThanOrEqual(result.history[i - 1]! - 1e-12);
    }
    // W itself is a rotation of the closed form's, not equal to it.
    const [a, b] = [em.loadings.flat(), exact.loadings.flat()];
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeGreaterThan(1e-3);
  });

  it('steps through fitEm of @gen/train to the same maximum', async () => {
    const x = tf.tensor2d(train);
    const exact = new ProbabilisticPca({ components: q });
    const { logLikelihood } = await exact.fit(x);
    const model = new ProbabilisticPca({ components: q, method: 'em', seed: 1 });
    const { stopReason, history } = await fitEm(model, x, { steps: 500, tolerance: 1e-10 });
    expect(stopReason).toBe('converged');
    expect(Math.abs(-history.at(-1)!.loss! - logLikelihood)).toBeLessThan(1e-4);
    expectClose(outer(model.loadings), outer(exact.loadings), { atol: 1e-4, rtol: 1e-4 });
    x.dispose();
  });

  it('transform is the posterior mean Wᵀ C⁻¹ (x − μ); inverseTransform is Wz + μ', async () => {
    const model = new ProbabilisticPca({ components: q });
    await model.fit(train);
    const z = model.transform(test);
    const expected = tf.tidy(() => {
      const w = tf.tensor2d(model.loadings);
      const l = cholesky(tf.tensor2d(model.getCovariance()));
      const xc = tf.sub(tf.tensor2d(test), tf.tensor1d(model.mean));
      return tf.transpose(tf.matMul(w, choleskySolve(l, tf.transpose(xc)), true, false));
    });
    expectClose(await z.array(), (await expected.array()) as number[][], {
      atol: 1e-5,
      rtol: 1e-4,
    });
    const back = model.inverseTransform(z);
    const manual = tf.tidy(() =>
      tf.add(tf.matMul(z, tf.tensor2d(model.loadings), false, true), tf.tensor1d(model.mean)),
    );
    expectClose(await back.array(), (await manual.array()) as number[][], { atol: 1e-5 });
    tf.dispose([z, expected, back, manual]);
  });

  it('samples N(μ, WWᵀ + σ²I): moments within 5 standard errors, reproducible from the Rng', async () => {
    const model = new ProbabilisticPca({ components: q });
    await model.fit(train);
    const n = 20000;
    const draws = model.sample(n, Rng.fromSeed(7));
    const again = model.sample(3, Rng.fromSeed(7));
    const first = tf.slice(draws, [0, 0], [3, -1]);
    expectClose(await again.array(), (await first.array()) as number[][], {
      atol: 0,
      rtol: 0,
    });
    const rows = (await draws.array()) as number[][];
    const c = model.getCovariance();
    const mu = model.mean;
    const d = mu.length;
    const mean = mu.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
    // False-failure rate at 5 SE over 6 means and 36 covariance entries: < 3e-5.
    for (const [j, m] of mean.entries()) {
      expect(Math.abs(m - mu[j]!)).toBeLessThan(5 * Math.sqrt(c[j]![j]! / n));
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const s = rows.reduce((t, r) => t + (r[i]! - mu[i]!) * (r[j]! - mu[j]!), 0) / n;
        const se = Math.sqrt((c[i]![i]! * c[j]![j]! + c[i]![j]! ** 2) / n);
        expect(Math.abs(s - c[i]![j]!)).toBeLessThan(5 * se);
      }
    }
    tf.dispose([draws, again, first]);
  });

  it('round-trips its weights and config, and forgets them on dispose', async () => {
    const model = new ProbabilisticPca({ components: q, method: 'em', maxIterations: 50 });
    await model.fit(train);
    const weights = model.getWeights();
    const copy = new ProbabilisticPca({ components: q });
    copy.setWeights(weights);
    tf.dispose(Object.values(weights));
    const [a, b] = [model.logProb(test), copy.logProb(test)];
    expectClose(await b.array(), await a.array(), { atol: 1e-4, rtol: 1e-6 });
    tf.dispose([a, b]);
    expect(model.toConfig().options).toEqual({
      components: q,
      method: 'em',
      maxIterations: 50,
      tolerance: 1e-6,
      seed: 0,
    });
    copy.dispose();
    expect(() => copy.logProb(test)).toThrow(NotFittedError);
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(train);
    const model = new ProbabilisticPca({ components: q, method: 'em', maxIterations: 5 });
    await expectNoLeak(() => model.fit(train), 'fit em (arrays)');
    await expectNoLeak(() => new ProbabilisticPca({ components: q }).fit(x), 'fit closed form');
    await expectNoLeak(async () => {
      await model.initialize(x);
      await model.emStep(x);
      await model.emStep(train);
    }, 'initialize, emStep');
    await expectNoLeak(() => [model.logProb(test), model.score(x)], 'logProb, score');
    await expectNoLeak(() => model.sample(4, Rng.fromSeed(0)), 'sample');
    await expectNoLeak(() => model.inverseTransform([[0.5, -1]]), 'inverseTransform');
    await expectNoLeak(() => {
      model.transform(test).dispose();
      const w = model.getWeights();
      model.setWeights(w);
      return Object.values(w);
    }, 'weights');
    await expectNoLeak(async () => {
      await expect(model.fit([[1, 2]])).rejects.toThrow(InvalidArgumentError);
      expect(() => model.logProb([[1, 2]])).toThrow(/6 columns/);
    }, 'failures');
    x.dispose();
  });
});

describe('ProbabilisticPca bad inputs', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rejects bad options, naming the function, the argument and the value', () => {
    const make = (options: unknown) => () =>
      new ProbabilisticPca(options as ProbabilisticPcaOptions);
    expect(make({ components: 0 })).toThrow(
      /^ProbabilisticPca: argument 'components' must be an integer >= 1, got 0/,
    );
    expect(make({ components: 2, method: 'svd' })).toThrow(
      /'method' must be one of 'closed-form', 'em', got "svd"/,
    );
    expect(make({ components: 2, maxIterations: 0 })).toThrow(
      /'maxIterations' must be an integer >= 1, got 0/,
    );
    expect(make({ components: 2, tolerance: -1 })).toThrow(/'tolerance'.*got -1/);
    expect(make({ components: 2, iterations: 5 })).toThrow(
      /^ProbabilisticPca: unknown option 'iterations'/,
    );
    expect(make(null)).toThrow(/argument 'options' must be an options object/);
  });

  it('rejects bad data, a degenerate fit and use before fit', async () => {
    const model = new ProbabilisticPca({ components: 2 });
    expect(() => model.sample(2, Rng.fromSeed(0))).toThrow(
      /^ProbabilisticPca.sample: the model has no parameters yet/,
    );
    await expect(model.emStep(train)).rejects.toThrow(NotFittedError);
    await expect(
      model.fit([
        [1, 2],
        [3, 4],
        [5, 7],
      ]),
    ).rejects.toThrow(
      /^ProbabilisticPca.fit: argument 'x' must have more than components = 2 columns and at least 2 rows/,
    );
    await expect(model.fit(tf.zeros([3]))).rejects.toThrow(/must have shape \[N, D\], got \[3\]/);
    // Rows on a plane in 3-D: nothing is left for the noise.
    const plane = [
      [1, 0, 0],
      [0, 1, 0],
      [2, 3, 0],
      [-1, 4, 0],
    ];
    await expect(model.fit(plane)).rejects.toThrow(
      /^ProbabilisticPca.fit: argument 'x' lies in a subspace of dimension ≤ components = 2/,
    );
    await expect(
      model.fit([
        [1, 2, 3],
        [1, Number.POSITIVE_INFINITY, 3],
        [0, 0, 1],
      ]),
    ).rejects.toThrow(/must be finite \(row 1, column 1\), got Infinity/);
    await model.fit(train);
    expect(() => model.sample(0, Rng.fromSeed(0))).toThrow(/'n' must be an integer >= 1, got 0/);
    expect(() => model.sample(2, 7 as unknown as Rng)).toThrow(/'rng' must be an Rng, got 7/);
    expect(() => model.inverseTransform([[1, 2, 3]])).toThrow(
      /^ProbabilisticPca.inverseTransform: argument 'z' must have 2 columns \(the components\)/,
    );
    await expect(model.emStep([[1, 2, 3]])).rejects.toThrow(/must have 6 columns/);
    const w = model.getWeights();
    const bad = { ...w, noiseVariance: tf.scalar(0) };
    expect(() => model.setWeights(bad)).toThrow(/'weights.noiseVariance' must be positive, got 0/);
    expect(() => model.setWeights({ mean: w.mean! })).toThrow(
      /must hold 'loadings' of shape \[6, 2\]/,
    );
    tf.dispose([...Object.values(w), bad.noiseVariance]);
  });
});
