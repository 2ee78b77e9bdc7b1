import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { curvedData } from '../test/support.js';
import { BatchNorm } from './batch-norm.js';
import { AffineCoupling } from './coupling/affine-coupling.js';
import { Flow } from './flow/flow.js';
import { standardNormal } from './flow/standard-normal.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Per-column mean and population variance in float64. */
function columnMoments(rows: number[][]): { mean: number[]; variance: number[] } {
  const n = rows.length;
  const mean = rows[0]!.map((_, j) => rows.reduce((a, r) => a + r[j]!, 0) / n);
  const variance = mean.map((m, j) => rows.reduce((a, r) => a + (r[j]! - m) ** 2, 0) / n);
  return { mean, variance };
}

describe('BatchNorm bijector', () => {
  it('training mode: normalises with the batch statistics and moves the running averages', () => {
    const bn = new BatchNorm({ dim: 3, momentum: 0.25, epsilon: 1e-3 });
    const y = curvedData(64, 3, 2);
    const rows = y.arraySync() as number[][];
    const { mean, variance } = columnMoments(rows);
    const { x, logDet } = bn.inverseAndLogDet(y);
    const want = rows.map((r) => r.map((v, j) => (v - mean[j]!) / Math.sqrt(variance[j]! + 1e-3)));
    expectClose(x, want, { atol: 1e-4, rtol: 1e-4 });
    const ld = -0.5 * variance.reduce((a, v) => a + Math.log(v + 1e-3), 0);
    expectClose(logDet, Array(64).fill(ld), { atol: 1e-4, rtol: 1e-5 });
    expectClose(
      bn.runningMean,
      mean.map((m) => 0.25 * m),
      { atol: 1e-5, rtol: 1e-5 },
    );
    expectClose(
      bn.runningVariance,
      variance.map((v) => 0.75 + 0.25 * v),
      {
        atol: 1e-5,
        rtol: 1e-5,
      },
    );
    // One row, and forward, use the running averages: an exact round trip.
    const row = tf.slice(y, [0, 0], [1, 3]);
    const back = bn.forward(bn.inverse(row));
    expectClose(back, row, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([y, x, logDet, row, back]);
    bn.dispose();
  });

  it('evaluation mode is affine in the running averages and round-trips any batch', () => {
    const bn = new BatchNorm({ dim: 3 });
    const y = curvedData(32, 3, 4);
    bn.inverse(y).dispose();
    bn.eval();
    expect(bn.training).toBe(false);
    const before = tf.clone(bn.runningMean);
    const x = bn.inverse(y);
    // No update in evaluation mode.
    expectClose(bn.runningMean, before, { atol: 0, rtol: 0 });
    expectClose(bn.forward(x), y, { atol: 1e-4, rtol: 1e-4 });
    expect(bn.train().training).toBe(true);
    tf.dispose([y, x, before]);
    bn.dispose();
  });

  it('checkpoints the running averages: setWeights and loadModel restore them', async () => {
    const flow = new Flow({
      base: standardNormal(3),
      transforms: [new AffineCoupling({ dim: 3, seed: 1 }), new BatchNorm({ dim: 3 })],
    });
    const data = curvedData(64, 3, 5);
    const optimizer = tf.train.adam(0.01);
    for (let i = 0; i < 5; i++)
      optimizer.minimize(() => flow.loss(data), false, flow.trainableVariables);
    const bn = flow.transforms[1] as BatchNorm;
    // Not trainable, but saved.
    expect(flow.trainableVariables).not.toContain(bn.runningMean);
    expect(Object.keys(flow.getWeights())).toContain('transforms/1/batchNorm/runningVariance');
    bn.eval();
    const loaded = await loadModel<Flow>(modelToSafetensors(flow));
    (loaded.transforms[1] as BatchNorm).eval();
    expectClose((loaded.transforms[1] as BatchNorm).runningMean, bn.runningMean, {
      atol: 0,
      rtol: 0,
    });
    expectClose(loaded.logProb(data), flow.logProb(data), { atol: 0, rtol: 0 });
    await expectNoLeak(() => {
      bn.train();
      const l = flow.loss(data);
      bn.eval();
      return [l, flow.logProb(data), flow.sample(3, Rng.fromSeed(1))];
    });
    optimizer.dispose();
    data.dispose();
    flow.dispose();
    loaded.dispose();
  });

  it('rejects bad options and running averages with typed errors', () => {
    expect(() => new BatchNorm({ dim: 2, momentum: 0 })).toThrow(
      "BatchNorm: argument 'momentum' must be a finite number > 0, got 0",
    );
    expect(() => new BatchNorm({ dim: 2, momentum: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new BatchNorm({ dim: 2, epsilon: -1 })).toThrow(
      "BatchNorm: argument 'epsilon' must be a finite number > 0",
    );
    const bn = new BatchNorm({ dim: 2 });
    const weights = bn.getWeights();
    const wrong = tf.zeros([3]);
    expect(() => bn.setWeights({ ...weights, 'batchNorm/runningMean': wrong })).toThrow(
      "BatchNorm.setWeights: argument 'weights['batchNorm/runningMean']' must be a tensor of shape [2]",
    );
    tf.dispose([Object.values(weights), wrong]);
    bn.dispose();
  });
});
