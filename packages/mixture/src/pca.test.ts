import { InvalidArgumentError, initBackend, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pcaFixture } from '../test/pca-fixture.js';
import { NotFittedError } from './errors.js';
import { Pca, type PcaOptions } from './pca.js';

const { train, test, wide } = pcaFixture;

/*
 * sklearn works in float64 on float32-exact data; we form the covariance with a float32 device
 * product (then decompose it in float64), so every number carries float32 rounding relative to
 * the data's spread: ~1e-6 relative on the 200×6 set. Tolerances are 1e-5 relative (1e-4 on
 * wasm), and absolute parts scaled to each quantity.
 */
describeBackends('Pca against scikit-learn', ({ name }) => {
  const rtol = name === 'wasm' ? 1e-4 : 1e-5;
  const cases = [
    ['k3', train, test],
    ['k3whiten', train, test],
    ['k6', train, test],
    ['wide3', wide, wide.slice(0, 2)],
  ] as const;
  for (const [key, data, rows] of cases) {
    it(`${key}: attributes, transform, inverseTransform and score`, async () => {
      const c = pcaFixture.pca[key];
      const pca = await new Pca({ components: c.components, whiten: c.whiten }).fit(data);
      expectClose(pca.components, c.componentsMatrix, { atol: 1e-5, rtol });
      expectClose(pca.explainedVariance, c.explainedVariance, { atol: 1e-6, rtol });
      expectClose(pca.explainedVarianceRatio, c.explainedVarianceRatio, { atol: 1e-7, rtol });
      expectClose(pca.singularValues, c.singularValues, { atol: 1e-5, rtol });
      expectClose(pca.noiseVariance, c.noiseVariance, { atol: 1e-6, rtol });
      expectClose(pca.mean, c.mean, { atol: 1e-6, rtol });
      // sklearn's whitened get_covariance has the #13898 scaling; the model's is the unwhitened one.
      const covariance = c.whiten ? pcaFixture.pca.k3.covariance : c.covariance;
      expectClose(pca.getCovariance(), covariance, { atol: 1e-5, rtol });
      const z = pca.transform(rows);
      expectClose(await z.array(), c.transform, { atol: 1e-5, rtol });
      const back = pca.inverseTransform(z);
      expectClose(await back.array(), c.inverseTransform, { atol: 1e-5, rtol });
      const fitted = await new Pca({ components: c.components, whiten: c.whiten }).fitTransform(
        data,
      );
      expectClose(((await fitted.array()) as number[][]).slice(0, 5), c.fitTransform, {
        atol: 1e-5,
        rtol,
      });
      if (c.scoreSamples !== undefined) {
        const samples = pca.scoreSamples(rows);
        expectClose(await samples.array(), c.scoreSamples, { atol: 1e-5, rtol });
        const score = pca.score(rows);
        expectClose(await score.array(), c.score!, { atol: 1e-5, rtol });
        tf.dispose([samples, score]);
      }
      tf.dispose([z, back, fitted]);
    });
  }

  it('scores a whitened fit like the unwhitened one (whitening only rescales z)', async () => {
    const whitened = await new Pca({ components: 3, whiten: true }).fit(train);
    const samples = whitened.scoreSamples(test);
    expectClose(await samples.array(), pcaFixture.pca.k3.scoreSamples!, { atol: 1e-5, rtol });
    samples.dispose();
  });

  it('whitened training coordinates have unit sample variance', async () => {
    const z = await new Pca({ components: 3, whiten: true }).fitTransform(train);
    const variance = tf.tidy(() => tf.div(tf.sum(tf.square(z), 0), train.length - 1));
    expectClose(await variance.array(), [1, 1, 1], { atol: 1e-5 });
    tf.dispose([z, variance]);
  });
});

