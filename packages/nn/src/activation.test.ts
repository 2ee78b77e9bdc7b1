import { InvalidArgumentError } from '@gen/core';
import { describeBackends, expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { type Activation, getActivation } from './activation.js';

const xs = [-3, -0.5, 0, 0.25, 2, 30];

const reference: [Activation, (x: number) => number][] = [
  ['none', (x) => x],
  ['relu', (x) => Math.max(x, 0)],
  ['leakyRelu', (x) => (x >= 0 ? x : 0.2 * x)],
  [{ name: 'leakyRelu', slope: 0.01 }, (x) => (x >= 0 ? x : 0.01 * x)],
  ['tanh', Math.tanh],
  ['elu', (x) => (x >= 0 ? x : Math.expm1(x))],
  ['softplus', (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x))],
];

describeBackends('getActivation', ({ tolerance }) => {
  for (const [spec, f] of reference) {
    it(`${JSON.stringify(spec)} matches its formula elementwise and keeps the shape`, () => {
      const x = tf.tensor2d(xs, [2, 3]);
      const y = getActivation(spec)(x);
      expect(y.shape).toEqual([2, 3]);
      expectClose(y, tf.tensor2d(xs.map(f), [2, 3]), { atol: tolerance, rtol: tolerance });
      tf.dispose([x, y]);
    });
  }

  it('rejects unknown names with a typed error naming the argument and value', () => {
    expect(() => getActivation('gelu' as never)).toThrow(InvalidArgumentError);
    expect(() => getActivation('gelu' as never)).toThrow(
      /getActivation: argument 'activation' must be one of .*'relu'.*, got "gelu"/,
    );
  });

  it('rejects a leakyRelu spec with a non-finite slope or another name', () => {
    expect(() => getActivation({ name: 'leakyRelu', slope: Number.NaN })).toThrow(
      /getActivation: argument 'activation.slope' must be a finite number, got NaN/,
    );
    expect(() => getActivation({ name: 'relu', slope: 1 } as never)).toThrow(
      /argument 'activation.name' must be 'leakyRelu', got "relu"/,
    );
  });
});
