import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import { fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpen, values } from '../../test/support.js';
import { PixelCnn } from './pixel-cnn.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The values of a tensor, which is then freed. */
async function read(t: tf.Tensor): Promise<number[]> {
  const v = await values(t);
  t.dispose();
  return v;
}

/**
 * 128 binary 4×4 images with one-hot labels: class 0 has its top half on with probability 0.9
 * and its bottom half with 0.1, class 1 the reverse.
 */
function halves(seed: number) {
  const rng = Rng.fromSeed(seed);
  const labels = Array.from({ length: 128 }, (_, i) => i % 2);
  const pixels = labels.flatMap((k) =>
    Array.from({ length: 16 }, (_, i) => {
      const top = i < 8;
      return rng.float() < (top === (k === 0) ? 0.9 : 0.1) ? 1 : 0;
    }),
  );
  return {
    x: tf.tensor2d(pixels, [128, 16]),
    condition: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 2), 'float32')),
    labels,
  };
}

const tiny = { height: 4, width: 4, channels: 8, layers: 2, kernelSize: 3 } as const;

describe('conditional PixelCnn (conditionSize)', () => {
  it('gated blocks learn p(x | class): draws per class are classified as it by nearest centre, and logProb prefers the true label', async () => {
    const data = halves(0);
    const model = new PixelCnn({ ...tiny, blocks: 'gated', conditionSize: 2, seed: 1 });
    await fit(
      model,
      { x: data.x, condition: data.condition },
      {
        epochs: 6,
        batchSize: 32,
        learningRate: 0.02,
        rng: Rng.fromSeed(2),
      },
    );
    // Nearest centre: the class whose mean image is closer.
    const centres = [0, 1].map((k) =>
      Array.from({ length: 16 }, (_, i) => (i < 8 === (k === 0) ? 0.9 : 0.1)),
    );
    const classify = (row: number[]) => {
      const d = centres.map((c) => c.reduce((s, v, i) => s + (v - row[i]!) ** 2, 0));
      return d[0]! <= d[1]! ? 0 : 1;
    };
    for (const k of [0, 1]) {
      const onehot = tf.tensor2d([[k === 0 ? 1 : 0, k === 1 ? 1 : 0]]);
      const drawn = await read(model.sample(40, Rng.fromSeed(3 + k), { condition: onehot }));
      const rows = Array.from({ length: 40 }, (_, r) => drawn.slice(16 * r, 16 * r + 16));
      const correct = rows.filter((row) => classify(row) === k).length;
      expect(correct, `class ${k}`).toBeGreaterThanOrEqual(36);
      onehot.dispose();
    }
    const swapped = tf.reverse(data.condition, 1);
    const right = await read(model.logProb(data.x, { condition: data.condition }));
    const wrong = await read(model.logProb(data.x, { condition: swapped }));
    const preferred = right.filter((v, i) => v > wrong[i]!).length;
    expect(preferred).toBeGreaterThanOrEqual(120);
    tf.dispose([data.x, data.condition, swapped]);
    model.dispose();
  });

  it('masked layers take the condition as a per-layer bias; a [1, C] condition is shared', async () => {
    const model = new PixelCnn({ ...tiny, conditionSize: 3, seed: 4 });
    sharpen(model, 2, 0.3);
    const x = tf.tidy(() => tf.cast(tf.less(Rng.fromSeed(5).uniform([2, 16]), 0.5), 'float32'));
    const one = tf.tensor2d([[0, 1, 0]]);
    const both = tf.tensor2d([
      [0, 1, 0],
      [0, 1, 0],
    ]);
    const other = tf.tensor2d([
      [1, 0, 0],
      [1, 0, 0],
    ]);
    const shared = await read(model.logProb(x, { condition: one }));
    const rows = await read(model.logProb(x, { condition: both }));
    const changed = await read(model.logProb(x, { condition: other }));
    shared.forEach((v, i) => {
      expect(v).toBeCloseTo(rows[i]!, 5);
    });
    expect(Math.abs(changed[0]! - rows[0]!)).toBeGreaterThan(1e-3);
    const weights = model.getWeights();
    expect(Object.keys(weights).slice(0, 3)).toEqual([
      'pixelCnn/conv0/kernel',
      'pixelCnn/conv0/bias',
      'pixelCnn/condition0/kernel',
    ]);
    tf.dispose([x, one, both, other, Object.values(weights)]);
    model.dispose();
  });

  it('leaks nothing, and a training loop keeps its tensor count', async () => {
    const all = halves(6);
    // Eight rows are enough to see a leak.
    const data = {
      x: tf.slice(all.x, 0, 8),
      condition: tf.slice(all.condition, 0, 8),
    };
    tf.dispose([all.x, all.condition]);
    const model = new PixelCnn({
      ...tiny,
      blocks: 'gated',
      likelihood: 'categorical256',
      conditionSize: 2,
    });
    const batch = { x: data.x, condition: data.condition };
    const c = tf.tensor2d([[1, 0]]);
    await expectNoLeak(
      () => new PixelCnn({ ...tiny, blocks: 'gated', conditionSize: 2 }).dispose(),
      'new + dispose',
    );
    await expectNoLeak(() => model.logProb(data.x, { condition: data.condition }), 'logProb');
    await expectNoLeak(() => model.apply(data.x, { condition: data.condition }), 'apply');
    await expectNoLeak(() => model.loss(batch), 'loss');
    await expectNoLeak(() => model.sample(2, Rng.fromSeed(0), { condition: c }), 'sample');
    await expectNoLeak(
      () => tf.variableGrads(() => model.loss(batch), model.trainableVariables),
      'gradients',
    );
    const optimizer = tf.train.adam(0.01);
    const counts: number[] = [];
    for (let step = 0; step < 4; step++) {
      optimizer.minimize(() => model.loss(batch), false, model.trainableVariables);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(1)).size, `tensors per step: ${counts}`).toBe(1);
    optimizer.dispose();
    tf.dispose([data.x, data.condition, c]);
    model.dispose();
  });

  it('the safetensors file records blocks, likelihood, components and conditionSize', async () => {
    const options = {
      ...tiny,
      blocks: 'gated',
      likelihood: 'discretizedLogistic',
      components: 2,
      conditionSize: 2,
      seed: 7,
    } as const;
    const model = new PixelCnn(options);
    sharpen(model, 1.5, 0.2);
    const again = await loadModel<PixelCnn>(modelToSafetensors(model));
    expect(again).toBeInstanceOf(PixelCnn);
    expect(again.toConfig().options).toEqual(options);
    expect([again.blocks, again.likelihood, again.conditionSize]).toEqual([
      'gated',
      'discretizedLogistic',
      2,
    ]);
    const x = Rng.fromSeed(8).uniform([3, 16]);
    const c = tf.tensor2d([[1, 0]]);
    expect(await read(again.logProb(x, { condition: c }))).toEqual(
      await read(model.logProb(x, { condition: c })),
    );
    tf.dispose([x, c]);
    model.dispose();
    again.dispose();
  });
});

