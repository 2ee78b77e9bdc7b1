import {
  InvalidArgumentError,
  initBackend,
  type NamedTensors,
  Rng,
  ShapeMismatchError,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpen, values } from '../../test/support.js';
import { Made } from './made.js';
import type { MadeOptions } from './made-options.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const D = 5;
const C = 3;

/** Four clusters on a circle of radius 3 (std 0.3), row i of class i mod 4, one-hot labels. */
function labelledClusters(n: number, seed: number) {
  const centres = [
    [3, 0],
    [0, 3],
    [-3, 0],
    [0, -3],
  ];
  const labels = Array.from({ length: n }, (_, i) => i % 4);
  return tf.tidy(() => {
    const noise = Rng.fromSeed(seed).normal([n, 2], 0, 0.3);
    const x = tf.add(tf.tensor2d(labels.map((k) => centres[k]!)), noise) as tf.Tensor2D;
    const condition = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32') as tf.Tensor2D;
    return { x, condition, centres, labels };
  });
}

/** The sum over rows of every parameter of the conditional of dimension i. */
function paramsOfDim(made: Made, x: tf.Tensor, c: tf.Tensor, i: number): tf.Scalar {
  const params = made.conditionalParams(x, { condition: c });
  const total = tf.addN(
    Object.values(params).map((p) =>
      tf.sum(p.rank === 2 ? tf.slice(p, [0, i], [-1, 1]) : tf.slice(p, [0, i, 0], [-1, 1, -1])),
    ),
  ) as tf.Scalar;
  return total;
}

