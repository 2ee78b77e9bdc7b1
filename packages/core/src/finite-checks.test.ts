import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import {
  allOnHost,
  assertFiniteTensor,
  assertFiniteTensorAsync,
  finiteChecksEnabled,
  setFiniteChecks,
  withoutFiniteChecks,
} from './finite-checks.js';
import { describeBackends, expectNoLeak } from './testing/index.js';

afterEach(() => setFiniteChecks(true));

describeBackends('finite checks', () => {
  it.each([
    ['NaN', Number.NaN],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
  ])('reject %s, naming the function and argument, sync and async', async (_, bad) => {
    const x = tf.tensor2d([
      [1, 2],
      [3, bad],
    ]);
    expect(() => assertFiniteTensor('Normal.logProb', 'x', x)).toThrow(InvalidArgumentError);
    expect(() => assertFiniteTensor('Normal.logProb', 'x', x)).toThrow(
      "Normal.logProb: argument 'x' must not contain NaN or infinite values, got a float32 tensor of shape [2, 2]",
    );
    await expect(assertFiniteTensorAsync('fit', 'data', x)).rejects.toThrow(
      "fit: argument 'data' must not contain NaN",
    );
    x.dispose();
  });

  it('accept finite, huge, empty, integer and boolean tensors without leaking', async () => {
    const tensors = [
      tf.tensor1d([0, -3.4e38, 3.4e38, 1e-45]),
      tf.zeros([0, 3]),
      tf.tensor1d([1, 2], 'int32'),
      tf.tensor1d([true, false], 'bool'),
    ];
    await expectNoLeak(async () => {
      for (const t of tensors) {
        assertFiniteTensor('f', 'x', t);
        await assertFiniteTensorAsync('f', 'x', t);
      }
    });
    tf.dispose(tensors);
  });

  it('are skipped while turned off, globally or in a scope that restores them', () => {
    const x = tf.tensor1d([Number.NaN]);
    setFiniteChecks(false);
    expect(finiteChecksEnabled()).toBe(false);
    expect(() => assertFiniteTensor('f', 'x', x)).not.toThrow();
    setFiniteChecks(true);
    expect(withoutFiniteChecks(() => finiteChecksEnabled())).toBe(false);
    expect(() =>
      withoutFiniteChecks(() => {
        throw new Error('inner');
      }),
    ).toThrow('inner');
    expect(finiteChecksEnabled()).toBe(true);
    expect(() => assertFiniteTensor('f', 'x', x)).toThrow(InvalidArgumentError);
    x.dispose();
  });

  it('are skipped on a GPU backend (no synchronous read there)', async () => {
    // A stand-in 'webgl' backend (a cpu backend under that name, no kernels): only the name counts.
    const previous = tf.getBackend();
    tf.registerBackend('webgl', tf.findBackendFactory('cpu')!);
    try {
      await tf.setBackend('webgl');
      const x = tf.tensor1d([Number.NaN]);
      expect(finiteChecksEnabled()).toBe(false);
      expect(() => assertFiniteTensor('f', 'x', x)).not.toThrow();
      x.dispose();
    } finally {
      await tf.setBackend(previous);
      tf.removeBackend('webgl');
    }
    expect(finiteChecksEnabled()).toBe(true);
  });

  it('allOnHost reads one verdict and frees every intermediate', async () => {
    const x = tf.tensor1d([0, 1, 1]);
    await expectNoLeak(() => {
      expect(allOnHost(() => tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1)))).toBe(true);
      expect(allOnHost(() => tf.greater(x, 0))).toBe(false);
    });
    x.dispose();
  });

  it('refuse a non-boolean switch', () => {
    expect(() => setFiniteChecks('no' as never)).toThrow(
      "setFiniteChecks: argument 'enabled' must be a boolean",
    );
  });
});
