import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { values } from '../test/support.js';
import { trainValidationSplit } from './split.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('trainValidationSplit', () => {
  it('holds out ⌈fraction · n⌉ shuffled rows and keeps the rest, disjoint and complete', async () => {
    const x = tf.tidy(() => tf.reshape(tf.range(0, 30), [30, 1]));
    const split = trainValidationSplit(x, { validationFraction: 0.1, seed: 1 });
    expect(split.validation.shape).toEqual([3, 1]);
    expect(split.train.shape).toEqual([27, 1]);
    const v = await values(split.validation);
    const t = await values(split.train);
    expect(v).toEqual(Array.from(split.validationIndices));
    expect(t).toEqual(Array.from(split.trainIndices));
    expect([...v, ...t].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(t).not.toEqual([...t].sort((a, b) => a - b));
    const quarter = trainValidationSplit(x, { validationFraction: 0.25 });
    expect(quarter.validationIndices).toHaveLength(8);
    tf.dispose([x, split.train, split.validation, quarter.train, quarter.validation]);
  });

  it('is reproducible from a seed or Rng, and keeps the last rows without shuffling', async () => {
    const x = tf.tidy(() => tf.reshape(tf.range(0, 10), [10, 1]));
    const a = trainValidationSplit(x, { validationFraction: 0.3, seed: 2 });
    const b = trainValidationSplit(x, { validationFraction: 0.3, rng: Rng.fromSeed(2) });
    expect(a.validationIndices).toEqual(b.validationIndices);
    const c = trainValidationSplit(x, { validationFraction: 0.3, shuffle: false });
    expect(Array.from(c.validationIndices)).toEqual([7, 8, 9]);
    expect(await values(c.train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    tf.dispose([x, a.train, a.validation, b.train, b.validation, c.train, c.validation]);
  });

  it('splits labels consistently through the indices and leaks nothing', async () => {
    const x = tf.tidy(() => tf.reshape(tf.range(0, 8), [8, 1]));
    const labels = tf.range(100, 108, 1, 'int32');
    const split = trainValidationSplit(x, { validationFraction: 0.5, seed: 3 });
    const trainLabels = tf.gather(labels, split.trainIndices);
    expect((await values(trainLabels)).map((l) => l - 100)).toEqual(await values(split.train));
    await expectNoLeak(() => trainValidationSplit(x, { seed: 4, validationFraction: 0.5 }));
    tf.dispose([x, labels, trainLabels, split.train, split.validation]);
  });

  it('rejects bad input with typed errors naming the argument', () => {
    const x = tf.zeros([5, 2]);
    const cases: [() => unknown, RegExp][] = [
      [
        () => trainValidationSplit(x, { validationFraction: 1 }),
        /trainValidationSplit: argument 'validationFraction' must be in \(0, 1\), got 1/,
      ],
      [() => trainValidationSplit(x, { validationFraction: 0 }), /got 0/],
      [
        () => trainValidationSplit(x, { validationFraction: 0.99 }),
        /argument 'x' must have enough rows .* got a float32 tensor of shape \[5, 2\]/,
      ],
      [() => trainValidationSplit(x, { fraction: 0.2 } as never), /unknown option 'fraction'/],
      [
        () => trainValidationSplit(x, { shuffle: 1 } as never),
        /argument 'shuffle' must be a boolean, got 1/,
      ],
      [() => trainValidationSplit('x' as never), /argument 'x' must be a live tf.Tensor, got "x"/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
    x.dispose();
  });
});
