import { Rng, withoutFiniteChecks } from '@gen/core';
import { Mlp } from '@gen/nn';
import { Autoencoder, Vae } from '@gen/vae';
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
const mlpOptions = { inputSize: D, hiddenSizes: [4], latentSize: 2, seed: 1 } as const;

describe('fuzz @gen/vae', () => {
  let bernoulli: Vae;
  let gaussian: Vae;
  let learned: Vae;
  let ae: Autoencoder;
  beforeAll(() => {
    bernoulli = Vae.mlp({ ...mlpOptions, likelihood: 'bernoulli' });
    gaussian = Vae.mlp({ ...mlpOptions, likelihood: 'gaussian' });
    learned = Vae.mlp({ ...mlpOptions, likelihood: { gaussian: 'learned' } });
    ae = Autoencoder.mlp({ inputSize: D, hiddenSizes: [4], latentSize: 2 });
  });
  afterAll(() => {
    for (const m of [bernoulli, gaussian, learned, ae]) m.dispose();
  });

  it('factories and constructors refuse unknown keys, naming themselves', async () => {
    const cases: [string, (o: object) => unknown, object][] = [
      ['Vae.mlp', (o) => Vae.mlp(o as never), { ...mlpOptions, likelihood: 'bernoulli' }],
      ['Vae.conv', (o) => Vae.conv(o as never), { latentSize: 2, likelihood: 'bernoulli' }],
      ['Autoencoder.mlp', (o) => Autoencoder.mlp(o as never), { ...mlpOptions }],
      ['Autoencoder.conv', (o) => Autoencoder.conv(o as never), { latentSize: 2 }],
    ];
    for (const [fn, make, good] of cases) {
      await fc.assert(
        fc.asyncProperty(withUnknownKey(good), async (o) => {
          await expectTypedError(() => make(o), fn);
        }),
        { ...FUZZ, numRuns: 6 },
      );
    }
    const enc = new Mlp({ inputSize: D, hiddenSizes: [], outputSize: 4, seed: 1 });
    const dec = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: D, seed: 2 });
    await expectTypedError(
      () =>
        new Vae({
          encoder: enc,
          decoder: dec,
          latentSize: 2,
          likelihood: 'gaussian',
          x: 1,
        } as never),
      'Vae',
    );
    await expectTypedError(
      () => new Autoencoder({ encoder: enc, decoder: dec, y: 1 } as never),
      'Autoencoder',
    );
    enc.dispose();
    dec.dispose();
  });

  it('factories take hostile option values: typed error or a working model', async () => {
    const keys = [
      'inputSize',
      'hiddenSizes',
      'latentSize',
      'likelihood',
      'seed',
      'beta',
      'samples',
      'klMethod',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), hostileValue, async (key, value) => {
        await expectTypedOrFinite(() =>
          Vae.mlp({ ...mlpOptions, likelihood: 'gaussian', [key]: value } as never),
        );
        if (key !== 'likelihood' && key !== 'beta' && key !== 'samples' && key !== 'klMethod') {
          await expectTypedOrFinite(() =>
            Autoencoder.mlp({ ...mlpOptions, [key]: value } as never),
          );
        }
      }),
      { ...FUZZ, numRuns: 80 },
    );
    for (const bad of [null, undefined, 3, 'x', []]) {
      await expectTypedOrFinite(() => Vae.mlp(bad as never));
      await expectTypedOrFinite(() => Vae.conv(bad as never));
      await expectTypedOrFinite(() => Autoencoder.mlp(bad as never));
      await expectTypedOrFinite(() => new Vae(bad as never));
    }
  });

  it('loss, elbo, iwae and nll: typed error or finite result on hostile data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('bernoulli', 'gaussian', 'learned'),
        hostileTensor(),
        async (which, spec) => {
          const vae = which === 'bernoulli' ? bernoulli : which === 'gaussian' ? gaussian : learned;
          const x = makeTensor(spec);
          const rng = Rng.fromSeed(3);
          // Gaussian log-likelihoods of finite data beyond ~1e19 overflow float32 to ±Inf.
          const opts = { allowInfinite: which !== 'bernoulli' };
          await expectTypedOrFinite(() => vae.loss(x, rng), opts);
          await expectTypedOrFinite(() => vae.elbo(x, { rng }), opts);
          await expectTypedOrFinite(() => vae.iwae(x, 3, { rng }), opts);
          await expectTypedOrFinite(() => vae.nll(x, { samples: 2, rng }), opts);
          await expectTypedOrFinite(() => vae.reconstruct(x));
          await expectTypedOrFinite(() => vae.encode(x));
          x.dispose();
        },
      ),
      { ...FUZZ, numRuns: 60 },
    );
  });

  it('counts, options and latents: typed error or finite result', async () => {
    const x = tf.tensor2d([[0, 1, 1]]);
    await fc.assert(
      fc.asyncProperty(hostileValue, async (v) => {
        const rng = Rng.fromSeed(1);
        await expectTypedOrFinite(() => bernoulli.elbo(x, { samples: v as number, rng }));
        await expectTypedOrFinite(() => bernoulli.iwae(x, v as number, { rng }));
        await expectTypedOrFinite(() => bernoulli.iwae(x, 2, { chunk: v as number, rng }));
        await expectTypedOrFinite(() => bernoulli.elbo(x, v as never));
        await expectTypedOrFinite(() => bernoulli.sample(v as number, rng));
        await expectTypedOrFinite(() => bernoulli.sample(2, v as never));
        await expectTypedOrFinite(() => bernoulli.interpolate(x, x, v as number));
        await expectTypedOrFinite(() => bernoulli.traverse(x, v as number, [0, 1]));
        await expectTypedOrFinite(() => bernoulli.traverse(x, 0, v as never));
        await expectTypedOrFinite(() => bernoulli.loss(x, v as never));
        await expectTypedOrFinite(() => ae.loss(x, v as never));
      }),
      { ...FUZZ, numRuns: 50 },
    );
    await fc.assert(
      fc.asyncProperty(hostileTensor(), async (spec) => {
        const z = makeTensor(spec);
        await expectTypedOrFinite(() => gaussian.decode(z));
        await expectTypedOrFinite(() => ae.decode(z));
        z.dispose();
      }),
      { ...FUZZ, numRuns: 40 },
    );
    x.dispose();
  });

  it('Autoencoder losses: typed error or finite result on hostile data', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTensor(), async (spec) => {
        const x = makeTensor(spec);
        await expectTypedOrFinite(() => ae.loss(x, Rng.fromSeed(2)), { allowInfinite: true });
        await expectTypedOrFinite(() => ae.reconstructionLoss(x), { allowInfinite: true });
        await expectTypedOrFinite(() => ae.reconstruct(x));
        x.dispose();
      }),
      { ...FUZZ, numRuns: 50 },
    );
  });

  it('errors name the public method called: NaN, wrong widths, grey levels for Bernoulli', async () => {
    const nan = tf.tensor2d([[0, Number.NaN, 1]]);
    const wide = tf.zeros([2, D + 1]);
    const grey = tf.tensor2d([[0, 0.5, 1]]);
    const rng = Rng.fromSeed(0);
    for (const [fn, call] of [
      ['Vae.loss', (x: tf.Tensor) => gaussian.loss(x, rng)],
      ['Vae.elbo', (x: tf.Tensor) => gaussian.elbo(x)],
      ['Vae.iwae', (x: tf.Tensor) => gaussian.iwae(x, 2)],
      ['Vae.nll', (x: tf.Tensor) => gaussian.nll(x, { samples: 2 })],
      ['Vae.reconstruct', (x: tf.Tensor) => gaussian.reconstruct(x)],
      ['Autoencoder.loss', (x: tf.Tensor) => ae.loss(x, rng)],
    ] as const) {
      await expectTypedError(() => call(nan), fn);
      await expectTypedError(() => call(wide), fn);
    }
    for (const [fn, call] of [
      ['Vae.loss', (x: tf.Tensor) => bernoulli.loss(x, rng)],
      ['Vae.elbo', (x: tf.Tensor) => bernoulli.elbo(x)],
      ['Vae.iwae', (x: tf.Tensor) => bernoulli.iwae(x, 2)],
    ] as const) {
      const error = await expectTypedError(() => call(grey), fn);
      expect(error.message).toContain('0 and 1');
    }
    // The trainer runs the loss on data it checked once: no read-back there.
    const lossValue = withoutFiniteChecks(() => bernoulli.loss(grey, rng));
    expect(Number.isFinite(lossValue.dataSync()[0])).toBe(true);
    tf.dispose([nan, wide, grey, lossValue]);
  });
});