describe('Pca', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('with every component, inverseTransform(transform(x)) = x and the ratios sum to 1', async () => {
    for (const whiten of [false, true]) {
      const pca = await new Pca({ components: 6, whiten }).fit(train);
      const z = pca.transform(test);
      const back = pca.inverseTransform(z);
      expectClose(await back.array(), test, { atol: 2e-5 });
      const ratio = pca.explainedVarianceRatio.reduce((s, v) => s + v);
      expect(Math.abs(ratio - 1)).toBeLessThan(1e-12);
      tf.dispose([z, back]);
    }
  });

  it('has orthonormal axes and reproduces the eigen-equation S v = λ v', async () => {
    const pca = await new Pca({ components: 6 }).fit(train);
    const v = pca.components;
    const n = train.length;
    const mean = pca.mean;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const dot = v[i]!.reduce((s, x, c) => s + x * v[j]![c]!, 0);
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      }
      // S vᵢ computed here in float64 from the rows, independently of the fit.
      const sv = mean.map(
        (_, r) =>
          train.reduce((s, row) => {
            const proj = row.reduce((t, x, c) => t + (x - mean[c]!) * v[i]![c]!, 0);
            return s + (row[r]! - mean[r]!) * proj;
          }, 0) /
          (n - 1),
      );
      expectClose(
        sv,
        v[i]!.map((x) => x * pca.explainedVariance[i]!),
        { atol: 1e-5, rtol: 1e-5 },
      );
    }
  });

  it('round-trips its weights into a new Pca, and forgets them on dispose', async () => {
    const pca = await new Pca({ components: 3 }).fit(train);
    const weights = pca.getWeights();
    const copy = new Pca({ components: 3 });
    copy.setWeights(weights);
    tf.dispose(Object.values(weights));
    expect(copy.dim).toBe(6);
    expectClose(copy.components, pca.components, { atol: 1e-7 });
    expectClose(copy.explainedVariance, pca.explainedVariance, { rtol: 1e-7 });
    expectClose(copy.singularValues, pca.singularValues, { rtol: 1e-7 });
    expectClose(copy.explainedVarianceRatio, pca.explainedVarianceRatio, { rtol: 1e-7 });
    expectClose(copy.noiseVariance, pca.noiseVariance, { rtol: 1e-7 });
    const [a, b] = [pca.transform(test), copy.transform(test)];
    expectClose(await b.array(), await a.array(), { atol: 1e-5 });
    tf.dispose([a, b]);
    expect(copy.toConfig()).toEqual({
      package: '@gen/mixture',
      model: 'Pca',
      factory: 'new',
      options: { components: 3, whiten: false },
    });
    copy.dispose();
    expect(() => copy.transform(test)).toThrow(NotFittedError);
  });

  it('leaks no tensors in fit, fitTransform, transform, inverseTransform, score and weights', async () => {
    const pca = new Pca({ components: 2, whiten: true });
    const x = tf.tensor2d(train);
    await expectNoLeak(() => pca.fit(train), 'fit (arrays)');
    await expectNoLeak(() => pca.fit(x), 'fit (tensor)');
    await expectNoLeak(() => pca.fitTransform(train), 'fitTransform');
    await expectNoLeak(() => pca.transform(test), 'transform');
    await expectNoLeak(() => pca.inverseTransform([[1, 2]]), 'inverseTransform');
    await expectNoLeak(() => [pca.scoreSamples(test), pca.score(x)], 'score');
    await expectNoLeak(() => {
      const w = pca.getWeights();
      pca.setWeights(w);
      return Object.values(w);
    }, 'weights');
    await expectNoLeak(async () => {
      await expect(pca.fit([[1, 2, 3]])).rejects.toThrow(InvalidArgumentError);
      expect(() => pca.transform([[1, 2, 3]])).toThrow(ShapeMismatchError);
    }, 'failures');
    x.dispose();
  });
});

describe('Pca bad inputs', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rejects bad options, naming the function, the argument and the value', () => {
    const make = (options: unknown) => () => new Pca(options as PcaOptions);
    expect(make({ components: 0 })).toThrow(
      /^Pca: argument 'components' must be an integer >= 1, got 0/,
    );
    expect(make({ components: 1.5 })).toThrow(/'components' must be an integer >= 1, got 1.5/);
    expect(make({ components: 2, whiten: 'yes' })).toThrow(/'whiten' must be a boolean, got "yes"/);
    expect(make({ components: 2, whitten: true })).toThrow(/^Pca: unknown option 'whitten'/);
    expect(make(undefined)).toThrow(/^Pca: argument 'options' must be an options object/);
    expect(make({ components: 0 })).toThrow(InvalidArgumentError);
  });

  it('rejects bad data and use before fit', async () => {
    const pca = new Pca({ components: 3 });
    expect(() => pca.transform(test)).toThrow(
      /^Pca.transform: the PCA is not fitted; call fit\(x\) or setWeights\(weights\) first/,
    );
    expect(() => pca.components).toThrow(NotFittedError);
    await expect(pca.fit(wide.map((r) => r.slice(0, 2)))).rejects.toThrow(
      /^Pca.fit: argument 'x' must have at least components = 3 rows and 3 columns \(components ≤ min\(N, D\)\), got a float32 tensor of shape \[5, 2\]/,
    );
    await expect(pca.fit(train.slice(0, 2))).rejects.toThrow(/components ≤ min\(N, D\)/);
    await expect(pca.fit([[1, 2, 3, 4]])).rejects.toThrow(/must have at least 2 rows/);
    await expect(pca.fit(tf.tensor1d([1, 2, 3]))).rejects.toThrow(
      /^Pca.fit: argument 'x' must have shape \[N, D\], got \[3\]/,
    );
    await expect(
      pca.fit([
        [1, Number.NaN, 3],
        [1, 2, 3],
        [0, 0, 0],
      ]),
    ).rejects.toThrow(/^Pca.fit: argument 'x' must be finite \(row 0, column 1\), got NaN/);
    await expect(
      pca.fit([
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
      ]),
    ).rejects.toThrow(/must vary/);
    await pca.fit(train);
    expect(() => pca.transform([[1, 2]])).toThrow(
      /^Pca.transform: argument 'x' must have 6 columns \(the data dimension\), got shape \[1, 2\]/,
    );
    expect(() => pca.inverseTransform([[1, 2]])).toThrow(
      /^Pca.inverseTransform: argument 'z' must have 3 columns \(the components\), got shape \[1, 2\]/,
    );
    const weights = pca.getWeights();
    expect(() => new Pca({ components: 2 }).setWeights(weights)).toThrow(
      /^Pca.setWeights: argument 'weights' must hold 'components' of shape \[2, 6\]/,
    );
    tf.dispose(Object.values(weights));
  });

  it('refuses a log-likelihood whose covariance is singular', async () => {
    // Five rows in 8-D: keeping min(N, D) = 5 components leaves σ² = 0 on 3 discarded directions.
    const pca = await new Pca({ components: 5 }).fit(wide);
    expect(pca.noiseVariance).toBe(0);
    expect(() => pca.scoreSamples(wide)).toThrow(
      /^Pca.scoreSamples: the fitted covariance is singular/,
    );
  });
});
