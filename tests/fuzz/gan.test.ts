import { Rng } from '@gen/core';
import { Gan, modeCoverage } from '@gen/gan';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const mlp = { dataSize: 2, latentSize: 2, hiddenSizes: [3], seed: 1 };
const LOSSES = [
  'minimax',
  'non-saturating',
  'wasserstein',
  'wasserstein-gp',
  'hinge',
  'least-squares',
  { fgan: 'kl' },
] as const;

describe('fuzz @gen/gan', () => {
  let gans: Gan[];
  beforeAll(() => {
    gans = LOSSES.map((loss) => Gan.mlp({ ...mlp, loss }));
  });
  afterAll(() => {
    for (const g of gans) g.dispose();
  });

  it('Gan, Gan.mlp and Gan.dcgan refuse unknown keys, naming themselves', async () => {
    const g = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 2, seed: 1 });
    const d = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 1, seed: 2 });
    await fc.assert(
      fc.asyncProperty(
        withUnknownKey(mlp),
        withUnknownKey({ latentSize: 2 }),
        withUnknownKey({ generator: g, discriminator: d, latentSize: 2 }),
        async (m, c, o) => {
          await expectTypedError(() => Gan.mlp(m as never), 'Gan.mlp');
          await expectTypedError(() => Gan.dcgan(c as never), 'Gan.dcgan');
          await expectTypedError(() => new Gan(o as never), 'Gan');
        },
      ),
      { ...FUZZ, numRuns: 6 },
    );
    g.dispose();
    d.dispose();
  });

  it('hostile option values: typed error or a working model', async () => {
    const keys = [
      'dataSize',
      'latentSize',
      'hiddenSizes',
      'seed',
      'loss',
      'discriminatorSteps',
      'labelSmoothing',
      'instanceNoise',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), hostileValue, async (key, value) => {
        await expectTypedOrFinite(() => Gan.mlp({ ...mlp, [key]: value } as never));
      }),
      { ...FUZZ, numRuns: 80 },
    );
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, async (std, decaySteps) => {
        await expectTypedOrFinite(() =>
          Gan.mlp({ ...mlp, instanceNoise: { std, decaySteps } } as never),
        );
        await expectTypedOrFinite(() =>
          Gan.mlp({ ...mlp, loss: 'wasserstein', clipValue: std } as never),
        );
        await expectTypedOrFinite(() =>
          Gan.mlp({ ...mlp, loss: 'wasserstein-gp', gradientPenalty: std } as never),
        );
      }),
      { ...FUZZ, numRuns: 40 },
    );
    for (const bad of [null, undefined, 3, 'x', []]) {
      await expectTypedOrFinite(() => Gan.mlp(bad as never));
      await expectTypedOrFinite(() => new Gan(bad as never));
    }
  });

  it('discriminatorLoss and critic: typed error or finite result on hostile data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: LOSSES.length - 1 }),
        hostileTensor(),
        async (i, spec) => {
          const gan = gans[i]!;
          const real = makeTensor(spec);
          await expectTypedOrFinite(() => gan.discriminatorLoss(real, Rng.fromSeed(2)));
          await expectTypedOrFinite(() => gan.critic(real));
          real.dispose();
        },
      ),
      { ...FUZZ, numRuns: 80 },
    );
  });

  it('counts and rng arguments: typed error or finite result', async () => {
    const real = tf.tensor2d([[0, 1]]);
    await fc.assert(
      fc.asyncProperty(hostileValue, async (v) => {
        const gan = gans[0]!;
        await expectTypedOrFinite(() => gan.generatorLoss(v as number, Rng.fromSeed(1)));
        await expectTypedOrFinite(() => gan.sample(v as number, Rng.fromSeed(1)));
        await expectTypedOrFinite(() => gan.generatorLoss(2, v as never));
        await expectTypedOrFinite(() => gan.discriminatorLoss(real, v as never));
        await expectTypedOrFinite(() => gan.setState(v as never));
        await expectTypedOrFinite(() => gan.setState({ discriminatorUpdates: v } as never));
      }),
      { ...FUZZ, numRuns: 50 },
    );
    real.dispose();
  });

  it('NaN, ±Inf and wrong widths are refused by the method called', async () => {
    const gan = gans[1]!;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const real = tf.tensor2d([[0, bad]]);
      await expectTypedError(
        () => gan.discriminatorLoss(real, Rng.fromSeed(0)),
        'Gan.discriminatorLoss',
      );
      await expectTypedError(() => gan.critic(real), 'Gan.critic');
      await expectTypedError(() => modeCoverage(real, [[0, 0]], 1), 'modeCoverage');
      real.dispose();
    }
    const wide = tf.zeros([2, 3]);
    await expectTypedError(
      () => gan.discriminatorLoss(wide, Rng.fromSeed(0)),
      'Gan.discriminatorLoss',
    );
    await expectTypedError(() => gan.critic(wide), 'Gan.critic');
    wide.dispose();
  });

  it('modeCoverage: typed error or a finite report on hostile samples, centres and std', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileTensor(),
          fc.array(fc.array(hostileNumber, { maxLength: 3 }), { maxLength: 4 }),
        ),
        fc.oneof(
          hostileTensor(),
          fc.array(fc.array(hostileNumber, { maxLength: 3 }), { maxLength: 4 }),
          hostileValue,
        ),
        hostileValue,
        async (samples, centers, std) => {
          const s = Array.isArray(samples) ? samples : makeTensor(samples);
          const c =
            centers !== null && typeof centers === 'object' && 'shape' in (centers as object)
              ? makeTensor(centers as never)
              : centers;
          const result = await expectTypedOrFinite(() =>
            modeCoverage(s as never, c as never, std as number),
          );
          expect(['threw', 'returned']).toContain(result);
          if (s instanceof tf.Tensor) s.dispose();
          if (c instanceof tf.Tensor) c.dispose();
        },
      ),
      { ...FUZZ, numRuns: 80 },
    );
  });
});
