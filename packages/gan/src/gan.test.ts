import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { Mlp, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan } from './gan.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

/** D(x) = −(x − m)², a critic that rates points near m as real. */
class Quadratic extends Module {
  readonly m: tf.Variable;
  constructor() {
    super('quadratic');
    this.m = this.addWeight('m', [1], 'zeros', Rng.fromSeed(0));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.square(tf.sub(x, this.m))));
  }
}

describe('Gan', () => {
  it('Gan.mlp: shapes, variable sets and defaults', () => {
    const gan = Gan.mlp({ dataSize: 3, latentSize: 4, hiddenSizes: [8], seed: 1 });
    expect(gan.loss).toBe('non-saturating');
    expect(gan.discriminatorSteps).toBe(1);
    expect(gan.generatorVariables).toHaveLength(4);
    expect(gan.discriminatorVariables).toHaveLength(4);
    const x = gan.sample(5, Rng.fromSeed(0));
    expect(x.shape).toEqual([5, 3]);
    x.dispose();
    expect(
      Gan.mlp({ dataSize: 1, latentSize: 1, hiddenSizes: [], loss: 'wasserstein' })
        .discriminatorSteps,
    ).toBe(5);
    gan.dispose();
  });

  it('generatorLoss falls as the fakes move toward the region D rates as real, for every loss', () => {
    for (const loss of [
      'minimax',
      'non-saturating',
      'wasserstein',
      'hinge',
      'least-squares',
      { fgan: 'kl' },
    ] as const) {
      const generator = new Mlp({ inputSize: 1, hiddenSizes: [], outputSize: 1, name: 'g' });
      const gan = new Gan({ generator, discriminator: new Quadratic(), latentSize: 1, loss });
      const at = (shift: number) => {
        generator.setWeights({
          'g/dense0/kernel': tf.tensor2d([[0.01]]),
          'g/dense0/bias': tf.tensor1d([shift]),
        });
        return value(gan.generatorLoss(64, Rng.fromSeed(5)));
      };
      expect(at(0.5), JSON.stringify(loss)).toBeLessThan(at(1));
      expect(at(0.1), JSON.stringify(loss)).toBeLessThan(at(0.5));
      gan.dispose();
    }
  });

  it('a discriminator centred on the real data has a lower discriminatorLoss', () => {
    const generator = new Mlp({ inputSize: 1, hiddenSizes: [], outputSize: 1, name: 'g', seed: 2 });
    const critic = new Quadratic();
    const gan = new Gan({ generator, discriminator: critic, latentSize: 1, loss: 'minimax' });
    generator.setWeights({
      'g/dense0/kernel': tf.tensor2d([[0.1]]),
      'g/dense0/bias': tf.tensor1d([-2]),
    });
    const real = tf.fill([32, 1], 2);
    const at = (m: number) => {
      critic.m.assign(tf.tensor1d([m]));
      return value(gan.discriminatorLoss(real, Rng.fromSeed(1)));
    };
    expect(at(2)).toBeLessThan(at(0));
    real.dispose();
    gan.dispose();
  });

  it("'wasserstein' clips critic weights to ±clipValue (afterDiscriminatorStep and lazily)", () => {
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [8],
      loss: 'wasserstein',
      clipValue: 0.05,
    });
    const maxAbs = () =>
      Math.max(...gan.discriminatorVariables.map((v) => value(tf.max(tf.abs(v)))));
    expect(maxAbs()).toBeGreaterThan(0.05);
    gan.afterDiscriminatorStep();
    expect(maxAbs()).toBeLessThanOrEqual(0.05 + 1e-7);
    const v = gan.discriminatorVariables[0]!;
    v.assign(tf.mul(v, 100));
    value(gan.generatorLoss(4, Rng.fromSeed(0)));
    expect(maxAbs()).toBeLessThanOrEqual(0.05 + 1e-7);
    gan.dispose();
  });

  it('instance noise decays linearly to zero over decaySteps discriminator losses', () => {
    const gan = Gan.mlp({
      dataSize: 1,
      latentSize: 1,
      hiddenSizes: [4],
      instanceNoise: { std: 0.4, decaySteps: 4 },
    });
    const real = tf.zeros([8, 1]);
    const stds: number[] = [];
    for (let i = 0; i < 5; i++) {
      stds.push(gan.instanceNoiseStd);
      value(gan.discriminatorLoss(real, Rng.fromSeed(i)));
    }
    stds.forEach((s, i) => {
      expect(s).toBeCloseTo([0.4, 0.3, 0.2, 0.1, 0][i]!, 6);
    });
    real.dispose();
    gan.dispose();
  });

  it('getWeights/setWeights round-trip through fresh instances', () => {
    const a = Gan.mlp({ dataSize: 2, latentSize: 3, hiddenSizes: [5], seed: 1 });
    const b = Gan.mlp({ dataSize: 2, latentSize: 3, hiddenSizes: [5], seed: 2 });
    const w = a.getWeights();
    expect(Object.keys(w).every((k) => /^(generator|discriminator)\//.test(k))).toBe(true);
    b.setWeights(w);
    const [xa, xb] = [a.sample(4, Rng.fromSeed(3)), b.sample(4, Rng.fromSeed(3))];
    expect(Array.from(xb.dataSync())).toEqual(Array.from(xa.dataSync()));
    expect(() => b.setWeights({ ...w, 'other/x': tf.zeros([1]) })).toThrow(InvalidArgumentError);
    tf.dispose([xa, xb, w]);
    a.dispose();
    b.dispose();
  });

  it('Gan.dcgan maps latents to [n, 784] images in (0, 1) and images to one logit', () => {
    const gan = Gan.dcgan({ latentSize: 16, seed: 0 });
    const x = gan.sample(2, Rng.fromSeed(0));
    expect(x.shape).toEqual([2, 784]);
    const [lo, hi] = [value(tf.min(x)), value(tf.max(x))];
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThan(1);
    const loss = gan.discriminatorLoss(x, Rng.fromSeed(1));
    expect(Number.isFinite(value(loss))).toBe(true);
    x.dispose();
    gan.dispose();
  });

  it('makes no tensors beyond its returned scalars', async () => {
    for (const loss of [
      'non-saturating',
      'wasserstein',
      'wasserstein-gp',
      { fgan: 'js' },
    ] as const) {
      const gan = Gan.mlp({
        dataSize: 2,
        latentSize: 2,
        hiddenSizes: [4],
        loss,
        instanceNoise: { std: 0.1, decaySteps: 10 },
      });
      const real = tf.ones([6, 2]);
      await expectNoLeak(() => gan.discriminatorLoss(real, Rng.fromSeed(0)));
      await expectNoLeak(() => gan.generatorLoss(6));
      await expectNoLeak(() => gan.afterDiscriminatorStep());
      real.dispose();
      gan.dispose();
    }
  });

  it('rejects bad inputs with typed errors', () => {
    const mk = (o: object) => () => Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [4], ...o });
    expect(mk({ loss: 'vanilla' })).toThrow(/loss/);
    expect(mk({ loss: { fgan: 'nope' } })).toThrow(InvalidArgumentError);
    expect(mk({ clipValue: 0.1 })).toThrow(/clipValue.*wasserstein/);
    expect(mk({ loss: 'hinge', labelSmoothing: 0.9 })).toThrow(InvalidArgumentError);
    expect(mk({ labelSmoothing: 1.5 })).toThrow(/labelSmoothing/);
    expect(mk({ instanceNoise: { std: -1, decaySteps: 3 } })).toThrow(/instanceNoise.std/);
    expect(mk({ discriminatorSteps: 0 })).toThrow(/discriminatorSteps/);
    expect(mk({ learningRate: 1 })).toThrow(/learningRate/);
    expect(() => Gan.mlp({ dataSize: 0, latentSize: 2, hiddenSizes: [] })).toThrow(/dataSize/);
    const live = tf.memory().numTensors;
    expect(mk({ loss: 'nope' })).toThrow(/Gan.mlp/);
    expect(() => Gan.dcgan({ latentSize: 4, labelSmoothing: 2 })).toThrow(/Gan.dcgan/);
    expect(tf.memory().numTensors).toBe(live); // nothing built before validation fails
    const g = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 2 });
    expect(() => new Gan({ generator: g, discriminator: g, latentSize: 2 })).toThrow(/distinct/);
    expect(() => new Gan({ generator: g, discriminator: {} as Module, latentSize: 2 })).toThrow(
      /discriminator/,
    );
    const gan = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [4] });
    const wrong = tf.zeros([3, 5]);
    expect(() => gan.discriminatorLoss(wrong)).toThrow(ShapeMismatchError);
    expect(() => gan.generatorLoss(0)).toThrow(/'n'/);
    expect(() => gan.sample(-1, Rng.fromSeed(0))).toThrow(InvalidArgumentError);
    tf.dispose(wrong);
    gan.dispose();
    g.dispose();
  });
});
