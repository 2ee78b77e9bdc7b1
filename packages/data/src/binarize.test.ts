import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFraction, values } from '../test/support.js';
import { bernoulliBinarize } from './binarize.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('bernoulliBinarize', () => {
  it('turns each grey level p into 1 with probability p (4 SE), else 0', async () => {
    const probabilities = [0, 0.1, 0.5, 0.9, 1];
    const n = 4000;
    const x = tf.tidy(() => tf.tile(tf.tensor2d([probabilities]), [n, 1]));
    const b = bernoulliBinarize(x, Rng.fromSeed(1));
    expect(b.shape).toEqual([n, 5]);
    expect(b.dtype).toBe('float32');
    const v = await values(b);
    expect(v.every((e) => e === 0 || e === 1)).toBe(true);
    probabilities.forEach((p, j) => {
      const ones = v.filter((e, i) => i % 5 === j && e === 1).length;
      if (p === 0 || p === 1) expect(ones).toBe(p * n);
      else expectFraction(ones, n, p);
    });
    tf.dispose([x, b]);
  });

  it('is reproducible from the Rng state and differs between draws', async () => {
    const x = tf.fill([30, 30], 0.5);
    const rng = Rng.fromSeed(2);
    const first = bernoulliBinarize(x, rng);
    const second = bernoulliBinarize(x, rng);
    const again = bernoulliBinarize(x, Rng.fromSeed(2));
    expect(await values(first)).not.toEqual(await values(second));
    expect(await values(first)).toEqual(await values(again));
    tf.dispose([x, first, second, again]);
  });

  it('leaks nothing and rejects bad input', async () => {
    const x = tf.fill([3, 4], 0.5);
    await expectNoLeak(() => bernoulliBinarize(x, Rng.fromSeed(3)));
    expect(() => bernoulliBinarize([0.5] as never, Rng.fromSeed(3))).toThrow(
      /bernoulliBinarize: argument 'x' must be a live tf.Tensor, got \[0.5\]/,
    );
    expect(() => bernoulliBinarize(x, 42 as never)).toThrow(InvalidArgumentError);
    expect(() => bernoulliBinarize(x, 42 as never)).toThrow(
      /argument 'rng' must be an Rng .* got 42/,
    );
    x.dispose();
  });
});