describe('conditional Made (conditionSize)', () => {
  const cases: [string, MadeOptions][] = [
    ['Bernoulli, natural order', { inputSize: D, hiddenSizes: [12, 12], conditionSize: C }],
    [
      'Gaussian mixture, random order, direct connections',
      {
        inputSize: D,
        hiddenSizes: [16],
        likelihood: 'gaussian',
        components: 2,
        ordering: 'random',
        directConnections: true,
        conditionSize: C,
        seed: 5,
      },
    ],
  ];
  for (const [title, options] of cases) {
    it(`${title}: ∂θᵢ/∂x_j = 0 exactly for j not before i, and every θᵢ depends on c`, async () => {
      const made = new Made(options);
      sharpen(made, 2, 0.3);
      const x = Rng.fromSeed(1).normal([4, D]);
      const c = Rng.fromSeed(2).normal([4, C]);
      const ordering = made.orderings[0]!;
      for (let i = 0; i < D; i++) {
        const [gx, gc] = tf.grads((a: tf.Tensor, b: tf.Tensor) => paramsOfDim(made, a, b, i))([
          x,
          c,
        ]) as [tf.Tensor, tf.Tensor];
        const perInput = tf.sum(tf.abs(gx), 0);
        const dx = await values(perInput);
        for (let j = 0; j < D; j++) {
          if (ordering[j]! >= ordering[i]!) expect(dx[j]).toBe(0);
          else expect(dx[j]).toBeGreaterThan(1e-6);
        }
        const perCondition = tf.sum(tf.abs(gc), 0);
        for (const v of await values(perCondition)) expect(v).toBeGreaterThan(1e-6);
        tf.dispose([gx, gc, perInput, perCondition]);
      }
      tf.dispose([x, c]);
      made.dispose();
    });
  }

  it('learns a class-conditional density: class-k samples lie nearest centre k', async () => {
    const { x, condition, centres } = labelledClusters(256, 0);
    const made = new Made({
      inputSize: 2,
      hiddenSizes: [32],
      likelihood: 'gaussian',
      conditionSize: 4,
      seed: 1,
    });
    const before = made.loss({ x, condition });
    const optimizer = tf.train.adam(0.02);
    for (let step = 0; step < 150; step++) {
      optimizer.minimize(() => made.loss({ x, condition }), false, made.trainableVariables);
    }
    const after = made.loss({ x, condition });
    // Unconditionally the data has ≥ log 4 nats more entropy than given the class.
    expect((await values(after))[0]).toBeLessThan((await values(before))[0]! - 2);
    const wanted = Array.from({ length: 200 }, (_, i) => i % 4);
    const labels = tf.cast(tf.oneHot(tf.tensor1d(wanted, 'int32'), 4), 'float32');
    const drawn = made.sample(200, Rng.fromSeed(9), { condition: labels });
    const samples = await values(drawn);
    const hits = wanted.filter((k, r) => {
      const [a, b] = [samples[2 * r]!, samples[2 * r + 1]!];
      const d = centres.map(([u, v]) => (a - u!) ** 2 + (b - v!) ** 2);
      return d.indexOf(Math.min(...d)) === k;
    }).length;
    expect(hits / 200).toBeGreaterThanOrEqual(0.9);
    optimizer.dispose();
    tf.dispose([x, condition, before, after, labels, drawn]);
    made.dispose();
  });

  it('samples row i given condition row i with a pool of masks, and shares a [1, C] condition', async () => {
    const made = new Made({ inputSize: 4, hiddenSizes: [16], conditionSize: 2, numMasks: 3 });
    // Saturate the output biases' dependence on c: column 0 of c pushes every logit to +20,
    // column 1 to −20, so a row's bits reveal which condition row it was drawn with.
    const weights = made.getWeights();
    const name = 'made/network/context1/kernel';
    const kernel = tf.tensor2d([Array(4).fill(20), Array(4).fill(-20)]);
    const replaced: NamedTensors = { ...weights, [name]: kernel };
    made.setWeights(replaced);
    const condition = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
    const drawn = made.sample(6, Rng.fromSeed(3), { condition });
    expect(await values(drawn)).toEqual([
      1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0,
    ]);
    const one = tf.tensor2d([[0, 1]]);
    const shared = made.sample(3, Rng.fromSeed(4), { condition: one });
    expect(await values(shared)).toEqual(Array(12).fill(0));
    tf.dispose([Object.values(weights), kernel, condition, one, drawn, shared]);
    made.dispose();
  });

  it('records conditionSize for loadModel and round-trips weights', async () => {
    const made = new Made({ inputSize: D, hiddenSizes: [8], conditionSize: C, seed: 3 });
    sharpen(made, 1.5, 0.2);
    const loaded = await loadModel<Made>(modelToSafetensors(made));
    expect(loaded.conditionSize).toBe(C);
    expect(Object.keys(made.getWeights())).toContain('made/network/context0/kernel');
    const x = tf.tidy(() => tf.cast(tf.greater(Rng.fromSeed(4).uniform([6, D]), 0.5), 'float32'));
    const c = Rng.fromSeed(5).normal([6, C]);
    const a = made.logProb(x, { condition: c });
    const b = loaded.logProb(x, { condition: c });
    expect(await values(b)).toEqual(await values(a));
    tf.dispose([x, c, a, b]);
    made.dispose();
    loaded.dispose();
  });

  it('does not leak in loss, logProb, sample, conditionalParams and apply', async () => {
    const made = new Made({ inputSize: 3, hiddenSizes: [8], conditionSize: 2, numMasks: 2 });
    const x = tf.tensor2d([
      [0, 1, 1],
      [1, 0, 1],
    ]);
    const condition = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    await expectNoLeak(() => made.loss({ x, condition }, Rng.fromSeed(1)), 'loss');
    await expectNoLeak(() => made.logProb(x, { condition }), 'logProb');
    await expectNoLeak(() => made.sample(2, Rng.fromSeed(2), { condition }), 'sample');
    await expectNoLeak(() => made.conditionalParams(x, { condition }), 'conditionalParams');
    await expectNoLeak(() => made.apply(x, { condition }), 'apply');
    tf.dispose([x, condition]);
    made.dispose();
  });

  it('refuses a missing, unexpected or misshapen condition with typed errors', () => {
    const made = new Made({ inputSize: 3, hiddenSizes: [8], conditionSize: 2 });
    const plain = new Made({ inputSize: 3, hiddenSizes: [8] });
    const x = tf.zeros([4, 3]);
    const c = tf.zeros([4, 2]);
    const rng = Rng.fromSeed(0);
    expect(() => made.loss(x)).toThrow(
      "Made.loss: argument 'batch' must be { x, condition } with condition [n, 2]: the model is conditional, got a float32 tensor of shape [4, 3]",
    );
    expect(() => plain.loss({ x, condition: c })).toThrow(
      "Made.loss: argument 'batch' must be a tensor: the model is unconditional",
    );
    expect(() => made.sample(4, rng)).toThrow(
      "Made.sample: argument 'options.condition' is required: the model is conditional (conditionSize 2), got undefined",
    );
    expect(() => plain.logProb(x, { condition: c })).toThrow(InvalidArgumentError);
    const wide = tf.zeros([4, 3]);
    expect(() => made.logProb(x, { condition: wide })).toThrow(
      "Made.logProb: argument 'options.condition' must have shape [4, 2] or [1, 2], got [4, 3]",
    );
    expect(() => made.sample(3, rng, { condition: c })).toThrow(ShapeMismatchError);
    const bad = tf.tensor2d([
      [0, Number.NaN],
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
    expect(() => made.loss({ x, condition: bad })).toThrow(
      "Made.loss: argument 'batch.condition' must not contain NaN",
    );
    expect(() => new Made({ inputSize: 3, hiddenSizes: [8], conditionSize: 0 })).toThrow(
      "Made: argument 'conditionSize' must be an integer >= 1, got 0",
    );
    tf.dispose([x, c, wide, bad]);
    made.dispose();
    plain.dispose();
  });
});
