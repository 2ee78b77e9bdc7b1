import { InvalidArgumentError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectGradientsMatchFiniteDifferences, values } from '../test/support.js';
import { Dense } from './dense.js';

describeBackends('Dense', ({ tolerance }) => {
  it('computes act(x·W + b) with kernel [in, out] over any leading axes', async () => {
    const layer = new Dense({ inputSize: 3, outputSize: 2, activation: 'tanh', seed: 1 });
    layer.setWeights({
      'dense/kernel': tf.tensor2d([1, -1, 0.5, 2, 0, 0.25], [3, 2]),
      'dense/bias': tf.tensor1d([0.1, -0.2]),
    });
    const x = tf.tensor3d([1, 2, 3, -1, 0, 0.5, 0, 0, 0, 2, -2, 1], [2, 2, 3]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 2, 2]);
    const rows = [
      [1, 2, 3],
      [-1, 0, 0.5],
      [0, 0, 0],
      [2, -2, 1],
    ];
    const expected = rows.flatMap(([a, b, c]) => [
      Math.tanh(a! * 1 + b! * 0.5 + c! * 0 + 0.1),
      Math.tanh(a! * -1 + b! * 2 + c! * 0.25 - 0.2),
    ]);
    expectClose(y, tf.tensor3d(expected, [2, 2, 2]), { atol: tolerance, rtol: tolerance });
    const single = layer.apply(tf.tensor1d([1, 2, 3]));
    expect(single.shape).toEqual([2]);
    expectClose(single, tf.tensor1d(expected.slice(0, 2)), { atol: tolerance, rtol: tolerance });
    tf.dispose([x, y, single]);
    layer.dispose();
  });

  it('names its weights and honours useBias: false', () => {
    const a = new Dense({ inputSize: 4, outputSize: 3, name: 'enc' });
    const b = new Dense({ inputSize: 4, outputSize: 3, useBias: false });
    expect(Object.keys(a.namedWeights())).toEqual(['enc/kernel', 'enc/bias']);
    expect(Object.keys(b.namedWeights())).toEqual(['dense/kernel']);
    expect(b.bias).toBeNull();
    expect(a.numParameters()).toBe(15);
    expect(b.numParameters()).toBe(12);
    a.dispose();
    b.dispose();
  });

  it('is reproducible from a seed or an Rng and varies with it', async () => {
    const a = new Dense({ inputSize: 5, outputSize: 4, seed: 7 });
    const b = new Dense({ inputSize: 5, outputSize: 4, seed: 7 });
    const c = new Dense({ inputSize: 5, outputSize: 4, seed: 8 });
    const d = new Dense({ inputSize: 5, outputSize: 4, rng: Rng.fromSeed(7) });
    expect(await values(a.kernel)).toEqual(await values(b.kernel));
    expect(await values(a.kernel)).toEqual(await values(d.kernel));
    expect(await values(a.kernel)).not.toEqual(await values(c.kernel));
    for (const m of [a, b, c, d]) m.dispose();
  });

  it('uses the requested initialisers', async () => {
    const layer = new Dense({
      inputSize: 2,
      outputSize: 2,
      kernelInitializer: 'ones',
      biasInitializer: (shape) => tf.fill(shape, 3),
    });
    expect(await values(layer.kernel)).toEqual([1, 1, 1, 1]);
    expect(await values(layer.bias!)).toEqual([3, 3]);
    layer.dispose();
  });

  it('gradients with respect to x, kernel and bias match finite differences', () => {
    const layer = new Dense({ inputSize: 4, outputSize: 3, activation: 'tanh', seed: 2 });
    const x = Rng.fromSeed(3).normal([5, 4]);
    expectGradientsMatchFiniteDifferences(layer, x);
    x.dispose();
    layer.dispose();
  });

  it('leaks nothing across construction, apply, gradients and dispose', async () => {
    await expectNoLeak(() => {
      const layer = new Dense({ inputSize: 3, outputSize: 2, activation: 'elu', seed: 0 });
      const x = tf.ones([4, 3]);
      tf.dispose(layer.apply(x));
      tf.dispose(
        tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar, layer.trainableVariables),
      );
      tf.dispose(tf.grad((input) => tf.sum(layer.apply(input)))(x));
      x.dispose();
      layer.dispose();
    });
  });

  it('rejects an input whose last axis is wrong, naming Dense.apply, x and the shapes', () => {
    const layer = new Dense({ inputSize: 3, outputSize: 2 });
    const x = tf.zeros([2, 4]);
    const scalar = tf.scalar(1);
    expect(() => layer.apply(x)).toThrow(ShapeMismatchError);
    expect(() => layer.apply(x)).toThrow(
      "Dense.apply: argument 'x' must have shape [..., 3], got [2, 4]",
    );
    expect(() => layer.apply(scalar)).toThrow(/got \[\]/);
    expect(() => layer.apply([1, 2, 3] as never)).toThrow(
      /Dense.apply: argument 'x' must be a live tf.Tensor/,
    );
    layer.dispose();
    expect(() => layer.apply(x)).toThrow("Dense.apply: module 'dense' has been disposed");
    tf.dispose([x, scalar]);
  });

  it('rejects bad options with typed errors naming the option and value', () => {
    const make = (options: object) => () => new Dense(options as never);
    expect(make({ inputSize: 0, outputSize: 2 })).toThrow(
      /Dense: argument 'inputSize' must be an integer >= 1, got 0/,
    );
    expect(make({ inputSize: 2, outputSize: 1.5 })).toThrow(/argument 'outputSize'.*got 1.5/);
    expect(make({ inputSize: 2, outputSize: 2, activation: 'gelu' })).toThrow(
      /Dense: argument 'activation' must be one of .*got "gelu"/,
    );
    expect(make({ inputSize: 2, outputSize: 2, kernelInitializer: 'xavier' })).toThrow(
      /Dense: argument 'kernelInitializer' must be one of .*got "xavier"/,
    );
    expect(make({ inputSize: 2, outputSize: 2, seed: 1, rng: Rng.fromSeed(1) })).toThrow(
      "Dense: give either 'seed' or 'rng', not both",
    );
    expect(make({ inputSize: 2, outputSize: 2, seed: -1 })).toThrow(/argument 'seed'.*got -1/);
    expect(make({ inputSize: 2, outputSize: 2, rng: 42 })).toThrow(/argument 'rng' must be an Rng/);
    expect(make({ inputSize: 2, outputSize: 2, useBias: 'yes' })).toThrow(/argument 'useBias'/);
    expect(make({ inputSize: 2, outputSize: 2, units: 3 })).toThrow(
      /Dense: unknown option 'units'/,
    );
    expect(make({ inputSize: 2, outputSize: 2, name: 'a/b' })).toThrow(InvalidArgumentError);
    expect(() => new Dense(undefined as never)).toThrow(
      /Dense: argument 'options' must be an options object/,
    );
  });
});
