import { Made, PixelCnn } from '@gen/autoregressive';
import { Rng, withoutFiniteChecks } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileTensor,
  hostileValue,
  makeTensor,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

const D = 3;
const madeOptions = { inputSize: D, hiddenSizes: [4], seed: 1 };
const cnnOptions = { height: 3, width: 3, channels: 2, layers: 1, kernelSize: 3, seed: 1 };

describe('fuzz @gen/autoregressive', () => {
  let bernoulli: Made;
  let gaussian: Made;
  let pool: Made;
  let cnn: PixelCnn;
  beforeAll(() => {
    bernoulli = new Made(madeOptions);
    gaussian = new Made({ ...madeOptions, likelihood: 'gaussian', components: 2 });
    pool = new Made({ ...madeOptions, numMasks: 2, ordering: 'random' });
    cnn = new PixelCnn(cnnOptions);
  });
  afterAll(() => {
    for (const m of [bernoulli, gaussian, pool, cnn]) m.dispose();
  });

  it('constructors refuse unknown keys and take hostile values: typed error or a model', async () => {
    await fc.assert(
      fc.asyncProperty(withUnknownKey(madeOptions), withUnknownKey(cnnOptions), async (m, c) => {
        await expectTypedError(() => new Made(m as never), 'Made');
        await expectTypedError(() => new PixelCnn(c as never), 'PixelCnn');
      }),
      { ...FUZZ, numRuns: 6 },
    );
    const madeKeys = [
      'inputSize',
      'hiddenSizes',
      'likelihood',
      'components',
      'ordering',
      'numMasks',
      'activation',
      'minScale',
      'seed',
      'validateArgs',
    ];
    const cnnKeys = ['height', 'width', 'channels', 'layers', 'kernelSize', 'seed', 'validateArgs'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...madeKeys),
        fc.constantFrom(...cnnKeys),
        hostileValue,
        async (mk, ck, value) => {
          await expectTypedOrFinite(
            () => new Made({ ...madeOptions, likelihood: 'gaussian', [mk]: value } as never),
          );
          await expectTypedOrFinite(() => new PixelCnn({ ...cnnOptions, [ck]: value } as never));
        },
      ),
      { ...FUZZ, numRuns: 80 },
    );
    for (const bad of [null, 3, 'x', []]) {
      await expectTypedOrFinite(() => new Made(bad as never));
      await expectTypedOrFinite(() => new PixelCnn(bad as never));
    }
  });

  it('logProb and loss: typed error or finite result on hostile data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('bernoulli', 'gaussian', 'pool'),
        hostileTensor(),
        async (which, spec) => {
          const made = which === 'bernoulli' ? bernoulli : which === 'gaussian' ? gaussian : pool;
          const x = makeTensor(spec);
          // Gaussian densities of finite data beyond ~1e19 overflow float32 to −Inf.
          const opts = { allowInfinite: which === 'gaussian' };
          await expectTypedOrFinite(() => made.logProb(x), opts);
          await expectTypedOrFinite(() => made.loss(x, Rng.fromSeed(2)), opts);
          await expectTypedOrFinite(() => made.conditionalParams(x));
          await expectTypedOrFinite(() => cnn.logProb(x));
          await expectTypedOrFinite(() => cnn.loss(x));
          x.dispose();
        },
      ),
      { ...FUZZ, numRuns: 60 },
    );
  });

  it('sample, masks and rng arguments: typed error or finite result', async () => {
    const x = tf.tensor2d([[0, 1, 1]]);
    await fc.assert(
      fc.asyncProperty(hostileValue, async (v) => {
        await expectTypedOrFinite(() => bernoulli.sample(v as number, Rng.fromSeed(1)));
        await expectTypedOrFinite(() => gaussian.sample(2, v as never));
        await expectTypedOrFinite(() => cnn.sample(v as number, Rng.fromSeed(1)));
        await expectTypedOrFinite(() => pool.logProb(x, { mask: v as number }));
        await expectTypedOrFinite(() => pool.logProb(x, v as never));
        await expectTypedOrFinite(() => pool.loss(x, v as never));
      }),
      { ...FUZZ, numRuns: 40 },
    );
    x.dispose();
  });

  it('the Bernoulli models agree: only 0 and 1, in logProb and in loss, naming the method', async () => {
    const grey = tf.tensor2d([[0, 0.5, 1]]);
    const greyImage = tf.fill([1, 9], 0.5);
    const nan = tf.tensor2d([[0, Number.NaN, 1]]);
    for (const x of [grey, nan]) {
      await expectTypedError(() => bernoulli.logProb(x), 'Made.logProb');
      await expectTypedError(() => bernoulli.loss(x), 'Made.loss');
    }
    await expectTypedError(() => gaussian.loss(nan), 'Made.loss');
    await expectTypedError(() => gaussian.logProb(nan), 'Made.logProb');
    await expectTypedError(() => cnn.logProb(greyImage), 'PixelCnn.logProb');
    await expectTypedError(() => cnn.loss(greyImage), 'PixelCnn.loss');
    const inTraining = withoutFiniteChecks(() => cnn.loss(greyImage));
    expect(Number.isFinite(inTraining.dataSync()[0])).toBe(true);
    tf.dispose([grey, greyImage, nan, inTraining]);
  });
});
