import { GenError, InvalidArgumentError, initBackend, ShapeMismatchError } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { numericalLogDerivative } from '../../test/jacobians.js';
import { Affine } from './affine.js';
import { BaseBijector, type BijectorOptions } from './bijector.js';
import { Exp } from './exp.js';
import { Permute } from './permute.js';
import { Scale } from './scale.js';
import { Shift } from './shift.js';
import { Sigmoid } from './sigmoid.js';
import { Softplus } from './softplus.js';
import { Tanh } from './tanh.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('bijector input validation', () => {
  it('rejects inputs outside the domain with a typed error naming method, argument and value', () => {
    expect(() => new Sigmoid().inverse([0.5, 1.5])).toThrow(
      "Sigmoid.inverse: argument 'y' must be in (0, 1), got 1.5 at flat index 1",
    );
    expect(() => new Sigmoid().inverseAndLogDet([0])).toThrow(InvalidArgumentError);
    expect(() => new Sigmoid().inverse([1])).toThrow(/must be in \(0, 1\), got 1 /);
    expect(() => new Exp().inverse([2, -1])).toThrow(
      "Exp.inverse: argument 'y' must be > 0, got -1 at flat index 1",
    );
    expect(() => new Softplus().inverseAndLogDet([0])).toThrow(
      /Softplus.inverseAndLogDet: argument 'y' must be > 0, got 0/,
    );
    expect(() => new Tanh().inverse([1.0001])).toThrow(/must be in \[-1, 1\], got 1.000/);
    expect(() => new Exp().forward([Number.NaN])).toThrow(
      /Exp.forward: argument 'x' must be finite, got NaN/,
    );
    expect(() => new Shift(1).forwardAndLogDet([Infinity])).toThrow(GenError);
  });

  it('rejects bad parameters at construction', () => {
    expect(() => new Scale([1, 0])).toThrow(
      "Scale: argument 'scale' must be non-zero (an invertible scale), got 0 at flat index 1",
    );
    expect(() => new Shift([Number.NaN])).toThrow(
      /Shift: argument 'shift' must be finite, got NaN/,
    );
    expect(() => new Affine({ scale: 1, scaleTril: [[1]] })).toThrow(/at most one of 'scale'/);
    expect(() => new Affine({ scale: 'x' as unknown as number })).toThrow(
      /argument 'scale' must be a number/,
    );
    expect(() => new Permute([0, 0, 2])).toThrow(
      /Permute: argument 'permutation' must be a permutation/,
    );
    expect(() => new Permute([])).toThrow(InvalidArgumentError);
  });

  it('checks event ranks and sizes', () => {
    expect(() => new Permute([1, 0]).forward(1)).toThrow(ShapeMismatchError);
    expect(() => new Permute([1, 0]).forward([1, 2, 3])).toThrow(
      "Permute.forward: argument 'x' must end with the permutation size 2, got shape [3]",
    );
    expect(() => new Scale([1, 2]).inverse([1, 2, 3])).toThrow(
      "Scale.inverse: argument 'y' of shape [3] does not broadcast against 'scale' of shape [2]",
    );
    const batched = new Affine({
      scaleTril: [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [2, 0],
          [0, 2],
        ],
      ],
    });
    expect(() => batched.forward(tf.ones([3, 2]))).toThrow(
      "Affine.forward: argument 'x' of shape [3] does not broadcast against 'scaleTril (batch)' of shape [2]",
    );
  });

  it('skips the value checks with validateArgs: false', () => {
    const y = new Sigmoid({ validateArgs: false }).inverse([1.5]);
    expect(Number.isNaN(y.dataSync()[0])).toBe(true);
    y.dispose();
  });
});

describe('Tanh near ±1', () => {
  it('clamps y = ±1 (tanh of |x| ≳ 9 in float32) to ±(1 − 2⁻²⁴): finite x and log-det', () => {
    const { x, logDet } = new Tanh().inverseAndLogDet([1, -1]);
    const edge = 0.5 * Math.log(2 ** 25 - 1); // atanh(1 − 2⁻²⁴)
    expectClose(x, [edge, -edge], { atol: 1e-5, rtol: 1e-6 });
    expectClose(logDet, [2 * Math.log(Math.cosh(edge)), 2 * Math.log(Math.cosh(edge))], {
      atol: 1e-4,
      rtol: 1e-6,
    });
    tf.dispose([x, logDet]);
  });
});

describe('gradients', () => {
  it('log-dets have finite gradients far into the tails', () => {
    const x = tf.tensor1d([-40, -15, 0, 15, 40]);
    for (const b of [new Sigmoid(), new Tanh(), new Softplus()]) {
      const g = tf.grad((v) => tf.sum(b.forwardAndLogDet(v).logDet))(x);
      expect(Array.from(g.dataSync()).every(Number.isFinite), b.name).toBe(true);
      g.dispose();
    }
    x.dispose();
  });

  it('flow into bijector parameters', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const s = tf.tensor1d([2, -1, 0.5]);
    // d/ds Σ (s·x + log|s|) = x + 1/s
    const g = tf.grad((v) => {
      const { y, logDet } = new Scale(v).forwardAndLogDet(x);
      return tf.add(tf.sum(y), tf.sum(logDet));
    })(s);
    expectClose(g, [1.5, 1, 5]);
    tf.dispose([x, s, g]);
  });
});

/** The subclass of BaseBijector's documentation: y = sinh(x). */
class Sinh extends BaseBijector {
  readonly eventRank = 0;
  readonly isConstantJacobian = false;
  constructor(options: BijectorOptions = {}) {
    super(options);
  }
  protected _forwardAndLogDet(x: tf.Tensor) {
    return { y: tf.sinh(x), logDet: tf.log(tf.cosh(x)) };
  }
  protected _inverseAndLogDet(y: tf.Tensor) {
    return { x: tf.asinh(y), logDet: tf.mul(-0.5, tf.log1p(tf.square(y))) };
  }
}

describe('a BaseBijector subclass of your own', () => {
  it('gets validation, tidy scopes and both directions from the base', () => {
    const b = new Sinh();
    const x = [-1.5, -0.2, 0.4, 2];
    const { y, logDet } = b.forwardAndLogDet(x);
    expectClose(
      logDet,
      numericalLogDerivative((v) => b.forward(v), x),
      { atol: 1e-3, rtol: 0 },
    );
    const back = b.inverseAndLogDet(y);
    expectClose(back.x, x, { atol: 1e-5, rtol: 1e-5 });
    expectClose(tf.add(back.logDet, logDet), 0, { atol: 1e-5, rtol: 0 });
    expect(b.name).toBe('Sinh');
    expect(() => b.forward([Number.NaN])).toThrow(
      "Sinh.forward: argument 'x' must be finite, got NaN at flat index 0",
    );
    expect(() => b.inverse('y' as never)).toThrow(/Sinh.inverse: argument 'y' must be a number/);
    tf.dispose([y, logDet, back.x, back.logDet]);
  });
});
