import { type ConditionalBatch, initBackend, Rng } from '@gen/core';
import { AffineCoupling, Flow, standardNormal } from '@gen/flows';
import { Gan } from '@gen/gan';
import { fit, fitAdversarial } from '@gen/train';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

// The conditional convention across packages: one labelled data set `{ x, condition }` trained by
// @gen/train's `fit` (a conditional VAE and a conditional flow) and `fitAdversarial` (a
// class-conditional GAN), then sampled per class with `sample(n, rng, { condition })`. Each
// class's draws must fall nearest their own cluster centre (the nearest-centre rule).

const CENTRES = [
  [-3, -3],
  [-3, 3],
  [3, -3],
  [3, 3],
];
const K = CENTRES.length;

/** n points per class around each centre (std 0.4) with one-hot labels, from a seeded Rng. */
function labelledClusters(n: number, rng: Rng): ConditionalBatch {
  return tf.tidy(() => {
    const centres = tf.tensor2d(CENTRES);
    const labels = tf.tensor1d(
      Array.from({ length: n * K }, (_, i) => i % K),
      'int32',
    );
    const x = tf.add(tf.gather(centres, labels), tf.mul(0.4, rng.normal([n * K, 2])));
    return { x, condition: tf.cast(tf.oneHot(labels, K), 'float32') };
  });
}

/** Fraction of `n` draws per class whose nearest centre is their class's. */
function nearestCentreRate(draw: (condition: tf.Tensor) => tf.Tensor, n: number): number {
  let hits = 0;
  for (let k = 0; k < K; k++) {
    const condition = tf.tidy(() => tf.cast(tf.oneHot(tf.fill([n], k, 'int32'), K), 'float32'));
    const x = draw(condition);
    const rows = x.arraySync() as number[][];
    for (const [a, b] of rows) {
      const distances = CENTRES.map(([c, d]) => (a! - c!) ** 2 + (b! - d!) ** 2);
      if (distances.indexOf(Math.min(...distances)) === k) hits++;
    }
    tf.dispose([condition, x]);
  }
  return hits / (n * K);
}

describe('conditional models trained by @gen/train on { x, condition }', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  }, 60_000);

  it('a conditional VAE (fit), a conditional flow (fit) and a class-conditional GAN (fitAdversarial) sample their classes', async () => {
    const data = labelledClusters(64, Rng.fromSeed(1));
    const before = tf.memory().numTensors;

    const vae = Vae.mlp({
      inputSize: 2,
      hiddenSizes: [32],
      latentSize: 2,
      likelihood: 'gaussian',
      conditionSize: K,
      seed: 2,
    });
    const flow = new Flow({
      base: standardNormal(2),
      transforms: ([0, 1, 0, 1] as const).map(
        (parity, i) =>
          new AffineCoupling({ dim: 2, hiddenSizes: [32], parity, conditionSize: K, seed: 10 + i }),
      ),
    });
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [32, 32],
      conditionSize: K,
      seed: 3,
    });
    const untrained = nearestCentreRate(
      (c) => vae.sample(c.shape[0]!, Rng.fromSeed(4), { condition: c }),
      50,
    );

    await fit(vae, data, { steps: 300, batchSize: 64, learningRate: 1e-2, rng: Rng.fromSeed(5) });
    await fit(flow, data, { steps: 200, batchSize: 64, learningRate: 1e-2, rng: Rng.fromSeed(6) });
    await fitAdversarial(gan, data, {
      steps: 300,
      batchSize: 64,
      learningRate: 2e-3,
      rng: Rng.fromSeed(7),
    });

    const rates = {
      vae: nearestCentreRate((c) => vae.sample(c.shape[0]!, Rng.fromSeed(8), { condition: c }), 50),
      flow: nearestCentreRate(
        (c) => flow.sample(c.shape[0]!, Rng.fromSeed(9), { condition: c }),
        50,
      ),
      gan: nearestCentreRate(
        (c) => gan.sample(c.shape[0]!, Rng.fromSeed(10), { condition: c }),
        50,
      ),
    };
    expect(untrained, 'an untrained model does not already sample its classes').toBeLessThan(0.9);
    expect(rates.vae, 'conditional VAE').toBeGreaterThanOrEqual(0.9);
    expect(rates.flow, 'conditional flow').toBeGreaterThanOrEqual(0.9);
    expect(rates.gan, 'class-conditional GAN').toBeGreaterThanOrEqual(0.9);

    for (const m of [vae, flow, gan]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data.x, data.condition]);
  }, 300_000);
});
