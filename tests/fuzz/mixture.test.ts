import { Rng } from '@gen/core';
import { GaussianMixture } from '@gen/mixture';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileNumber,
  hostileTensor,
  hostileValue,
  makeTensor,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

const data = [
  [0, 0],
  [0.1, -0.2],
  [3, 3],
  [3.2, 2.9],
  [-0.1, 0.3],
  [2.8, 3.1],
];
const COVARIANCES = ['full', 'tied', 'diag', 'spherical'] as const;

describe('fuzz @gen/mixture', () => {
  let fitted: GaussianMixture[];
  beforeAll(async () => {
    fitted = [];
    for (const covariance of COVARIANCES) {
      const gm = new GaussianMixture({ components: 2, covariance, seed: 1, maxIterations: 5 });
      await gm.fit(data);
      fitted.push(gm);
    }
  });
  afterAll(() => {
    for (const gm of fitted) gm.dispose();
  });

  it('the constructor refuses unknown keys and takes hostile values: typed error or a model', async () => {
    await fc.assert(
      fc.asyncProperty(withUnknownKey({ components: 2 }), async (o) => {
        await expectTypedError(() => new GaussianMixture(o as never), 'GaussianMixture');
      }),
      { ...FUZZ, numRuns: 6 },
    );
    const keys = [
      'components',
      'covariance',
      'init',
      'regCovar',
      'maxIterations',
      'tolerance',
      'restarts',
      'seed',
      'validateArgs',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), hostileValue, async (key, value) => {
        await expectTypedOrFinite(
          () => new GaussianMixture({ components: 2, [key]: value } as never),
        );
      }),
      { ...FUZZ, numRuns: 80 },
    );
    for (const bad of [null, undefined, 3, 'x', []]) {
      await expectTypedOrFinite(() => new GaussianMixture(bad as never));
    }
  });

  it('fit: typed error or a finite report on hostile data and call options', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileTensor(),
          fc.array(fc.array(hostileNumber, { minLength: 2, maxLength: 2 }), { maxLength: 6 }),
        ),
        fc.oneof(fc.constant({}), withUnknownKey({}), hostileValue),
        async (x, call) => {
          const rows = Array.isArray(x) ? x : makeTensor(x);
          await expectTypedOrFinite(async () => {
            const gm = new GaussianMixture({ components: 2, seed: 1, maxIterations: 3 });
            try {
              return await gm.fit(rows as never, call as never);
            } finally {
              gm.dispose();
            }
          });
          if (rows instanceof tf.Tensor) rows.dispose();
        },
      ),
      { ...FUZZ, numRuns: 40 },
    );
  });

  it('densities, predictions, criteria and loss: typed error or finite result', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: COVARIANCES.length - 1 }),
        hostileTensor(),
        async (i, spec) => {
          const gm = fitted[i]!;
          const x = makeTensor(spec);
          // Densities of finite rows beyond ~1e19 underflow float32 to −Inf.
          const inf = { allowInfinite: true };
          await expectTypedOrFinite(() => gm.logProb(x), inf);
          await expectTypedOrFinite(() => gm.score(x), inf);
          await expectTypedOrFinite(() => gm.loss(x), inf);
          await expectTypedOrFinite(() => gm.bic(x), inf);
          await expectTypedOrFinite(() => gm.aic(x), inf);
          await expectTypedOrFinite(() => gm.predictProba(x));
          await expectTypedOrFinite(() => gm.predict(x));
          x.dispose();
        },
      ),
      { ...FUZZ, numRuns: 60 },
    );
  });

  it('sample, emStep and unfitted models: typed error or finite result', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, async (v) => {
        const gm = fitted[0]!;
        await expectTypedOrFinite(() => gm.sample(v as number, Rng.fromSeed(1)));
        await expectTypedOrFinite(() => gm.sample(2, v as never));
        await expectTypedOrFinite(() => gm.logProb(v as never));
        const fresh = new GaussianMixture({ components: 2 });
        await expectTypedOrFinite(() => fresh.logProb(data as never));
        await expectTypedOrFinite(() => fresh.emStep(data as never));
        await expectTypedOrFinite(() => fresh.sample(2, Rng.fromSeed(0)));
        fresh.dispose();
      }),
      { ...FUZZ, numRuns: 30 },
    );
  });

  it('NaN, ±Inf and wrong widths are refused by the method called', async () => {
    const gm = fitted[0]!;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const x = tf.tensor2d([[0, bad]]);
      await expectTypedError(() => gm.logProb(x), 'GaussianMixture.logProb');
      await expectTypedError(() => gm.loss(x), 'GaussianMixture.loss');
      await expectTypedError(() => gm.fit(x), 'GaussianMixture.fit');
      x.dispose();
    }
    const wide = tf.zeros([2, 3]);
    await expectTypedError(() => gm.logProb(wide), 'GaussianMixture.logProb');
    await expectTypedError(() => gm.loss(wide), 'GaussianMixture.loss');
    wide.dispose();
  });
});
