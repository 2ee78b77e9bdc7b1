import {
  InvalidArgumentError,
  initBackend,
  Rng,
  ShapeMismatchError,
  withoutFiniteChecks,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { values } from '../../test/support.js';
import { PixelCnn } from './pixel-cnn.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** 128 images of 4×4 pixels, each all horizontal or all vertical stripes of random phase. */
function stripes(seed: number): tf.Tensor2D {
  const rng = Rng.fromSeed(seed);
  const rows: number[][] = [];
  for (let k = 0; k < 128; k++) {
    const vertical = rng.float() < 0.5;
    const phase = rng.int(2);
    const image: number[] = [];
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) image.push(((vertical ? c : r) + phase) % 2);
    }
    rows.push(image);
  }
  return tf.tensor2d(rows);
}

const small = { height: 4, width: 4, channels: 8, layers: 3, kernelSize: 3 };

describe('PixelCnn training and memory', () => {
  it('fit drives the NLL of a 4-image family from 16 log 2 = 11.1 nats towards log 4 = 1.39', async () => {
    const x = stripes(0);
    const model = new PixelCnn({ ...small, seed: 1 });
    const nll = async () => {
      const lp = model.logProb(x);
      const v = await values(lp);
      lp.dispose();
      return -v.reduce((a, b) => a + b, 0) / v.length;
    };
    const before = await nll();
    await fit(model, x, { epochs: 40, batchSize: 32, learningRate: 0.01, rng: Rng.fromSeed(2) });
    const after = await nll();
    expect(before).toBeGreaterThan(9);
    expect(after).toBeLessThan(2);
    x.dispose();
    model.dispose();
  });

  it('a training loop keeps the number of tensors constant from step to step', () => {
    const x = stripes(1);
    const model = new PixelCnn({ ...small, seed: 3 });
    const optimizer = tf.train.adam(0.01);
    const counts: number[] = [];
    for (let step = 0; step < 5; step++) {
      optimizer.minimize(() => model.loss(x), false, model.trainableVariables);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(1)).size, `tensors per step: ${counts}`).toBe(1);
    optimizer.dispose();
    x.dispose();
    model.dispose();
  });

  it('leaks no tensors from any method, and dispose frees everything', async () => {
    const x = stripes(2);
    await expectNoLeak(() => new PixelCnn(small).dispose(), 'constructor + dispose');
    const model = new PixelCnn(small);
    const images = tf.reshape(x, [-1, 4, 4, 1]);
    await expectNoLeak(() => model.logProb(x), 'logProb of [n, 16]');
    await expectNoLeak(() => model.logProb(images), 'logProb of [n, 4, 4, 1]');
    await expectNoLeak(() => model.loss(x), 'loss');
    await expectNoLeak(() => model.apply(images), 'apply');
    await expectNoLeak(() => model.sample(3, Rng.fromSeed(0)), 'sample');
    await expectNoLeak(
      () => tf.variableGrads(() => model.loss(x), model.trainableVariables),
      'gradient of loss',
    );
    const weights = model.getWeights();
    expect(Object.keys(weights).slice(0, 3)).toEqual([
      'pixelCnn/conv0/kernel',
      'pixelCnn/conv0/bias',
      'pixelCnn/conv1/kernel',
    ]);
    tf.dispose([x, images, Object.values(weights)]);
    model.dispose();
  });
});

describe('PixelCnn rejects bad input with typed errors', () => {
  it('constructor options', () => {
    const cases: [unknown, RegExp][] = [
      [{ kernelSize: 4 }, /PixelCnn: argument 'kernelSize' must be odd \(a centre pixel\), got 4/],
      [{ kernelSize: 1 }, /PixelCnn: argument 'kernelSize' must be an integer >= 3, got 1/],
      [{ layers: 0 }, /PixelCnn: argument 'layers' must be an integer >= 1, got 0/],
      [{ height: -2 }, /PixelCnn: argument 'height' must be an integer >= 1, got -2/],
      [{ channel: 3 }, /PixelCnn: unknown option 'channel'/],
      [{ validateArgs: 1 }, /PixelCnn: argument 'validateArgs' must be a boolean, got 1/],
      ['big', /PixelCnn: argument 'options' must be an options object, got "big"/],
    ];
    for (const [options, message] of cases) {
      expect(() => new PixelCnn(options as never)).toThrow(InvalidArgumentError);
      expect(() => new PixelCnn(options as never)).toThrow(message);
    }
  });

  it('images of the wrong shape, dtype or values; bad sample arguments; disposal', () => {
    const model = new PixelCnn(small);
    const wrong = tf.zeros([2, 15]);
    const ints = tf.zeros([2, 16], 'int32');
    const grey = tf.fill([2, 16], 0.5);
    expect(() => model.logProb(wrong)).toThrow(ShapeMismatchError);
    expect(() => model.logProb(wrong)).toThrow(
      /PixelCnn.logProb: argument 'x' must be a float32 tensor of shape \[batch, 16\] or \[batch, 4, 4, 1\], got a float32 tensor of shape \[2, 15\]/,
    );
    expect(() => model.loss(ints)).toThrow(
      /PixelCnn.loss: argument 'batch' must be a float32 tensor/,
    );
    expect(() => model.logProb(grey)).toThrow(
      /PixelCnn.logProb: argument 'x' must hold only 0 and 1/,
    );
    expect(() => model.loss(grey)).toThrow(
      /PixelCnn.loss: argument 'batch' must hold only 0 and 1/,
    );
    tf.dispose(withoutFiniteChecks(() => model.loss(grey)));
    expect(() => model.sample(0, Rng.fromSeed(0))).toThrow(
      /PixelCnn.sample: argument 'n' must be an integer >= 1, got 0/,
    );
    expect(() => model.sample(1, null as never)).toThrow(
      /PixelCnn.sample: argument 'rng' must be an Rng/,
    );
    const unchecked = new PixelCnn({ ...small, validateArgs: false });
    tf.dispose(unchecked.logProb(grey));
    unchecked.dispose();
    model.dispose();
    expect(() => model.loss(grey)).toThrow(/PixelCnn.loss: module 'pixelCnn' has been disposed/);
    tf.dispose([wrong, ints, grey]);
  });
});
