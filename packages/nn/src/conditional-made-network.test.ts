import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConditionalMadeNetwork } from './conditional-made-network.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('ConditionalMadeNetwork', () => {
  it('output i depends on the condition and on the inputs before i only (exact zeros)', async () => {
    const net = new ConditionalMadeNetwork({
      inputSize: 4,
      hiddenSizes: [9, 9],
      outputsPerInput: 2,
      ordering: [2, 0, 3, 1],
      conditionSize: 3,
      activation: 'tanh',
      seed: 1,
    });
    const x = Rng.fromSeed(2).normal([3, 4]);
    const c = Rng.fromSeed(3).normal([3, 3]);
    const order = net.orderings[0]!;
    for (let unit = 0; unit < 8; unit++) {
      const i = unit % 4;
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.slice(net.applyWithCondition(a, b), [0, unit], [-1, 1])) as tf.Scalar;
      const [gx, gc] = tf.grads(f)([x, c]);
      const dx = await tf.sum(tf.abs(gx!), 0).data();
      const dc = await tf.sum(tf.abs(gc!), 0).data();
      for (let j = 0; j < 4; j++) {
        if (order[j]! >= order[i]!) expect(dx[j]).toBe(0);
        else expect(dx[j]).toBeGreaterThan(0);
      }
      for (const v of dc) expect(v).toBeGreaterThan(0);
      tf.dispose([gx!, gc!]);
    }
    // apply takes [x, c] as one tensor; a single condition row is shared by all rows.
    const joint = tf.concat([x, c], 1);
    expectClose(net.apply(joint), net.applyWithCondition(x, c), { atol: 1e-6, rtol: 1e-6 });
    const row = tf.slice(c, [1, 0], [1, 3]);
    expectClose(net.applyWithCondition(x, row), net.applyWithCondition(x, tf.tile(row, [3, 1])), {
      atol: 1e-6,
      rtol: 1e-6,
    });
    tf.dispose([x, c, joint, row]);
    net.dispose();
  });

  it('names its weights, starts at zero with zeroInitLast, and does not leak', async () => {
    const net = new ConditionalMadeNetwork({
      inputSize: 3,
      hiddenSizes: [5],
      conditionSize: 2,
      zeroInitLast: true,
      directConnections: true,
    });
    const weights = net.getWeights();
    expect(Object.keys(weights).sort()).toEqual([
      'made/context0/kernel',
      'made/context1/kernel',
      'made/direct/kernel',
      'made/masked0/bias',
      'made/masked0/kernel',
      'made/masked1/bias',
      'made/masked1/kernel',
    ]);
    const x = tf.ones([2, 3]);
    const c = tf.ones([2, 2]);
    expectClose(net.applyWithCondition(x, c), tf.zeros([2, 3]), { atol: 0, rtol: 0 });
    await expectNoLeak(() => net.applyWithCondition(x, c));
    await expectNoLeak(() =>
      new ConditionalMadeNetwork({ inputSize: 2, hiddenSizes: [3], conditionSize: 1 }).dispose(),
    );
    expect(() => net.applyWithCondition(x, tf.ones([3, 2]))).toThrow(ShapeMismatchError);
    expect(() => net.apply(x)).toThrow(
      "ConditionalMadeNetwork.apply: argument 'input' must have shape [..., 5], got [2, 3]",
    );
    expect(
      () => new ConditionalMadeNetwork({ inputSize: 2, hiddenSizes: [3], conditionSize: 0 }),
    ).toThrow(InvalidArgumentError);
    tf.dispose([Object.values(weights), x, c]);
    net.dispose();
  });
});
