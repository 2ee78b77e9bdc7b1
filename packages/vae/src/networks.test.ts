import { initBackend, isTrainable, Rng } from '@gen/core';
import { expectNoLeak, plainNetwork } from '@gen/core/testing';
import { fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
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

/** Σ_d H(p̂_d): the per-row NLL of the best model with independent dimensions, in nats. */
async function factorisedEntropy(x: tf.Tensor): Promise<number> {
  const p = Array.from(await tf.mean(x, 0).data());
  return p.reduce(
    (s, q) => s - (q > 0 ? q * Math.log(q) : 0) - (q < 1 ? (1 - q) * Math.log(1 - q) : 0),
    0,
  );
}

describe('bring your own network', () => {
  it('a Vae of two hand-written networks trains with fit; weights are encoder/… and decoder/…', async () => {
    const build = (seed: number) =>
      new Vae({
        encoder: plainNetwork({ inputSize: 6, hiddenSize: 8, outputSize: 4, seed: seed }),
        decoder: plainNetwork({ inputSize: 2, hiddenSize: 8, outputSize: 6, seed: seed + 1 }),
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
    // Trained, the −ELBO reaches the NLL of the best independent-bits model (the decoder has at
    // least learned the marginals), from well above it; the 20-sample ELBO's noise is < 0.02.
    const baseline = await factorisedEntropy(x);
    expect(before).toBeGreaterThan(baseline + 0.2);
    expect(after).toBeLessThan(baseline + 0.05);
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
      encoder: plainNetwork({ inputSize: 6, hiddenSize: 8, outputSize: 2, seed: 3 }),
      decoder: plainNetwork({ inputSize: 2, hiddenSize: 8, outputSize: 6, seed: 4 }),
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
    const encoder = plainNetwork({ inputSize: 6, hiddenSize: 8, outputSize: 4, seed: 1 });
    const decoder = plainNetwork({ inputSize: 2, hiddenSize: 8, outputSize: 6, seed: 2 });
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
