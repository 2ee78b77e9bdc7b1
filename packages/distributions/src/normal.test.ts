import { GenError, initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Normal } from './normal.js';

describe('Normal', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('logProb matches the closed form and broadcasts x against the batch', () => {
    const d = new Normal({ loc: [0, 1], scale: [1, 2] });
    // log N(0.5 | 0, 1) = −0.125 − ½ log 2π; log N(0.5 | 1, 2) = −1/32 − log 2 − ½ log 2π
    const h = 0.5 * Math.log(2 * Math.PI);
    expectClose(d.logProb(tf.tensor2d([[0.5, 0.5]])), [[-0.125 - h, -1 / 32 - Math.log(2) - h]]);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([]);
    d.dispose();
  });

  it('rsample gradients flow into parameters computed from variables', () => {
    const loc = tf.variable(tf.scalar(1));
    const logScale = tf.variable(tf.scalar(0));
    const g = tf.variableGrads(
      () =>
        tf.mean(
          new Normal({ loc, scale: tf.exp(logScale), validateArgs: false }).rsample(
            1000,
            Rng.fromSeed(1),
          ),
        ) as tf.Scalar,
    );
    expectClose(g.grads[loc.name]!, 1, { atol: 1e-5 });
    tf.dispose([loc, logScale, g.value, ...Object.values(g.grads)]);
  });

  it('rejects a negative scale with a typed error naming it', () => {
    expect(() => new Normal({ loc: 0, scale: -1 })).toThrow(GenError);
    expect(() => new Normal({ loc: 0, scale: [1, -1] })).toThrow(
      /Normal: argument 'scale' must be > 0, got -1/,
    );
  });

  it('does not leak', async () => {
    await expectNoLeak(() => {
      const d = new Normal({ loc: [0, 1], scale: 2 });
      const x = tf.zeros([2]);
      const out = [x, d.sample(3, Rng.fromSeed(2)), d.logProb(x), d.entropy()];
      d.dispose();
      return out;
    });
  });
});
