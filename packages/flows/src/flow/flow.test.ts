import { InvalidArgumentError, NotImplementedError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { Chain, TransformedDistribution } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { curvedData, maxAbsDiff, standardNormalLogProb } from '../../test/support.js';
import { ActNorm } from '../act-norm.js';
import { MaskedAutoregressive } from '../autoregressive/masked-autoregressive.js';
import { AffineCoupling } from '../coupling/affine-coupling.js';
import { Reverse } from '../reverse.js';
import { Flow } from './flow.js';
import { standardNormal } from './standard-normal.js';

const net = { hiddenSizes: [12], activation: 'tanh' as const };

/** A small 2-D flow moved off the identity by a few steps of training, ActNorm included. */
function trainedFlow(seed = 0): Flow {
  const flow = new Flow({
    base: standardNormal(2),
    transforms: [
      new AffineCoupling({ dim: 2, seed, ...net }),
      new Reverse(2),
      new MaskedAutoregressive({ dim: 2, seed: seed + 1, ...net }),
      new ActNorm({ dim: 2 }),
    ],
  });
  const data = curvedData(256, 2, 11);
  const optimizer = tf.train.adam(0.05);
  for (let s = 0; s < 10; s++)
    optimizer.minimize(() => flow.loss(data), true, flow.trainableVariables)?.dispose();
  tf.dispose(data);
  optimizer.dispose();
  return flow;
}

describeBackends('Flow', () => {
  it('logProb is the base density plus the inverse log-dets, transforms applied to z in order', () => {
    const flow = trainedFlow();
    const x = curvedData(5, 2, 3);
    let z: tf.Tensor = x;
    let total: tf.Tensor = tf.zeros([5]);
    for (const t of [...flow.transforms].reverse()) {
      const step = t.inverseAndLogDet(z);
      z = step.x;
      total = tf.add(total, step.logDet);
    }
    expectClose(flow.logProb(x), tf.add(standardNormalLogProb(z), total), {
      atol: 1e-5,
      rtol: 1e-5,
    });
    // TFP's Chain is in composition order, so the same flow is Chain(transforms reversed).
    const same = new TransformedDistribution({
      base: standardNormal(2),
      bijector: new Chain([...flow.transforms].reverse()),
    });
    expectClose(flow.logProb(x), same.logProb(x), { atol: 1e-5, rtol: 1e-5 });
    flow.dispose();
  });

  it('is a TransformedDistribution whose bijector is Chain(transforms reversed): transforms[0] acts first', () => {
    const flow = trainedFlow(8);
    expect(flow).toBeInstanceOf(TransformedDistribution);
    expect(flow.bijector).toBeInstanceOf(Chain);
    expect((flow.bijector as Chain).bijectors).toEqual([...flow.transforms].reverse());
    // Sampling pushes z through transforms[0] first, then transforms[1], …
    const z = Rng.fromSeed(2).normal([6, 2]);
    const byHand = flow.transforms.reduce((v: tf.Tensor, t) => t.forward(v), z);
    expectClose(flow.bijector.forward(z), byHand, { atol: 0, rtol: 0 });
    const reversedOrder = [...flow.transforms]
      .reverse()
      .reduce((v: tf.Tensor, t) => t.forward(v), z);
    expect(maxAbsDiff(reversedOrder, byHand)).toBeGreaterThan(1e-2);
    tf.dispose([z, byHand, reversedOrder]);
    flow.dispose();
  });

  it('has closed-form moments when every transform is affine, like TransformedDistribution', () => {
    const norm = new ActNorm({ dim: 2, dataInit: false });
    const flow = new Flow({ base: standardNormal(2), transforms: [norm] });
    const weights = {
      'actNorm/shift': tf.tensor1d([1, -2]),
      'actNorm/logScale': tf.tensor1d([Math.log(3), Math.log(0.5)]),
    };
    norm.setWeights(weights);
    // x = 3·z₀ + 1, 0.5·z₁ − 2: mean (1, −2), entropy of N(0, I₂) + log 3 + log 0.5.
    expectClose(flow.mean(), [1, -2], { atol: 1e-6, rtol: 1e-6 });
    expectClose(flow.entropy(), Math.log(2 * Math.PI * Math.E) + Math.log(1.5), {
      atol: 1e-5,
      rtol: 1e-6,
    });
    expect(() => flow.variance()).toThrow(NotImplementedError);
    tf.dispose(Object.values(weights));
    flow.dispose();
  });

  it('sampleAndLogProb agrees with sample and logProb, and rsample carries gradients', () => {
    const flow = trainedFlow(1);
    const { x, logProb } = flow.sampleAndLogProb(64, Rng.fromSeed(5));
    expect(x.shape).toEqual([64, 2]);
    expectClose(flow.logProb(x), logProb, { atol: 2e-4, rtol: 1e-4 });
    expectClose(flow.sample(64, Rng.fromSeed(5)), x, { atol: 1e-5, rtol: 1e-5 });
    const { grads } = tf.variableGrads(
      () => tf.sum(flow.rsample(8, Rng.fromSeed(1))) as tf.Scalar,
      flow.trainableVariables,
    );
    const sampleGrads = tf.variableGrads(
      () => tf.sum(flow.sample(8, Rng.fromSeed(1))) as tf.Scalar,
      flow.trainableVariables,
    );
    const norm = (g: Record<string, tf.Tensor>) =>
      Object.values(g).reduce((a, t) => a + tf.sum(tf.abs(t)).dataSync()[0]!, 0);
    expect(norm(grads)).toBeGreaterThan(0);
    expect(norm(sampleGrads.grads)).toBe(0);
    flow.dispose();
  });

  it('exposes every transform variable and round-trips weights by name', () => {
    const a = trainedFlow(2);
    const b = trainedFlow(3);
    const weights = a.getWeights();
    expect(Object.keys(weights)).toContain('transforms/0/affineCoupling/conditioner/dense0/kernel');
    expect(Object.keys(weights)).toContain('transforms/3/actNorm/logScale');
    expect(a.trainableVariables).toHaveLength(Object.keys(weights).length);
    b.setWeights(weights);
    const x = curvedData(7, 2, 4);
    expectClose(b.logProb(x), a.logProb(x), { atol: 0, rtol: 0 });
    const { 'transforms/3/actNorm/shift': _dropped, ...partial } = weights;
    expect(() => b.setWeights(partial)).toThrow(
      "Flow.setWeights: argument 'weights' must hold exactly the model's weights; missing [transforms/3/actNorm/shift], unexpected []",
    );
    tf.dispose([weights, x]);
    a.dispose();
    b.dispose();
  });

  it('has no closed-form moments and says how to estimate them', () => {
    const flow = trainedFlow(4);
    expect(() => flow.mean()).toThrow(NotImplementedError);
    expect(() => flow.entropy()).toThrow(
      /Flow.entropy: a normalizing flow has no closed-form entropy; estimate it from samples/,
    );
    expect(flow.eventShape).toEqual([2]);
    expect(flow.batchShape).toEqual([]);
    expect(Object.keys(flow.params)).toContain(
      'transforms.0.affineCoupling/conditioner/dense0/kernel',
    );
    flow.dispose();
  });

  it('rejects bad parts and inputs with typed errors', () => {
    const coupling = new AffineCoupling({ dim: 3 });
    expect(() => new Flow({ base: standardNormal(2), transforms: [coupling] })).toThrow(
      "Flow: transforms[0] has dim 3 but the base's event shape is [2]",
    );
    expect(() => new Flow({ base: {} as never, transforms: [coupling] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new Flow({ base: standardNormal(2), transforms: [] })).toThrow(
      /non-empty array of bijectors/,
    );
    expect(() => new Flow({ base: standardNormal(2), transforms: [{}] as never })).toThrow(
      "Flow: argument 'transforms[0]' must be a Bijector",
    );
    expect(
      () => new Flow({ base: standardNormal(2), transforms: [coupling], layers: 2 } as never),
    ).toThrow(/Flow: unknown option 'layers'/);
    coupling.dispose();
    const flow = trainedFlow(5);
    expect(() => flow.logProb(tf.zeros([3, 3]))).toThrow(ShapeMismatchError);
    expect(() => flow.logProb(tf.tensor2d([[0, Number.NaN]]))).toThrow(
      "Flow.logProb: argument 'x' must be finite, got NaN at flat index 1",
    );
    expect(() => flow.loss(tf.zeros([3]))).toThrow(
      "Flow.loss: argument 'x' must end with the event shape [2], got [3]",
    );
    expect(() => flow.loss('data' as never)).toThrow(
      `Flow.loss: argument 'batch' must be a live tf.Tensor, got "data"`,
    );
    expect(() => flow.sampleAndLogProb(0, Rng.fromSeed(0))).toThrow(
      "Flow.sampleAndLogProb: argument 'n' must be an integer >= 1, got 0",
    );
    flow.dispose();
  });

  it('does not leak in logProb, sampling, loss or training', async () => {
    const flow = trainedFlow(6);
    const data = curvedData(32, 2, 1);
    await expectNoLeak(() => [
      flow.logProb(data),
      flow.sample(4, Rng.fromSeed(0)),
      flow.sampleAndLogProb(4, Rng.fromSeed(0)),
      flow.loss(data),
      flow.getWeights(),
    ]);
    const optimizer = tf.train.adam(0.01);
    const counts: number[] = [];
    for (let s = 0; s < 4; s++) {
      optimizer.minimize(() => flow.loss(data), true, flow.trainableVariables)?.dispose();
      counts.push(tf.memory().numTensors);
    }
    // Adam's slots appear on the first step; after that the count is flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
    optimizer.dispose();
    data.dispose();
    await expectNoLeak(() => trainedFlow(7).dispose());
    flow.dispose();
  });
});
