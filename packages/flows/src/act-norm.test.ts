import { InvalidArgumentError } from '@gen/core';
import { describeBackends, expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { curvedData } from '../test/support.js';
import { ActNorm } from './act-norm.js';

/** Data with very different scales and offsets per coordinate. */
const scaled = (n: number, seed: number) =>
  tf.tidy(() => tf.add(tf.mul(curvedData(n, 3, seed), [10, 0.01, 3]), [5, -2, 0.5]));

describeBackends('ActNorm', () => {
  it('initialize gives the inverse zero mean and unit variance per coordinate', () => {
    const b = new ActNorm({ dim: 3 });
    const data = tf.reshape(scaled(400, 1), [4, 100, 3]);
    b.initialize(data);
    expect(b.initialized).toBe(true);
    const { x, logDet } = b.inverseAndLogDet(data);
    const { mean, variance } = tf.moments(tf.reshape(x, [-1, 3]), 0);
    // Centred up to float32 rounding of the offsets relative to the std: coordinate 1 sits at −2
    // with std ≈ 0.007, so one ulp of −2 (2.4e-7) is already 3.4e-5 after scaling.
    expectClose(mean, [0, 0, 0], { atol: 2e-4, rtol: 0 });
    // std/(std + 1e-6): the epsilon moves the variance of the 0.01-scaled coordinate by ≈ 3e-4.
    expectClose(variance, [1, 1, 1], { atol: 1e-3, rtol: 0 });
    expect(logDet.shape).toEqual([4, 100]);
    tf.dispose([data, x, logDet, mean, variance]);
    b.dispose();
  });

  it('initialises itself on the first inverse pass with >= 2 rows, and only then', () => {
    const b = new ActNorm({ dim: 3 });
    const first = scaled(200, 2);
    const other = scaled(200, 3);
    tf.dispose([b.forward(first), b.inverse(tf.ones([1, 3]))]);
    expect(b.initialized).toBe(false);
    tf.dispose(b.inverse(first));
    expect(b.initialized).toBe(true);
    const shift = tf.clone(b.shift);
    tf.dispose(b.inverseAndLogDet(other));
    expectClose(b.shift, shift, { atol: 0, rtol: 0 });
    const { variance } = tf.moments(b.inverse(first), 0);
    expectClose(variance, [1, 1, 1], { atol: 1e-3, rtol: 0 });
    tf.dispose([first, other, shift, variance]);
    b.dispose();
  });

  it('stays the identity with dataInit: false and counts setWeights as initialised', () => {
    const fixed = new ActNorm({ dim: 3, dataInit: false });
    const data = scaled(50, 4);
    expectClose(fixed.inverse(data), data, { atol: 0, rtol: 0 });
    const copy = new ActNorm({ dim: 3 });
    const weights = fixed.getWeights();
    copy.setWeights(weights);
    expect(copy.initialized).toBe(true);
    expectClose(copy.inverse(data), data, { atol: 0, rtol: 0 });
    expect(copy.isConstantJacobian).toBe(true);
    tf.dispose([data, weights]);
    fixed.dispose();
    copy.dispose();
  });

  it('rejects batches it cannot initialise from', () => {
    const b = new ActNorm({ dim: 2 });
    expect(() => b.initialize(tf.ones([1, 2]))).toThrow(
      "ActNorm.initialize: argument 'y' must hold at least 2 rows, got a float32 tensor of shape [1, 2]",
    );
    expect(() =>
      b.initialize(
        tf.tensor2d([
          [1, Number.NaN],
          [2, 3],
        ]),
      ),
    ).toThrow("ActNorm.initialize: argument 'y' must be finite, got NaN at flat index 1");
    expect(() => new ActNorm({ dim: 2, dataInit: 1 as never })).toThrow(InvalidArgumentError);
    expect(b.initialized).toBe(false);
    b.dispose();
  });
});
