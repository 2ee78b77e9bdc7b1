import {
  InvalidArgumentError,
  initBackend,
  type Network,
  Rng,
  ShapeMismatchError,
} from '@gen/core';
import { expectNoLeak, plainNetwork } from '@gen/core/testing';
import { Mlp, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { layersMlp } from '../test/networks.js';
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

  it("losses change no weights; afterDiscriminatorStep clips the critic ('wasserstein')", () => {
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [8],
      loss: 'wasserstein',
      clipValue: 0.05,
    });
    const maxAbs = () =>
      Math.max(...gan.discriminatorVariables.map((v) => value(tf.max(tf.abs(v)))));
    const snapshot = () => gan.getWeights();
    const before = snapshot();
    const real = tf.ones([4, 2]);
    value(gan.discriminatorLoss(real, Rng.fromSeed(0)));
    value(gan.generatorLoss(4, Rng.fromSeed(1)));
    const after = snapshot();
    for (const name of Object.keys(before)) {
      expect(Array.from(after[name]!.dataSync()), name).toEqual(
        Array.from(before[name]!.dataSync()),
      );
    }
    expect(maxAbs()).toBeGreaterThan(0.05);
    gan.afterDiscriminatorStep();
    expect(maxAbs()).toBeLessThanOrEqual(0.05 + 1e-7);
    // Clipped values are the originals clamped to ±c.
    const clipped = gan.getWeights();
    for (const name of Object.keys(before).filter((n) => n.startsWith('discriminator/'))) {
      const expected = Array.from(before[name]!.dataSync()).map((w) =>
        Math.min(0.05, Math.max(-0.05, w)),
      );
      expect(Array.from(clipped[name]!.dataSync())).toEqual(
        Array.from(Float32Array.from(expected)),
      );
    }
    tf.dispose([before, after, clipped, real]);
    gan.dispose();
  });

  it('the deprecated callback() only re-clips: it never counts a discriminator update', () => {
    const gan = Gan.mlp({
      dataSize: 1,
      latentSize: 1,
      hiddenSizes: [4],
      loss: 'wasserstein',
      instanceNoise: { std: 0.4, decaySteps: 4 },
    });
    const v = gan.discriminatorVariables[0]!;
    v.assign(tf.mul(v, 100));
    gan.callback().onStepEnd();
    expect(value(tf.max(tf.abs(v)))).toBeLessThanOrEqual(0.01 + 1e-7);
    expect(gan.getState()).toEqual({ discriminatorUpdates: 0 });
    expect(gan.instanceNoiseStd).toBeCloseTo(0.4, 7);
    gan.dispose();
  });

  it('instance noise decays linearly to zero over decaySteps discriminator updates', () => {
    const gan = Gan.mlp({
      dataSize: 1,
      latentSize: 1,
      hiddenSizes: [4],
      instanceNoise: { std: 0.4, decaySteps: 4 },
    });
    const real = tf.zeros([8, 1]);
    const stds: number[] = [];
    for (let i = 0; i < 6; i++) {
      stds.push(gan.instanceNoiseStd);
      value(gan.discriminatorLoss(real, Rng.fromSeed(i)));
      expect(gan.getState()).toEqual({ discriminatorUpdates: i }); // the loss counts nothing
      gan.afterDiscriminatorStep();
    }
    stds.forEach((s, i) => {
      expect(s).toBeCloseTo([0.4, 0.3, 0.2, 0.1, 0, 0][i]!, 6);
    });
    real.dispose();
    gan.dispose();
  });

  it('discriminatorLoss is a function of the weights, the state and rng only', () => {
    const make = () =>
      Gan.mlp({
        dataSize: 2,
        latentSize: 2,
        hiddenSizes: [6],
        labelSmoothing: 0.9,
        instanceNoise: { std: 0.5, decaySteps: 10 },
        seed: 4,
      });
    const [a, b] = [make(), make()];
    const real = Rng.fromSeed(3).normal([16, 2]);
    const first = value(a.discriminatorLoss(real, Rng.fromSeed(7)));
    expect(value(a.discriminatorLoss(real, Rng.fromSeed(7)))).toBe(first);
    // Moving the noise clock changes the loss; restoring the state on another instance
    // reproduces it bit for bit.
    for (let i = 0; i < 3; i++) a.afterDiscriminatorStep();
    const later = value(a.discriminatorLoss(real, Rng.fromSeed(7)));
    expect(later).not.toBe(first);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.instanceNoiseStd).toBe(a.instanceNoiseStd);
    expect(value(b.discriminatorLoss(real, Rng.fromSeed(7)))).toBe(later);
    real.dispose();
    a.dispose();
    b.dispose();
  });

  it('setState rejects anything but { discriminatorUpdates: integer >= 0 }, changing nothing', () => {
    const gan = Gan.mlp({ dataSize: 1, latentSize: 1, hiddenSizes: [2] });
    gan.setState({ discriminatorUpdates: 5 });
    expect(() => gan.setState(null as never)).toThrow(/Gan.setState: argument 'state'/);
    expect(() => gan.setState({})).toThrow(/'state.discriminatorUpdates'.*integer >= 0/);
    expect(() => gan.setState({ discriminatorUpdates: -1 })).toThrow(InvalidArgumentError);
    expect(() => gan.setState({ discriminatorUpdates: 1.5 })).toThrow(/1.5/);
    expect(() => gan.setState({ discriminatorUpdates: '3' })).toThrow(InvalidArgumentError);
    expect(() => gan.setState({ discriminatorUpdates: 1, dSteps: 2 })).toThrow(
      /unknown keys \[dSteps\]/,
    );
    expect(gan.getState()).toEqual({ discriminatorUpdates: 5 });
    gan.dispose();
  });

  it('the losses and sample take their randomness from rng: none given is a typed error', () => {
    const gan = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [4] });
    const real = tf.zeros([3, 2]);
    const live = tf.memory().numTensors;
    expect(() => gan.discriminatorLoss(real, undefined as never)).toThrow(
      /Gan.discriminatorLoss: argument 'rng' must be an Rng/,
    );
    expect(() => gan.generatorLoss(3, undefined as never)).toThrow(
      /Gan.generatorLoss: argument 'rng' must be an Rng/,
    );
    expect(() => gan.sample(3, { seed: 1 } as never)).toThrow(
      /Gan.sample: argument 'rng' must be an Rng/,
    );
    expect(tf.memory().numTensors).toBe(live);
    real.dispose();
    gan.dispose();
  });

  it('takes any Network: a tfjs-layers model and a hand-written object', async () => {
    const gan = new Gan({
      generator: layersMlp(3, [8], 2, 1),
      discriminator: plainNetwork({ inputSize: 2, hiddenSize: 5, outputSize: 1, seed: 2 }),
      latentSize: 3,
      loss: 'hinge',
    });
    const x = gan.sample(5, Rng.fromSeed(0));
    expect(x.shape).toEqual([5, 2]);
    expect(gan.generatorVariables).toHaveLength(4);
    expect(gan.discriminatorVariables).toHaveLength(4);
    const w = gan.getWeights();
    expect(Object.keys(w).sort()).toEqual(
      [
        'discriminator/b1',
        'discriminator/b2',
        'discriminator/w1',
        'discriminator/w2',
        'generator/0/bias',
        'generator/0/kernel',
        'generator/2/bias',
        'generator/2/kernel',
      ].sort(),
    );
    const other = new Gan({
      generator: layersMlp(3, [8], 2, 5),
      discriminator: plainNetwork({ inputSize: 2, hiddenSize: 5, outputSize: 1, seed: 6 }),
      latentSize: 3,
      loss: 'hinge',
    });
    other.setWeights(w);
    const y = other.sample(5, Rng.fromSeed(0));
    expect(Array.from(await y.data())).toEqual(Array.from(await x.data()));
    const real = tf.ones([5, 2]);
    const { grads, value: loss } = tf.variableGrads(
      () => other.discriminatorLoss(real, Rng.fromSeed(1)),
      other.discriminatorVariables,
    );
    expect(Object.keys(grads)).toHaveLength(4);
    tf.dispose([x, y, w, real, grads, loss]);
    gan.dispose();
    other.dispose();
  });

  it('setWeights checks both networks before assigning either', async () => {
    const gan = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [3], seed: 1 });
    const before = gan.getWeights();
    const donor = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [3], seed: 2 });
    const bad = donor.getWeights();
    donor.dispose();
    const name = Object.keys(bad).find((k) => k.startsWith('discriminator/'))!;
    bad[name]!.dispose();
    bad[name] = tf.zeros([7]);
    expect(() => gan.setWeights(bad)).toThrow(ShapeMismatchError);
    const after = gan.getWeights();
    for (const k of Object.keys(before)) {
      expect(Array.from(await after[k]!.data()), k).toEqual(Array.from(await before[k]!.data()));
    }
    tf.dispose([before, bad, after]);
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
      await expectNoLeak(() => gan.generatorLoss(6, Rng.fromSeed(1)));
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
    expect(() => new Gan({ generator: g, discriminator: {} as Network, latentSize: 2 })).toThrow(
      /Gan: argument 'discriminator' must be a Network/,
    );
    const gone = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 1 });
    gone.dispose();
    expect(() => new Gan({ generator: g, discriminator: gone, latentSize: 2 })).toThrow(
      /argument 'discriminator' must be a Network/,
    );
    const d = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 1 });
    expect(() => new Gan({ generator: g, discriminator: d, latentSize: 2, seed: -1 })).toThrow(
      /Gan: argument 'seed'/,
    );
    // The deprecated seed is still accepted (and has no effect).
    expect(new Gan({ generator: g, discriminator: d, latentSize: 2, seed: 3 }).latentSize).toBe(2);
    d.dispose();
    const gan = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [4] });
    const wrong = tf.zeros([3, 5]);
    expect(() => gan.discriminatorLoss(wrong, Rng.fromSeed(0))).toThrow(ShapeMismatchError);
    expect(() => gan.generatorLoss(0, Rng.fromSeed(0))).toThrow(/'n'/);
    expect(() => gan.sample(-1, Rng.fromSeed(0))).toThrow(InvalidArgumentError);
    tf.dispose(wrong);
    gan.dispose();
    g.dispose();
  });
});
