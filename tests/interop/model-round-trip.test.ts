import { Made, PixelCnn } from '@gen/autoregressive';
import {
  type HasWeights,
  initBackend,
  type NamedTensors,
  NotImplementedError,
  Rng,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import {
  ActNorm,
  AffineCoupling,
  Flow,
  MaskedAutoregressive,
  Planar,
  Radial,
  RationalQuadraticSpline,
  Reverse,
  standardNormal,
} from '@gen/flows';
import { Gan } from '@gen/gan';
import { GaussianMixture } from '@gen/mixture';
import { fromSafetensors, loadModel, Mlp, modelToSafetensors } from '@gen/nn';
import { Autoencoder, Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(() => initBackend('cpu'));

/**
 * Moves every float weight by seeded noise, so the loaded model can only agree with the original
 * through the file (zero-initialised last layers and identity ActNorms would agree anyway).
 */
function perturb(model: HasWeights, seed: number): void {
  const weights = model.getWeights();
  const rng = Rng.fromSeed(seed);
  const moved = tf.tidy(() => {
    const out: NamedTensors = {};
    for (const [name, w] of Object.entries(weights)) {
      out[name] = w.dtype === 'float32' ? tf.add(w, tf.mul(0.1, rng.normal(w.shape))) : tf.clone(w);
    }
    return out;
  });
  model.setWeights(moved);
  tf.dispose([weights, moved]);
}

/** Whether two outputs are equal element for element (both are disposed). */
async function expectSame(a: tf.Tensor, b: tf.Tensor): Promise<void> {
  expect(b.shape).toEqual(a.shape);
  const [x, y] = [await a.data(), await b.data()];
  tf.dispose([a, b]);
  expect(Array.from(y)).toEqual(Array.from(x));
}

interface Family {
  name: string;
  build(): HasWeights & { dispose(): void };
  /** Outputs of the model that must be equal after loading (fixed inputs and Rng seeds). */
  outputs(model: never): tf.Tensor[];
}

const points = () => Rng.fromSeed(7).normal([6, 2]);
const binary = (d: number) =>
  tf.tidy(() => tf.cast(tf.greater(Rng.fromSeed(8).uniform([3, d]), 0.5), 'float32'));

const FAMILIES: Family[] = [
  {
    name: 'Made (gaussian mixture conditionals)',
    build: () =>
      new Made({ inputSize: 2, hiddenSizes: [8], likelihood: 'gaussian', components: 2, seed: 3 }),
    outputs: (m: Made) => [tf.tidy(() => m.logProb(points())), m.sample(4, Rng.fromSeed(1))],
  },
  {
    name: 'Made (bernoulli, random orderings, a pool of masks)',
    build: () =>
      new Made({ inputSize: 5, hiddenSizes: [12], ordering: 'random', numMasks: 3, seed: 4 }),
    outputs: (m: Made) => [tf.tidy(() => m.logProb(binary(5))), m.sample(3, Rng.fromSeed(2))],
  },
  {
    name: 'PixelCnn',
    build: () =>
      new PixelCnn({ height: 4, width: 4, channels: 4, layers: 2, kernelSize: 3, seed: 1 }),
    outputs: (m: PixelCnn) => [tf.tidy(() => m.logProb(binary(16))), m.sample(2, Rng.fromSeed(3))],
  },
  {
    name: 'Flow (spline, affine and MADE couplings, ActNorm, Reverse)',
    build: () =>
      new Flow({
        base: standardNormal(3),
        transforms: [
          new RationalQuadraticSpline({ dim: 3, parity: 0, bins: 4, hiddenSizes: [8], seed: 1 }),
          new AffineCoupling({ dim: 3, parity: 1, hiddenSizes: [8], seed: 2 }),
          new MaskedAutoregressive({ dim: 3, hiddenSizes: [8], ordering: 'random', seed: 3 }),
          new ActNorm({ dim: 3 }),
          new Reverse(3),
        ],
      }),
    outputs: (f: Flow) => [
      tf.tidy(() => f.logProb(Rng.fromSeed(5).normal([4, 3]))),
      f.sample(4, Rng.fromSeed(6)),
    ],
  },
  {
    name: 'Flow (planar and radial)',
    build: () =>
      new Flow({
        base: standardNormal(2),
        transforms: [new Planar({ dim: 2, seed: 1 }), new Radial({ dim: 2, seed: 2 })],
      }),
    outputs: (f: Flow) => {
      const { x, logProb } = f.sampleAndLogProb(5, Rng.fromSeed(4));
      return [x, logProb];
    },
  },
  {
    name: 'Vae.mlp (learned-variance Gaussian decoder)',
    build: () =>
      Vae.mlp({
        inputSize: 2,
        hiddenSizes: [8],
        latentSize: 2,
        likelihood: { gaussian: 'learned' },
        beta: 0.5,
        seed: 2,
      }),
    outputs: (v: Vae) => [
      tf.tidy(() => v.elbo(points(), { rng: Rng.fromSeed(1) })),
      tf.tidy(() => v.decode(Rng.fromSeed(2).normal([3, 2]))),
      v.sample(3, Rng.fromSeed(3)),
    ],
  },
  {
    name: 'Vae.conv',
    build: () => Vae.conv({ latentSize: 3, likelihood: 'bernoulli', seed: 1 }),
    outputs: (v: Vae) => [
      tf.tidy(() => v.decode(Rng.fromSeed(2).normal([2, 3]))),
      tf.tidy(() =>
        v.elbo(tf.reshape(tf.slice(binary(784), [0, 0], [2, 784]), [2, 28, 28, 1]), {
          rng: Rng.fromSeed(4),
        }),
      ),
    ],
  },
  {
    name: 'Autoencoder.mlp',
    build: () => Autoencoder.mlp({ inputSize: 2, hiddenSizes: [8], latentSize: 1, seed: 5 }),
    outputs: (a: Autoencoder) => [tf.tidy(() => a.reconstruct(points()))],
  },
  {
    name: 'Autoencoder.conv',
    build: () => Autoencoder.conv({ latentSize: 4, seed: 5, loss: 'bernoulli' }),
    outputs: (a: Autoencoder) => [tf.tidy(() => a.decode(Rng.fromSeed(9).normal([2, 4])))],
  },
  {
    name: 'Gan.mlp (f-GAN loss)',
    build: () =>
      Gan.mlp({ dataSize: 2, latentSize: 3, hiddenSizes: [8], loss: { fgan: 'kl' }, seed: 6 }),
    outputs: (g: Gan) => [g.sample(5, Rng.fromSeed(1)), tf.tidy(() => g.critic(points()))],
  },
  {
    name: 'Gan.dcgan',
    build: () => Gan.dcgan({ latentSize: 4, seed: 2 }),
    outputs: (g: Gan) => [g.sample(2, Rng.fromSeed(1))],
  },
];

describe('loadModel rebuilds every model family from its safetensors file', () => {
  it.each(FAMILIES)('$name', async ({ build, outputs }) => {
    const original = build();
    perturb(original, 11);
    const bytes = modelToSafetensors(original);
    const loaded = await loadModel(bytes);
    try {
      expect(loaded.constructor).toBe(original.constructor);
      const [a, b] = [original.getWeights(), loaded.getWeights()];
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const name of Object.keys(a)) await expectSame(a[name]!, b[name]!);
      const [x, y] = [outputs(original as never), outputs(loaded as never)];
      for (const [i, t] of x.entries()) await expectSame(t, y[i]!);
    } finally {
      original.dispose();
      loaded.dispose();
    }
  });

  it('GaussianMixture: a fitted mixture comes back fitted, with the same density and samples', async () => {
    const x = tf.tidy(() =>
      tf.concat([Rng.fromSeed(1).normal([40, 2]), tf.add(Rng.fromSeed(2).normal([40, 2]), 4)]),
    );
    const gm = new GaussianMixture({
      components: 2,
      covariance: 'full',
      maxIterations: 20,
      seed: 3,
    });
    await gm.fit(x);
    const loaded = await loadModel<GaussianMixture>(modelToSafetensors(gm));
    expect(loaded).toBeInstanceOf(GaussianMixture);
    expect(loaded.toConfig()).toEqual(gm.toConfig());
    await expectSame(gm.logProb(x), loaded.logProb(x));
    await expectSame(gm.sample(5, Rng.fromSeed(4)), loaded.sample(5, Rng.fromSeed(4)));
    await expectSame(gm.predict(x), loaded.predict(x));
    tf.dispose(x);
    gm.dispose();
    loaded.dispose();
  });

  it('Gan: the discriminator-update count (the instance-noise clock) comes back', async () => {
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [4],
      instanceNoise: { std: 0.1, decaySteps: 10 },
    } as never);
    gan.setState({ discriminatorUpdates: 7 });
    const { metadata, weights } = fromSafetensors(modelToSafetensors(gan));
    tf.dispose(weights);
    expect(JSON.parse(metadata['gen.state']!)).toEqual({ discriminatorUpdates: 7 });
    const loaded = await loadModel<Gan>(modelToSafetensors(gan));
    expect(loaded.getState()).toEqual({ discriminatorUpdates: 7 });
    gan.dispose();
    loaded.dispose();
  });

  it('a model built from your own networks saves, is refused by loadModel, and loads { into } a twin', async () => {
    const nets = (seed: number) => ({
      generator: new Mlp({ inputSize: 2, hiddenSizes: [4], outputSize: 2, seed, name: 'g' }),
      discriminator: new Mlp({
        inputSize: 2,
        hiddenSizes: [4],
        outputSize: 1,
        seed: seed + 1,
        name: 'd',
      }),
    });
    const gan = new Gan({ ...nets(1), latentSize: 2, loss: 'hinge' });
    expect(gan.toConfig()).toEqual({
      package: '@gen/gan',
      model: 'Gan',
      factory: null,
      options: { latentSize: 2, loss: 'hinge' },
    });
    const bytes = modelToSafetensors(gan);
    await expect(loadModel(bytes)).rejects.toThrow(NotImplementedError);
    await expect(loadModel(bytes)).rejects.toThrow(
      /Gan of @gen\/gan was built from parts no config describes/,
    );
    const twin = new Gan({ ...nets(5), latentSize: 2, loss: 'hinge' });
    await loadModel(bytes, { into: twin });
    await expectSame(gan.sample(3, Rng.fromSeed(1)), twin.sample(3, Rng.fromSeed(1)));
    const flow = new Flow({
      base: standardNormal(2),
      transforms: [new Planar({ dim: 2, rng: Rng.fromSeed(1) })],
    });
    expect(flow.toConfig().factory).toBeNull();
    await expect(loadModel(modelToSafetensors(flow))).rejects.toThrow(
      /Flow of @gen\/flows was built from parts/,
    );
    for (const m of [gan, twin, flow]) m.dispose();
  });

  it('a config that the factory refuses is a FormatError naming loadModel and the factory', async () => {
    const vae = Vae.mlp({ inputSize: 2, hiddenSizes: [4], latentSize: 1, likelihood: 'bernoulli' });
    const { weights } = fromSafetensors(modelToSafetensors(vae));
    const { toSafetensors } = await import('@gen/nn');
    const config = { ...vae.toConfig(), options: { ...vae.toConfig().options, latentSize: 0 } };
    const bytes = toSafetensors(weights, { 'gen.config': JSON.stringify(config) });
    tf.dispose(weights);
    await expect(loadModel(bytes)).rejects.toThrow(
      /^loadModel: its config does not build a Vae: Vae\.mlp: argument 'latentSize'/,
    );
    vae.dispose();
  });

  it('leaks nothing: saving and loading each family', async () => {
    for (const { build } of FAMILIES.filter(
      (f) => !f.name.includes('conv') && !f.name.includes('dcgan'),
    )) {
      const model = build();
      await expectNoLeak(async () => {
        const loaded = await loadModel(modelToSafetensors(model));
        loaded.dispose();
      });
      model.dispose();
    }
  });
});
