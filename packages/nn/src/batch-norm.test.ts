import { InvalidArgumentError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectGradientsMatchFiniteDifferences } from '../test/support.js';
import { BatchNorm } from './batch-norm.js';
import { Module } from './module.js';
import { fromSafetensors, toSafetensors } from './safetensors.js';

/** Per-feature mean, biased and unbiased variance of rows `[n][features]`, in float64. */
function stats(rows: number[][]) {
  const n = rows.length;
  const f = rows[0]!.length;
  const mean = Array.from({ length: f }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const ss = mean.map((m, j) => rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0));
  return { mean, biased: ss.map((s) => s / n), unbiased: ss.map((s) => s / (n - 1)) };
}

const ROWS = [
  [1, -2, 0.5],
  [3, 0, 0.25],
  [-1, 4, 2],
  [5, 2, -1.5],
];
const SCALE = [2, 0.5, -1];
const OFFSET = [0.1, -0.3, 1];

function withAffine(bn: BatchNorm, running?: { mean: number[]; variance: number[] }): void {
  const w = {
    'batchNorm/scale': tf.tensor1d(SCALE),
    'batchNorm/offset': tf.tensor1d(OFFSET),
    'batchNorm/runningMean': tf.tensor1d(running?.mean ?? [0, 0, 0]),
    'batchNorm/runningVariance': tf.tensor1d(running?.variance ?? [1, 1, 1]),
  };
  bn.setWeights(w);
  tf.dispose(Object.values(w));
}

const expected = (rows: number[][], mean: number[], variance: number[], eps: number) =>
  rows.map((r) =>
    r.map((v, j) => SCALE[j]! * ((v - mean[j]!) / Math.sqrt(variance[j]! + eps)) + OFFSET[j]!),
  );

describeBackends('BatchNorm', ({ tolerance }) => {
  const close = { atol: 10 * tolerance, rtol: 10 * tolerance };

  it('normalises by the batch mean and biased variance in training mode (closed form)', () => {
    const bn = new BatchNorm({ features: 3, epsilon: 1e-3 });
    withAffine(bn);
    const x = tf.tensor2d(ROWS);
    const y = bn.apply(x);
    const { mean, biased } = stats(ROWS);
    expectClose(y, tf.tensor2d(expected(ROWS, mean, biased, 1e-3)), close);
    tf.dispose([x, y]);
    bn.dispose();
  });

  it('moves the running statistics by momentum, the variance with Bessel’s correction', () => {
    const bn = new BatchNorm({ features: 3, momentum: 0.25 });
    const x = tf.tensor2d(ROWS);
    tf.dispose([bn.apply(x), bn.apply(x)]);
    const { mean, unbiased } = stats(ROWS);
    // Two updates from (0, 1): r₂ = (1 − m)²·r₀ + (1 − (1 − m)²)·batch.
    const keep = 0.75 ** 2;
    expectClose(bn.runningMean, tf.tensor1d(mean.map((m) => (1 - keep) * m)), close);
    expectClose(bn.runningVariance, tf.tensor1d(unbiased.map((v) => keep + (1 - keep) * v)), close);
    x.dispose();
    bn.dispose();
  });

  it('uses the running statistics in inference mode and leaves them alone', async () => {
    const running = { mean: [0.5, -1, 2], variance: [4, 0.25, 1.5] };
    const bn = new BatchNorm({ features: 3 });
    withAffine(bn, running);
    expect(bn.setTraining(false)).toBe(bn);
    expect(bn.training).toBe(false);
    const x = tf.tensor2d(ROWS);
    const y = bn.apply(x);
    expectClose(y, tf.tensor2d(expected(ROWS, running.mean, running.variance, 1e-5)), close);
    // Each row alone gives its row of the batch result: no batch statistics are involved.
    const one = tf.tensor2d([ROWS[2]!]);
    const yOne = bn.apply(one);
    expectClose(yOne, tf.slice(y, [2, 0], [1, 3]), close);
    expect(Array.from(await bn.runningMean.data())).toEqual(running.mean);
    tf.dispose([x, y, one, yOne]);
    bn.dispose();
  });

  it('normalises NHWC images per channel over batch, height and width', () => {
    const bn = new BatchNorm({ features: 3 });
    withAffine(bn);
    const x = Rng.fromSeed(3).normal([2, 2, 3, 3], 1, 2);
    const rows = tf.tidy(() => tf.reshape(x, [-1, 3]).arraySync() as number[][]);
    const { mean, biased } = stats(rows);
    const y = bn.apply(x);
    expectClose(y, tf.tensor4d(expected(rows, mean, biased, 1e-5).flat(), [2, 2, 3, 3]), close);
    tf.dispose([x, y]);
    bn.dispose();
  });

  it('has finite-difference gradients in training and inference mode', () => {
    const bn = new BatchNorm({ features: 3 });
    withAffine(bn, { mean: [0.5, -1, 2], variance: [4, 0.25, 1.5] });
    const x = Rng.fromSeed(5).normal([6, 3]);
    expectGradientsMatchFiniteDifferences(bn, x, { atol: 2e-2, rtol: 2e-2 });
    bn.setTraining(false);
    expectGradientsMatchFiniteDifferences(bn, x, { atol: 2e-2, rtol: 2e-2 });
    x.dispose();
    bn.dispose();
  });
});

