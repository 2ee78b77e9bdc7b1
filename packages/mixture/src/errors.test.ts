import {
  InvalidArgumentError,
  initBackend,
  ShapeMismatchError,
  withoutFiniteChecks,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NotFittedError } from './errors.js';
import { GaussianMixture } from './gaussian-mixture.js';
import type { GaussianMixtureOptions } from './options.js';

const rows = [
  [0, 0],
  [1, 0.5],
  [4, 4],
  [5, 3.5],
  [0.5, -0.5],
  [4.5, 4.2],
];

function expectError(fn: () => unknown, type: typeof InvalidArgumentError, message: RegExp) {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  expect((caught as Error).message).toMatch(message);
}

describe('GaussianMixture bad inputs', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rejects bad options, naming the function, the argument and the value', () => {
    const make = (options: unknown) => () => new GaussianMixture(options as GaussianMixtureOptions);
    const cases: [unknown, RegExp][] = [
      [{ components: 0 }, /GaussianMixture: argument 'components' must be an integer >= 1, got 0/],
      [{ components: 2.5 }, /'components' must be an integer >= 1, got 2.5/],
      [
        { components: 2, covariance: 'fulll' },
        /'covariance' must be one of 'full', 'tied', 'diag', 'spherical', got "fulll"/,
      ],
      [
        { components: 2, init: 'kmeans+' },
        /'init' must be one of 'kmeans', 'kmeans\+\+', 'random', 'random-from-data', got "kmeans\+"/,
      ],
      [{ components: 2, regCovar: -1 }, /'regCovar' must be a finite number >= 0, got -1/],
      [
        { components: 2, tolerance: Number.NaN },
        /'tolerance' must be a finite number >= 0, got NaN/,
      ],
      [{ components: 2, restarts: 0 }, /'restarts' must be an integer >= 1, got 0/],
      [{ components: 2, maxIterations: -1 }, /'maxIterations' must be an integer >= 0, got -1/],
      [{ components: 2, seed: -3 }, /'seed' must be an integer/],
      [{ components: 2, covarianceType: 'full' }, /unknown option 'covarianceType'/],
      [undefined, /'options' must be an options object/],
    ];
    for (const [options, message] of cases)
      expectError(make(options), InvalidArgumentError, message);
  });

  it('rejects explicit initial parameters of the wrong shape or kind', () => {
    const means = [
      [0, 0],
      [4, 4],
    ];
    const make =
      (init: object, extra: object = {}) =>
      () =>
        new GaussianMixture({ components: 2, init: init as { means: number[][] }, ...extra });
    expectError(
      make({ means: [[0, 0]] }),
      ShapeMismatchError,
      /'init.means' must be a nested array of numbers of shape \[2, 2\]/,
    );
    expectError(
      make({ means, weights: [0.7, 0.7] }),
      InvalidArgumentError,
      /'init.weights' must be positive and sum to 1/,
    );
    expectError(
      make({
        means,
        covariances: [
          [
            [1, 0],
            [0, 1],
          ],
        ],
      }),
      ShapeMismatchError,
      /'init.covariances' must be .* \[2, 2, 2\]/,
    );
    expectError(
      make({
        means,
        covariances: [
          [
            [1, 2],
            [2, 1],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ],
      }),
      InvalidArgumentError,
      /'init.covariances' must be positive definite \(matrix 0\)/,
    );
    expectError(
      make({ means, precisions: [1, -1] }, { covariance: 'spherical' }),
      InvalidArgumentError,
      /'init.precisions' must be > 0 \(flat index 1\), got -1/,
    );
    expectError(
      make({ means, covariances: [1, 1], precisions: [1, 1] }, { covariance: 'spherical' }),
      InvalidArgumentError,
      /at most one of 'init.covariances' and 'init.precisions'/,
    );
    expectError(
      make({ means }, { restarts: 2 }),
      InvalidArgumentError,
      /'restarts' must be 1 with explicit initial parameters \(every restart would repeat the same run\), got 2/,
    );
    expectError(make({ means, mean: 1 }), InvalidArgumentError, /unknown option 'init.mean'/);
  });

  it('rejects data whose dimension differs from the explicit initial means', async () => {
    const gm = new GaussianMixture({
      components: 2,
      init: {
        means: [
          [0, 0, 0],
          [1, 1, 1],
        ],
      },
    });
    await expect(gm.fit(rows)).rejects.toThrow(
      /GaussianMixture.fit: argument 'x' must have 3 columns like 'init.means', got shape \[6, 2\]/,
    );
    await expect(gm.fit(rows)).rejects.toBeInstanceOf(ShapeMismatchError);
  });

  it('rejects bad data in fit: NaN (with its position), wrong rank, too few rows', async () => {
    const gm = new GaussianMixture({ components: 2 });
    const withNaN = rows.map((r) => [...r]);
    withNaN[3]![1] = Number.NaN;
    await expect(gm.fit(withNaN)).rejects.toThrow(
      /GaussianMixture.fit: argument 'x' must be finite \(row 3, column 1\), got NaN/,
    );
    const inf = tf.tensor2d([
      [0, Infinity],
      [1, 1],
    ]);
    await expect(gm.fit(inf)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(gm.fit(tf.tensor1d([1, 2, 3]))).rejects.toThrow(
      /GaussianMixture.fit: argument 'x' must have shape \[N, D\], got \[3\]/,
    );
    await expect(gm.fit([[1, 2]])).rejects.toThrow(/'x' must have at least components = 2 rows/);
    await expect(gm.fit([[1, 2], [3]] as number[][])).rejects.toBeInstanceOf(InvalidArgumentError);
    inf.dispose();
  });

  it('needs parameters first, and then data of the fitted dimension without NaN', async () => {
    const gm = new GaussianMixture({ components: 2 });
    expectError(
      () => gm.logProb(rows),
      NotFittedError,
      /GaussianMixture.logProb: the mixture has no parameters yet/,
    );
    await expect(gm.emStep(rows)).rejects.toBeInstanceOf(NotFittedError);
    await expect(gm.fit(rows, { warmStart: true })).rejects.toBeInstanceOf(NotFittedError);
    expect(gm.trainableVariables).toEqual([]);
    await gm.fit(rows);
    const threeColumns = rows.map((r) => [...r, 0]);
    for (const method of ['logProb', 'score', 'predict', 'predictProba', 'bic', 'aic'] as const) {
      expectError(
        () => gm[method](threeColumns),
        ShapeMismatchError,
        new RegExp(
          `GaussianMixture.${method}: argument 'x' must have 2 columns \\(the mixture's dimension\\), got shape \\[6, 3\\]`,
        ),
      );
    }
    await expect(gm.emStep(threeColumns)).rejects.toBeInstanceOf(ShapeMismatchError);
    expectError(
      () => gm.logProb([[0, Number.NaN]]),
      InvalidArgumentError,
      /'x' must be finite \(row 0, column 1\), got NaN/,
    );
    // The gradient-training loss checks its batch too, unless the trainer turned the checks off.
    const nan = tf.tensor2d([[0, Number.NaN]]);
    const wide = tf.zeros([2, 3]);
    expectError(
      () => gm.loss(nan),
      InvalidArgumentError,
      /GaussianMixture.loss: argument 'batch' must be finite \(row 0, column 1\), got NaN/,
    );
    expectError(
      () => gm.loss(wide),
      ShapeMismatchError,
      /GaussianMixture.loss: argument 'batch' must have 2 columns/,
    );
    const unchecked = withoutFiniteChecks(() => gm.loss(nan));
    expect(Number.isNaN(unchecked.dataSync()[0])).toBe(true);
    tf.dispose([nan, wide, unchecked]);
    expectError(
      () => gm.sample(0, undefined as never),
      InvalidArgumentError,
      /GaussianMixture.sample: argument 'n' must be an integer >= 1, got 0/,
    );
    const weights = gm.getWeights();
    expectError(
      () => gm.setWeights({ ...weights, means: tf.zeros([3, 2]) }),
      ShapeMismatchError,
      /'weights' must hold 'means' of shape \[2, 2\], got a float32 tensor of shape \[3, 2\]/,
    );
    expectError(
      () => gm.setWeights({ ...weights, extra: tf.zeros([1]) }),
      ShapeMismatchError,
      /unknown entry 'extra'/,
    );
    tf.dispose(Object.values(weights));
    gm.dispose();
    expectError(() => gm.score(rows), NotFittedError, /no parameters yet/);
  });

  it('leaks nothing when it throws', async () => {
    const gm = new GaussianMixture({ components: 2 });
    await expectNoLeak(async () => {
      await expect(
        gm.fit([
          [0, Number.NaN],
          [1, 1],
          [2, 2],
        ]),
      ).rejects.toThrow();
      await expect(gm.fit([[1, 2]])).rejects.toThrow();
    });
    await gm.fit(rows);
    await expectNoLeak(() => {
      expect(() => gm.logProb([[0, 0, 0]])).toThrow();
      expect(() => gm.logProb([[0, Number.NaN]])).toThrow();
    });
    gm.dispose();
  });
});
