import { InvalidArgumentError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileTensor,
  makeTensor,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

// The harness must be able to fail: each way a public function can break the fuzz contract is
// caught here.
describe('fuzz harness', () => {
  it('passes typed errors and finite results', async () => {
    await expect(
      expectTypedOrFinite(() => {
        throw new InvalidArgumentError('f: bad');
      }),
    ).resolves.toBe('threw');
    await expect(expectTypedOrFinite(() => ({ a: tf.scalar(1), b: [2, 3] }))).resolves.toBe(
      'returned',
    );
    await expect(
      expectTypedOrFinite(() => tf.scalar(Number.NEGATIVE_INFINITY), { allowInfinite: true }),
    ).resolves.toBe('returned');
  });

  it('fails on raw errors, NaN or Inf results and leaks', async () => {
    await expect(
      expectTypedOrFinite(() => {
        throw new TypeError('x is undefined');
      }),
    ).rejects.toThrow('got a raw TypeError: x is undefined');
    await expect(expectTypedOrFinite(() => tf.scalar(Number.NaN))).rejects.toThrow('non-finite');
    await expect(
      expectTypedOrFinite(() => tf.scalar(Number.NaN), { allowInfinite: true }),
    ).rejects.toThrow('non-finite');
    await expect(expectTypedOrFinite(() => 1 / 0)).rejects.toThrow('non-finite');
    const leaked: tf.Tensor[] = [];
    await expect(
      expectTypedOrFinite(() => {
        leaked.push(tf.scalar(1));
        return 0;
      }),
    ).rejects.toThrow('leaked');
    tf.dispose(leaked);
    await expect(expectTypedError(() => 1, 'f')).rejects.toThrow('the call returned');
    await expect(
      expectTypedError(() => {
        throw new InvalidArgumentError('g: bad');
      }, 'Normal.logProb'),
    ).rejects.toThrow();
  });

  it('generates tensors of the requested kind and unknown option keys', () => {
    fc.assert(
      fc.property(hostileTensor({ finite: true }), withUnknownKey({ steps: 1 }), (spec, opts) => {
        const t = makeTensor(spec);
        expect(t.shape).toEqual(spec.shape);
        expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
        t.dispose();
        expect(Object.keys(opts).length).toBe(2);
      }),
      FUZZ,
    );
  });
});