describe('BatchNorm state', () => {
  it('keeps the running statistics out of trainableVariables but in get/setWeights', () => {
    const bn = new BatchNorm({ features: 4 });
    expect(Object.keys(bn.namedWeights())).toEqual(['batchNorm/scale', 'batchNorm/offset']);
    expect(bn.trainableVariables).toEqual([bn.scale, bn.offset]);
    expect(Object.keys(bn.namedBuffers())).toEqual([
      'batchNorm/runningMean',
      'batchNorm/runningVariance',
    ]);
    expect(bn.runningMean.trainable).toBe(false);
    expect(bn.numParameters()).toBe(8);
    const w = bn.getWeights();
    expect(Object.keys(w)).toEqual([
      'batchNorm/scale',
      'batchNorm/offset',
      'batchNorm/runningMean',
      'batchNorm/runningVariance',
    ]);
    tf.dispose(Object.values(w));
    bn.dispose();
  });

  it('round-trips through safetensors: the loaded copy infers identically', async () => {
    const trained = new BatchNorm({ features: 3, momentum: 0.5 });
    const x = Rng.fromSeed(1).normal([8, 3], 2, 3);
    tf.dispose(trained.apply(x));
    const weights = trained.getWeights();
    const bytes = toSafetensors(weights);
    tf.dispose(Object.values(weights));
    const loaded = new BatchNorm({ features: 3, momentum: 0.5 });
    const { weights: read } = fromSafetensors(bytes);
    loaded.setWeights(read);
    tf.dispose(Object.values(read));
    trained.setTraining(false);
    loaded.setTraining(false);
    const a = trained.apply(x);
    const b = loaded.apply(x);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    expect(Array.from(await loaded.runningVariance.data())).toEqual(
      Array.from(await trained.runningVariance.data()),
    );
    tf.dispose([x, a, b]);
    trained.dispose();
    loaded.dispose();
  });

  it('setTraining reaches every child module', () => {
    class Pair extends Module {
      readonly a = this.addModule('a', new BatchNorm({ features: 2, name: 'a' }));
      readonly b = this.addModule('b', new BatchNorm({ features: 2, name: 'b' }));
      apply(x: tf.Tensor): tf.Tensor {
        return tf.tidy(() => this.b.apply(this.a.apply(x)));
      }
    }
    const pair = new Pair('pair');
    expect([pair.training, pair.a.training, pair.b.training]).toEqual([true, true, true]);
    pair.setTraining(false);
    expect([pair.training, pair.a.training, pair.b.training]).toEqual([false, false, false]);
    expect(Object.keys(pair.getWeights())).toContain('pair/b/runningVariance');
    pair.dispose();
  });

  it('rejects bad options, shapes and modes with typed errors naming the argument', () => {
    expect(() => new BatchNorm({ features: 0 })).toThrow(/BatchNorm.*'features'/);
    expect(() => new BatchNorm({ features: 2, momentum: 0 })).toThrow(/'momentum'.*\(0, 1\]/);
    expect(() => new BatchNorm({ features: 2, momentum: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new BatchNorm({ features: 2, epsilon: -1 })).toThrow(/'epsilon'/);
    expect(() => new BatchNorm({ features: 2, eps: 1 } as never)).toThrow(/eps/);
    expect(() => new BatchNorm(null as never)).toThrow(/'options'/);
    const bn = new BatchNorm({ features: 2 });
    const wrong = tf.zeros([4, 3]);
    expect(() => bn.apply(wrong)).toThrow(ShapeMismatchError);
    const single = tf.zeros([1, 2]);
    expect(() => bn.apply(single)).toThrow(/BatchNorm.apply.*'x'.*more than one value/);
    bn.setTraining(false);
    tf.dispose(bn.apply(single));
    expect(() => bn.setTraining('no' as never)).toThrow(/setTraining.*'training'/);
    tf.dispose([wrong, single]);
    bn.dispose();
    expect(() => bn.apply(single)).toThrow(/disposed/);
  });

  it('leaks nothing in either mode, under a gradient, or when built and disposed', async () => {
    await expectNoLeak(() => {
      const bn = new BatchNorm({ features: 3 });
      const x = tf.ones([4, 2, 2, 3]);
      tf.dispose(bn.apply(x));
      const g = tf.grad((input: tf.Tensor) => tf.sum(tf.square(bn.apply(input))))(x);
      bn.setTraining(false);
      tf.dispose([g, bn.apply(x), x]);
      bn.dispose();
    });
  });
});
