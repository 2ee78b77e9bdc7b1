import { initBackend, isTrainable, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainNetwork } from '../test/networks.js';
import { Autoencoder } from './autoencoder.js';
import { Vae } from './vae.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const data = () =>
  tf.tidy(() => tf.cast(tf.greater(Rng.fromSeed(1).uniform([32, 6]), 0.5), 'float32'));

async function values(weights: tf.NamedTensorMap): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(weights)) out[k] = Array.from(await t.data());
  tf.dispose(weights);
  return out;
}

describe('bring your own network', () => {
  it('a Vae of two hand-written networks trains with fit; weights are encoder/… and decoder/…', async () => {
    const build = (seed: number) =>
      new Vae({
        encoder: plainNetwork(6, 8, 4, seed),
        decoder: plainNetwork(2, 8, 6, seed + 1),
        latentSize: 2,
        likelihood: 'bernoulli',
      });
    const vae = build(1);
    const x = data();
    const before = -(await tf.mean(vae.elbo(x, { samples: 20 })).data())[0]!;
    await expectNoLeak(async () => {
      await fit(vae, x, { steps: 150, batchSize: 16, learningRate: 0.02, rng: Rng.fromSeed(2) });
    });
    const after = -(await tf.mean(vae.elbo(x, { samples: 20 })).data())[0]!;
    expect(after).toBeLessThan(before - 0.5);
    const w = await values(vae.getWeights());
    expect(Object.keys(w).sort()).toEqual(
      ['b1', 'b2', 'w1', 'w2'].flatMap((n) => [`decoder/${n}`, `encoder/${n}`]).sort(),
    );
    const other = build(5);
    other.setWeights(vae.getWeights());
    expect(await values(other.getWeights())).toEqual(w);
    x.dispose();
    vae.dispose();
    other.dispose();
  });

  it('an Autoencoder is a Trainable: fit trains it as it is, with its corruption drawn from the trainer', async () => {
    const ae = new Autoencoder({
      encoder: plainNetwork(6, 8, 2, 3),
      decoder: plainNetwork(2, 8, 6, 4),
      loss: 'bernoulli',
      noise: { type: 'mask', rate: 0.2 },
    });
    expect(isTrainable(ae)).toBe(true);
    expect('sample' in ae).toBe(false);
    const x = data();
    const loss = async () => (await tf.mean(ae.reconstructionLoss(x)).data())[0]!;
    const before = await loss();
    await fit(ae, x, { steps: 150, batchSize: 16, learningRate: 0.02, rng: Rng.fromSeed(5) });
    expect(await loss()).toBeLessThan(before - 0.5);
    x.dispose();
    ae.dispose();
  });

  it("refuses a network whose names 'w' and 'encoder/w' would both be stored as 'encoder/w'", () => {
    const encoder = plainNetwork(6, 8, 4, 1);
    const decoder = plainNetwork(2, 8, 6, 2);
    const live = tf.memory().numTensors;
    expect(
      () =>
        new Vae({
          encoder: {
            ...encoder,
            getWeights: () => ({ w1: tf.zeros([1]), 'encoder/w1': tf.zeros([1]) }),
          },
          decoder,
          latentSize: 2,
          likelihood: 'bernoulli',
        }),
    ).toThrow(/Vae: argument 'encoder' has weights named 'w1' and 'encoder\/w1'/);
    expect(tf.memory().numTensors).toBe(live);
    encoder.dispose();
    decoder.dispose();
  });
});
