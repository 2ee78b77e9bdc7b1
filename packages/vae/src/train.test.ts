import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Autoencoder } from './autoencoder.js';
import { Vae } from './vae.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function binaryData(seed = 1): tf.Tensor {
  return tf.tidy(() => {
    const rng = Rng.fromSeed(seed);
    const proto = tf.tensor2d([
      [1, 1, 1, 1, 0, 0, 0, 0],
      [0, 0, 0, 0, 1, 1, 1, 1],
    ]);
    const pick = tf.reshape(tf.cast(tf.greater(rng.uniform([64, 1]), 0.5), 'int32'), [64]);
    const flip = tf.cast(tf.less(rng.uniform([64, 8]), 0.1), 'float32');
    return tf.abs(tf.sub(tf.gather(proto, pick), flip));
  });
}

const tiny = () =>
  Vae.mlp({ inputSize: 8, hiddenSizes: [16], latentSize: 2, likelihood: 'bernoulli', seed: 3 });

async function meanOf(t: tf.Tensor): Promise<number> {
  const v = await tf.mean(t).data();
  t.dispose();
  return v[0]!;
}

describe('Vae training', () => {
  it('fit keeps numTensors flat across steps and leaks nothing', async () => {
    const vae = tiny();
    const x = binaryData();
    const counts: number[] = [];
    await expectNoLeak(async () => {
      await fit(vae, x, {
        steps: 30,
        batchSize: 16,
        rng: Rng.fromSeed(0),
        callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
      });
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    await expectNoLeak(() => {
      const e = vae.elbo(x);
      const i = vae.iwae(x, 3);
      const r = vae.reconstruct(x);
      const s = vae.sample(2, Rng.fromSeed(1));
      tf.dispose([e, i, r, s]);
    });
    x.dispose();
    vae.dispose();
  });

  it('a short training on a tiny binary dataset lowers the negative ELBO', async () => {
    const vae = tiny();
    const x = binaryData();
    const before = -(await meanOf(vae.elbo(x, { samples: 20, rng: Rng.fromSeed(1) })));
    await fit(vae, x, { steps: 300, batchSize: 32, learningRate: 0.01, rng: Rng.fromSeed(2) });
    const after = -(await meanOf(vae.elbo(x, { samples: 20, rng: Rng.fromSeed(1) })));
    expect(after).toBeLessThan(before - 1);
    x.dispose();
    vae.dispose();
  });

  it('traverse of a 1-D latent decodes each value in turn (the latent is only that value)', async () => {
    const vae = Vae.mlp({
      inputSize: 8,
      hiddenSizes: [16],
      latentSize: 1,
      likelihood: 'bernoulli',
      seed: 4,
    });
    const x = binaryData();
    const x1 = tf.slice(x, [0, 0], [1, 8]);
    const trav = vae.traverse(x1, 0, [-2, 0, 2]);
    const direct = vae.decode(tf.tensor2d([-2, 0, 2], [3, 1]));
    expect(trav.shape).toEqual([3, 8]);
    expect(await meanOf(tf.abs(tf.sub(trav, direct)))).toBe(0);
    tf.dispose([x, x1, trav, direct]);
    vae.dispose();
  });

  it('latent tools: interpolate, traverse, getWeights/setWeights round trip', async () => {
    const vae = tiny();
    const x = binaryData();
    const x1 = tf.slice(x, [0, 0], [1, 8]);
    const x2 = tf.slice(x, [1, 0], [1, 8]);
    const path = vae.interpolate(x1, x2, 5);
    expect(path.shape).toEqual([5, 8]);
    const r1 = vae.reconstruct(x1);
    const first = tf.slice(path, [0, 0], [1, 8]);
    expect(await meanOf(tf.abs(tf.sub(first, r1)))).toBeLessThan(1e-6);
    const trav = vae.traverse(x1, 1, [-2, 0, 2]);
    expect(trav.shape).toEqual([3, 8]);
    const w = vae.getWeights();
    const other = Vae.mlp({
      inputSize: 8,
      hiddenSizes: [16],
      latentSize: 2,
      likelihood: 'bernoulli',
      seed: 9,
    });
    other.setWeights(w);
    const r2 = other.reconstruct(x1);
    expect(await meanOf(tf.abs(tf.sub(r1, r2)))).toBe(0);
    tf.dispose([x, x1, x2, path, r1, first, trav, w, r2]);
    vae.dispose();
    other.dispose();
  });

  it('Gaussian likelihoods (fixed and learned scale) and the conv VAE give finite bounds', async () => {
    const x = Rng.fromSeed(4).normal([4, 6]);
    for (const likelihood of [
      'gaussian',
      { gaussian: 'fixed', scale: 0.5 },
      { gaussian: 'learned' },
    ] as const) {
      const vae = Vae.mlp({ inputSize: 6, hiddenSizes: [8], latentSize: 2, likelihood, seed: 1 });
      expect(Number.isFinite(await meanOf(vae.elbo(x)))).toBe(true);
      expect(vae.sample(3, Rng.fromSeed(2)).shape).toEqual([3, 6]);
      vae.dispose();
    }
    const conv = Vae.conv({ latentSize: 3, likelihood: 'bernoulli', seed: 0 });
    const img = tf.tidy(() =>
      tf.cast(tf.greater(Rng.fromSeed(5).uniform([2, 28, 28, 1]), 0.5), 'float32'),
    );
    const e = conv.elbo(img);
    expect(e.shape).toEqual([2]);
    expect(Number.isFinite(await meanOf(e))).toBe(true);
    expect(conv.sample(2, Rng.fromSeed(1)).shape).toEqual([2, 28, 28, 1]);
    tf.dispose([x, img]);
    conv.dispose();
  });

  it('bad inputs throw typed errors naming the function, argument and value', () => {
    const vae = tiny();
    const x = tf.zeros([2, 8]);
    expect(() => vae.iwae(x, 0)).toThrow(/Vae\.iwae: argument 'k'.*0/);
    expect(() => vae.iwae(x, 2, { samples: 3 } as never)).toThrow(
      /Vae\.iwae: unknown option 'samples'/,
    );
    expect(() => vae.elbo(tf.zeros([8]))).toThrow(InvalidArgumentError);
    expect(() => vae.elbo(x, { rng: 1 } as never)).toThrow(/Vae\.elbo: argument 'rng'/);
    expect(() => vae.traverse(tf.zeros([1, 8]), 5, [0])).toThrow(/Vae\.traverse: argument 'dim'/);
    expect(() => vae.interpolate(tf.zeros([1, 8]), tf.zeros([1, 8]), 1)).toThrow(/'steps'/);
    expect(() => vae.loss('x' as never, Rng.fromSeed(0))).toThrow(/Vae\.loss: argument 'batch'/);
    // The loss draws from the trainer's rng; there is no hidden generator to fall back on.
    expect(() => vae.loss(x, undefined as never)).toThrow(
      /Vae\.loss: argument 'rng' must be an Rng/,
    );
    expect(() => vae.sample(2, {} as never)).toThrow(/Vae\.sample: argument 'rng'/);
    // Data of the wrong width is refused by the method called, before any network runs.
    const live = tf.memory().numTensors;
    const narrow = tf.zeros([2, 5]);
    expect(() => vae.elbo(narrow)).toThrow(ShapeMismatchError);
    expect(() => vae.elbo(narrow)).toThrow(
      "Vae.elbo: argument 'x' must have shape [n, 8], got [2, 5]",
    );
    const w = vae.getWeights();
    const name = 'decoder/dense1/bias';
    w[name]!.dispose();
    w[name] = tf.zeros([3]);
    expect(() => vae.setWeights(w)).toThrow(ShapeMismatchError);
    expect(() => vae.setWeights(w)).toThrow(
      "Vae.setWeights: weight 'decoder/dense1/bias' must be float32 [8], got float32 [3]",
    );
    tf.dispose([w, narrow]);
    expect(tf.memory().numTensors).toBe(live);
    x.dispose();
    expect(() =>
      Vae.mlp({ inputSize: 8, hiddenSizes: [4], latentSize: 2, likelihood: 'poisson' as never }),
    ).toThrow(/Vae\.mlp: argument 'likelihood'.*poisson/);
    expect(
      () =>
        new Vae({
          encoder: {} as never,
          decoder: {} as never,
          latentSize: 2,
          likelihood: 'bernoulli',
        }),
    ).toThrow(/Vae: argument 'encoder' must be a Network/);
    expect(
      () =>
        new Vae({
          encoder: vae.encoder,
          decoder: vae.encoder,
          latentSize: 2,
          likelihood: 'bernoulli',
        }),
    ).toThrow(/Vae: argument 'decoder' must be a network other than the encoder/);
    expect(() =>
      Vae.mlp({ inputSize: 8, hiddenSizes: [4], latentSize: 2, likelihood: 'bernoulli', beta: -1 }),
    ).toThrow(/'beta'.*-1/);
    expect(() =>
      Vae.mlp({
        inputSize: 8,
        hiddenSizes: [4],
        latentSize: 2,
        likelihood: 'bernoulli',
        klMethod: 'exact' as never,
      }),
    ).toThrow(/'klMethod'/);
    expect(() =>
      Autoencoder.mlp({
        inputSize: 8,
        hiddenSizes: [4],
        latentSize: 2,
        noise: { type: 'mask', rate: 1 },
      }),
    ).toThrow(/Autoencoder: argument 'noise'/);
    const ae = Autoencoder.mlp({ inputSize: 8, hiddenSizes: [4], latentSize: 2 });
    const batch = tf.zeros([2, 8]);
    expect(() => ae.loss(batch, undefined as never)).toThrow(
      /Autoencoder\.loss: argument 'rng' must be an Rng/,
    );
    expect(() => ae.corrupt(batch, 7 as never)).toThrow(/Autoencoder\.corrupt: argument 'rng'/);
    batch.dispose();
    ae.dispose();
    vae.dispose();
  });

  it('the deprecated seed option of new Vae and new Autoencoder is accepted and changes nothing', async () => {
    const parts = () => {
      const v = tiny();
      return { encoder: v.encoder, decoder: v.decoder };
    };
    const a = new Vae({ ...parts(), latentSize: 2, likelihood: 'bernoulli', seed: 1 });
    const b = new Vae({ ...parts(), latentSize: 2, likelihood: 'bernoulli', seed: 2 });
    const x = binaryData();
    const [la, lb] = [a.loss(x, Rng.fromSeed(3)), b.loss(x, Rng.fromSeed(3))];
    expect((await la.data())[0]).toBe((await lb.data())[0]);
    const spare = parts();
    expect(() => new Vae({ ...spare, latentSize: 2, likelihood: 'bernoulli', seed: -1 })).toThrow(
      /Vae: argument 'seed'/,
    );
    spare.encoder.dispose();
    spare.decoder.dispose();
    tf.dispose([x, la, lb]);
    a.dispose();
    b.dispose();
  });
});

describe('Autoencoder', () => {
  it('a denoising dense autoencoder with the Bernoulli loss trains without leaks', async () => {
    const ae = Autoencoder.mlp({
      inputSize: 8,
      hiddenSizes: [16],
      latentSize: 2,
      loss: 'bernoulli',
      noise: { type: 'mask', rate: 0.2 },
      seed: 1,
    });
    const x = binaryData();
    const before = await meanOf(ae.reconstructionLoss(x));
    const opt = tf.train.adam(0.02);
    // The first step creates Adam's slots; after it, steps leave numTensors unchanged.
    tf.dispose(
      opt.minimize(() => ae.loss(x, Rng.fromSeed(999)), true, ae.trainableVariables) ?? [],
    );
    await expectNoLeak(() => {
      for (let s = 0; s < 150; s++)
        tf.dispose(
          opt.minimize(() => ae.loss(x, Rng.fromSeed(s)), true, ae.trainableVariables) ?? [],
        );
    });
    const after = await meanOf(ae.reconstructionLoss(x));
    expect(after).toBeLessThan(before - 1);
    // BCE in logit space equals −log Bernoulli(x; σ(ℓ)).
    const p = ae.reconstruct(x);
    const bce = tf.tidy(() =>
      tf.neg(tf.sum(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))), 1)),
    );
    expect(Math.abs((await meanOf(bce)) - after)).toBeLessThan(1e-3);
    const noisy = Autoencoder.mlp({
      inputSize: 8,
      hiddenSizes: [4],
      latentSize: 2,
      noise: { type: 'gaussian', std: 0.5 },
    });
    const c = noisy.corrupt(x, Rng.fromSeed(3));
    expect(await meanOf(tf.abs(tf.sub(c, x)))).toBeGreaterThan(0.2);
    tf.dispose([x, p, c]);
    opt.dispose();
    ae.dispose();
    noisy.dispose();
  });

  it('the convolutional autoencoder maps 28×28 images to codes and back', async () => {
    const ae = Autoencoder.conv({ latentSize: 4, loss: 'mse', seed: 0 });
    const img = Rng.fromSeed(1).uniform([2, 28, 28, 1]);
    const z = ae.encode(img);
    expect(z.shape).toEqual([2, 4]);
    expect(ae.decode(z).shape).toEqual([2, 28, 28, 1]);
    expect(Number.isFinite(await meanOf(ae.loss(img, Rng.fromSeed(2))))).toBe(true);
    tf.dispose([img, z]);
    ae.dispose();
  });
});