describe('PixelCnn options and conditions: typed errors', () => {
  it('constructor options', () => {
    const cases: [unknown, RegExp][] = [
      [
        { blocks: 'resnet' },
        /PixelCnn: argument 'blocks' must be one of 'masked', 'gated', got "resnet"/,
      ],
      [
        { likelihood: 'gaussian' },
        /PixelCnn: argument 'likelihood' must be one of 'bernoulli', 'categorical256', 'discretizedLogistic', got "gaussian"/,
      ],
      [
        { components: 3 },
        /PixelCnn: argument 'components' applies to likelihood 'discretizedLogistic' only, got 3/,
      ],
      [
        { likelihood: 'discretizedLogistic', components: 0 },
        /PixelCnn: argument 'components' must be an integer >= 1, got 0/,
      ],
      [
        { conditionSize: 1.5 },
        /PixelCnn: argument 'conditionSize' must be an integer >= 1, got 1.5/,
      ],
    ];
    for (const [options, message] of cases) {
      expect(() => new PixelCnn(options as never)).toThrow(InvalidArgumentError);
      expect(() => new PixelCnn(options as never)).toThrow(message);
    }
  });

  it('conditions where none belong, missing or misshapen, and grey values outside [0, 1]', () => {
    const plain = new PixelCnn({ ...tiny, likelihood: 'categorical256' });
    const conditional = new PixelCnn({ ...tiny, conditionSize: 2 });
    const x = tf.zeros([2, 16]);
    const c = tf.zeros([2, 2]);
    const wide = tf.zeros([2, 3]);
    const big = tf.fill([2, 16], 1.5);
    expect(() => plain.loss({ x, condition: c })).toThrow(
      /PixelCnn.loss: argument 'batch' must be a tensor: the model is unconditional/,
    );
    expect(() => plain.sample(1, Rng.fromSeed(0), { condition: c })).toThrow(
      /PixelCnn.sample: argument 'options.condition' applies to a conditional model only/,
    );
    expect(() => conditional.loss(x)).toThrow(
      /PixelCnn.loss: argument 'batch' must be \{ x, condition \} with condition \[n, 2\]: the model is conditional/,
    );
    expect(() => conditional.sample(1, Rng.fromSeed(0))).toThrow(
      /PixelCnn.sample: argument 'options.condition' is required: the model is conditional \(conditionSize 2\)/,
    );
    expect(() => conditional.logProb(x, { condition: wide })).toThrow(ShapeMismatchError);
    expect(() => conditional.logProb(x, { condition: wide })).toThrow(
      /PixelCnn.logProb: argument 'options.condition' must have shape \[2, 2\] or \[1, 2\], got \[2, 3\]/,
    );
    expect(() => conditional.logProb(x, { conditions: c } as never)).toThrow(
      /PixelCnn.logProb: unknown option 'conditions'/,
    );
    expect(() => plain.logProb(big)).toThrow(
      /PixelCnn.logProb: argument 'x' must hold only values in \[0, 1\]/,
    );
    expect(() => plain.loss(big)).toThrow(
      /PixelCnn.loss: argument 'batch' must hold only values in \[0, 1\]/,
    );
    tf.dispose([x, c, wide, big]);
    plain.dispose();
    conditional.dispose();
  });
});
