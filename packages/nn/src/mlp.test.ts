import { InvalidArgumentError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectGradientsMatchFiniteDifferences, values } from '../test/support.js';
import { Dense } from './dense.js';
import { Mlp } from './mlp.js';

describeBackends('Mlp', ({ tolerance }) => {
  it('stacks Dense layers with stable names and shapes', () => {
    const mlp = new Mlp({ inputSize: 3, hiddenSizes: [8, 5], outputSize: 2 });
    expect(mlp.layers).toHaveLength(3);
    expect(mlp.layers.every((l) => l instanceof Dense)).toBe(true);
    const shapes = Object.fromEntries(
      Object.entries(mlp.namedWeights()).map(([name, v]) => [name, v.shape]),
    );
    expect(shapes).toEqual({
      'mlp/dense0/kernel': [3, 8],
      'mlp/dense0/bias': [8],
      'mlp/dense1/kernel': [8, 5],
      'mlp/dense1/bias': [5],
      'mlp/dense2/kernel': [5, 2],
      'mlp/dense2/bias': [2],
    });
    expect(mlp.numParameters()).toBe(3 * 8 + 8 + 8 * 5 + 5 + 5 * 2 + 2);
    const x = tf.ones([4, 7, 3]);
    const y = mlp.apply(x);
    expect(y.shape).toEqual([4, 7, 2]);
    tf.dispose([x, y]);
    mlp.dispose();
  });

  it('equals the composition of its layers with the stated activations', async () => {
    const mlp = new Mlp({
      inputSize: 2,
      hiddenSizes: [6],
      outputSize: 3,
      activation: 'tanh',
      outputActivation: 'sigmoid',
      seed: 4,
    });
    const x = Rng.fromSeed(1).normal([10, 2]);
    const [first, last] = mlp.layers as [Dense, Dense];
    const manual = tf.tidy(() => {
      const h = tf.tanh(tf.add(tf.matMul(x, first.kernel), first.bias!));
      return tf.sigmoid(tf.add(tf.matMul(h, last.kernel), last.bias!));
    });
    const y = mlp.apply(x);
    expectClose(y, manual, { atol: tolerance, rtol: tolerance });
    expect(Math.min(...(await values(y)))).toBeGreaterThan(0);
    tf.dispose([x, y, manual]);
    mlp.dispose();
  });

  it('zeroInitLast starts the network at exactly 0 and keeps the other layers random', async () => {
    const mlp = new Mlp({ inputSize: 3, hiddenSizes: [4], outputSize: 2, zeroInitLast: true });
    const x = Rng.fromSeed(2).normal([5, 3]);
    const y = mlp.apply(x);
    expect(await values(y)).toEqual(new Array(10).fill(0));
    expect((await values(mlp.layers[0]!.kernel)).some((v) => v !== 0)).toBe(true);
    tf.dispose([x, y]);
    mlp.dispose();
  });

  it('is reproducible, and one layer width does not reshuffle the other layers', async () => {
    const a = new Mlp({ inputSize: 3, hiddenSizes: [4, 4], outputSize: 1, seed: 9 });
    const b = new Mlp({ inputSize: 3, hiddenSizes: [4, 4], outputSize: 1, seed: 9 });
    const c = new Mlp({ inputSize: 3, hiddenSizes: [4, 7], outputSize: 1, seed: 9 });
    const d = new Mlp({ inputSize: 3, hiddenSizes: [4, 4], outputSize: 1, seed: 10 });
    const first = (m: Mlp) => values(m.layers[0]!.kernel);
    expect(await first(a)).toEqual(await first(b));
    expect(await first(a)).toEqual(await first(c));
    expect(await first(a)).not.toEqual(await first(d));
    for (const m of [a, b, c, d]) m.dispose();
  });

  it('gradients match finite differences', () => {
    const mlp = new Mlp({
      inputSize: 3,
      hiddenSizes: [4],
      outputSize: 2,
      activation: 'tanh',
      seed: 5,
    });
    const x = Rng.fromSeed(6).normal([3, 3]);
    expectGradientsMatchFiniteDifferences(mlp, x);
    x.dispose();
    mlp.dispose();
  });

  it('fits a small regression with Adam (R² > 0.95 after 200 steps)', async () => {
    const rng = Rng.fromSeed(0);
    const x = rng.uniform([64, 2], -1, 1);
    const y = tf.tidy(() => tf.sum(tf.square(x), 1, true));
    const mlp = new Mlp({ inputSize: 2, hiddenSizes: [32], outputSize: 1, seed: 1 });
    const optimizer = tf.train.adam(0.01);
    const loss = () => tf.losses.meanSquaredError(y, mlp.apply(x)) as tf.Scalar;
    for (let step = 0; step < 200; step++) {
      optimizer.minimize(loss, false, mlp.trainableVariables);
    }
    const last = tf.tidy(loss);
    const variance = tf.tidy(() => tf.moments(y).variance);
    expect((await last.data())[0]!).toBeLessThan(0.05 * (await variance.data())[0]!);
    tf.dispose([x, y, last, variance]);
    optimizer.dispose();
    mlp.dispose();
  });

  it('leaks nothing across construction, apply, gradients and dispose', async () => {
    await expectNoLeak(() => {
      const mlp = new Mlp({ inputSize: 2, hiddenSizes: [3, 3], outputSize: 1 });
      const x = tf.ones([4, 2]);
      tf.dispose(mlp.apply(x));
      tf.dispose(tf.variableGrads(() => tf.sum(mlp.apply(x)) as tf.Scalar, mlp.trainableVariables));
      x.dispose();
      mlp.dispose();
    });
  });

  it('rejects bad inputs and options with typed errors naming them', () => {
    const mlp = new Mlp({ inputSize: 3, hiddenSizes: [], outputSize: 1 });
    const x = tf.zeros([2, 2]);
    expect(() => mlp.apply(x)).toThrow(ShapeMismatchError);
    expect(() => mlp.apply(x)).toThrow(
      "Mlp.apply: argument 'x' must have shape [..., 3], got [2, 2]",
    );
    x.dispose();
    mlp.dispose();
    const make = (options: object) => () => new Mlp(options as never);
    const base = { inputSize: 2, hiddenSizes: [4], outputSize: 1 };
    expect(make({ ...base, hiddenSizes: [4, 0] })).toThrow(
      /Mlp: argument 'hiddenSizes\[1\]' must be an integer >= 1, got 0/,
    );
    expect(make({ ...base, hiddenSizes: 4 })).toThrow(/argument 'hiddenSizes' must be an array/);
    expect(make({ ...base, hiddenSizes: [], activation: 'gelu' })).toThrow(
      /Mlp: argument 'activation' must be one of/,
    );
    expect(make({ ...base, outputActivation: 'softmax' })).toThrow(/argument 'outputActivation'/);
    expect(make({ ...base, zeroInitLast: 1 })).toThrow(/argument 'zeroInitLast' must be a boolean/);
    expect(make({ ...base, hidden: [3] })).toThrow(InvalidArgumentError);
  });
});
