import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { type BatchNorm, loadModel, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan } from './gan.js';
import type { DcganGenerator } from './networks.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const shapes = (gan: Gan) => {
  const w = gan.getWeights();
  const out = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, t.shape]));
  tf.dispose(Object.values(w));
  return out;
};

const values = async (t: tf.Tensor) => {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
};

describe('Gan.dcgan options', () => {
  it('defaults to the pair it always built: width 32, no batch normalisation', () => {
    const gan = Gan.dcgan({ latentSize: 8 });
    expect(shapes(gan)).toEqual({
      'generator/generator/dense/kernel': [8, 3136],
      'generator/generator/dense/bias': [3136],
      'generator/generator/up1/kernel': [4, 4, 32, 64],
      'generator/generator/up1/bias': [32],
      'generator/generator/up2/kernel': [4, 4, 1, 32],
      'generator/generator/up2/bias': [1],
      'discriminator/discriminator/conv1/kernel': [4, 4, 1, 32],
      'discriminator/discriminator/conv1/bias': [32],
      'discriminator/discriminator/conv2/kernel': [4, 4, 32, 64],
      'discriminator/discriminator/conv2/bias': [64],
      'discriminator/discriminator/out/kernel': [3136, 1],
      'discriminator/discriminator/out/bias': [1],
    });
    const explicit = Gan.dcgan({ latentSize: 8, width: 32, batchNorm: false });
    const [a, b] = [gan.getWeights(), explicit.getWeights()];
    for (const name of Object.keys(a)) {
      expect(Array.from(b[name]!.dataSync())).toEqual(Array.from(a[name]!.dataSync()));
    }
    tf.dispose([...Object.values(a), ...Object.values(b)]);
    gan.dispose();
    explicit.dispose();
  });

  it('width scales both networks; batchNorm adds the generator’s norms without hidden biases', () => {
    const gan = Gan.dcgan({ latentSize: 5, width: 3, batchNorm: true });
    expect(shapes(gan)).toEqual({
      'generator/generator/dense/kernel': [5, 7 * 7 * 6],
      'generator/generator/up1/kernel': [4, 4, 3, 6],
      'generator/generator/norm0/scale': [6],
      'generator/generator/norm0/offset': [6],
      'generator/generator/norm0/runningMean': [6],
      'generator/generator/norm0/runningVariance': [6],
      'generator/generator/norm1/scale': [3],
      'generator/generator/norm1/offset': [3],
      'generator/generator/norm1/runningMean': [3],
      'generator/generator/norm1/runningVariance': [3],
      'generator/generator/up2/kernel': [4, 4, 1, 3],
      'generator/generator/up2/bias': [1],
      'discriminator/discriminator/conv1/kernel': [4, 4, 1, 3],
      'discriminator/discriminator/conv1/bias': [3],
      'discriminator/discriminator/conv2/kernel': [4, 4, 3, 6],
      'discriminator/discriminator/conv2/bias': [6],
      'discriminator/discriminator/out/kernel': [7 * 7 * 6, 1],
      'discriminator/discriminator/out/bias': [1],
    });
    // The optimiser sees the weights only, never the running statistics.
    expect(gan.generatorVariables.every((v) => v.trainable)).toBe(true);
    expect(gan.generatorVariables).toHaveLength(8);
    gan.dispose();
  });

  it('the losses normalise by batch statistics and advance the running ones; sample uses them', async () => {
    const gan = Gan.dcgan({ latentSize: 4, width: 2, batchNorm: true, seed: 1 });
    const generator = gan.generator as DcganGenerator;
    const norm = (generator as unknown as { norms: [BatchNorm, BatchNorm] }).norms[1];
    const before = await values(tf.clone(norm.runningMean));
    expect(before).toEqual([0, 0]);
    const x = gan.sample(3, Rng.fromSeed(2));
    // Sampling is inference: it leaves the statistics and the mode as they were.
    expect(await values(tf.clone(norm.runningMean))).toEqual(before);
    expect(generator.training).toBe(true);
    tf.dispose(gan.generatorLoss(16, Rng.fromSeed(3)));
    const after = await values(tf.clone(norm.runningMean));
    expect(after).not.toEqual(before);
    // Inference draws follow the running statistics: new ones give new images for the same z.
    const y = gan.sample(3, Rng.fromSeed(2));
    expect(await values(y)).not.toEqual(await values(x));
    // Each draw is independent of the others in its call: G in inference mode, row by row.
    const z = Rng.fromSeed(4).normal([3, 4]);
    generator.setTraining(false);
    const all = generator.apply(z);
    const one = generator.apply(tf.slice(z, [1, 0], [1, 4]));
    generator.setTraining(true);
    const row = await values(tf.slice(all, [1, 0], [1, 784]));
    (await values(one)).forEach((v, i) => {
      expect(v).toBeCloseTo(row[i]!, 5);
    });
    tf.dispose([z, all]);
    gan.dispose();
  });

  it('discriminatorWidth sizes the critic alone, defaults to width, and survives save/load', async () => {
    const gan = Gan.dcgan({ latentSize: 4, width: 2, discriminatorWidth: 5, seed: 3 });
    const s = shapes(gan);
    expect(s['generator/generator/up1/kernel']).toEqual([4, 4, 2, 4]);
    expect(s['discriminator/discriminator/conv1/kernel']).toEqual([4, 4, 1, 5]);
    expect(s['discriminator/discriminator/conv2/kernel']).toEqual([4, 4, 5, 10]);
    expect(s['discriminator/discriminator/out/kernel']).toEqual([7 * 7 * 10, 1]);
    // Left out, it is `width`: the same weights as before the option existed.
    const [same, explicit] = [
      Gan.dcgan({ latentSize: 4, width: 3, seed: 1 }),
      Gan.dcgan({ latentSize: 4, width: 3, discriminatorWidth: 3, seed: 1 }),
    ];
    const [a, b] = [same.getWeights(), explicit.getWeights()];
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const name of Object.keys(a)) {
      expect(Array.from(b[name]!.dataSync())).toEqual(Array.from(a[name]!.dataSync()));
    }
    tf.dispose([...Object.values(a), ...Object.values(b)]);
    const real = tf.fill([3, 784], 0.25);
    const loaded = await loadModel<Gan>(modelToSafetensors(gan));
    const [la, lb] = [
      gan.discriminatorLoss(real, Rng.fromSeed(4)),
      loaded.discriminatorLoss(real, Rng.fromSeed(4)),
    ];
    expect(await values(lb)).toEqual(await values(la));
    tf.dispose(real);
    for (const g of [gan, same, explicit, loaded]) g.dispose();
  });

  it('a saved batch-normalised DCGAN loads and samples identically', async () => {
    const gan = Gan.dcgan({ latentSize: 4, width: 2, batchNorm: true, seed: 1 });
    for (let i = 0; i < 3; i++) tf.dispose(gan.generatorLoss(8, Rng.fromSeed(10 + i)));
    const loaded = await loadModel<Gan>(modelToSafetensors(gan));
    const [a, b] = [gan.sample(5, Rng.fromSeed(9)), loaded.sample(5, Rng.fromSeed(9))];
    expect(await values(b)).toEqual(await values(a));
    gan.dispose();
    loaded.dispose();
  });

  it('refuses bad widths, a non-boolean batchNorm and unknown keys, naming Gan.dcgan', () => {
    const live = tf.memory().numTensors;
    expect(() => Gan.dcgan({ latentSize: 4, width: 0 })).toThrow(/Gan.dcgan.*'width'/);
    expect(() => Gan.dcgan({ latentSize: 4, width: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => Gan.dcgan({ latentSize: 4, batchNorm: 'yes' as never })).toThrow(
      /Gan.dcgan.*'batchNorm'.*boolean/,
    );
    expect(() => Gan.dcgan({ latentSize: 4, widht: 8 } as never)).toThrow(/widht/);
    expect(() => Gan.dcgan({ latentSize: 4, width: 1e6 })).toThrow(/Gan.dcgan.*width/);
    expect(() => Gan.dcgan({ latentSize: 4, discriminatorWidth: 0 })).toThrow(
      /Gan.dcgan.*'discriminatorWidth'/,
    );
    expect(() => Gan.dcgan({ latentSize: 4, discriminatorWidth: 2.5 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => Gan.dcgan({ latentSize: 4, discriminatorWidth: 1e6 })).toThrow(
      /Gan.dcgan.*discriminatorWidth/,
    );
    expect(tf.memory().numTensors).toBe(live);
  });

  it('a batch-normalised DCGAN makes no tensors beyond its returned scalars', async () => {
    const gan = Gan.dcgan({ latentSize: 4, width: 2, batchNorm: true });
    const real = tf.fill([4, 784], 0.5);
    await expectNoLeak(() => gan.discriminatorLoss(real, Rng.fromSeed(0)));
    await expectNoLeak(() => gan.generatorLoss(4, Rng.fromSeed(1)));
    await expectNoLeak(() =>
      tf.variableGrads(() => gan.generatorLoss(4, Rng.fromSeed(1)), gan.generatorVariables),
    );
    await expectNoLeak(() => gan.sample(2, Rng.fromSeed(2)));
    real.dispose();
    gan.dispose();
  });
});
