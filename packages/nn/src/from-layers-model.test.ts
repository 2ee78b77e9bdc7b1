import { InvalidArgumentError, initBackend, isNetwork, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGradientsMatchFiniteDifferences, values } from '../test/support.js';
import { fromLayersModel } from './from-layers-model.js';

/** 3 → 5 (tanh) → 2, the output layer named by the user. */
const mlp = () =>
  tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 5, inputShape: [3], activation: 'tanh' }),
      tfl.layers.dense({ units: 2, name: 'out' }),
    ],
  });

/** A functional model with an input layer, batch norm and a nested sequential model. */
const nested = () => {
  const input = tfl.input({ shape: [3] });
  const h = mlp().apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  const y = tfl.layers.dense({ units: 1 }).apply(b) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: y });
};

describeBackends('fromLayersModel', ({ tolerance }) => {
  it("apply(x) equals the model's predict(x)", async () => {
    const model = mlp();
    const net = fromLayersModel(model);
    const x = Rng.fromSeed(1).normal([7, 3]);
    const y = net.apply(x);
    const expected = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([7, 2]);
    expectClose(y, expected, { atol: tolerance, rtol: tolerance });
    expect(await values(tf.sub(y, expected))).not.toContain(Number.NaN);
    tf.dispose([x, y, expected]);
    net.dispose();
  });

  it('gradients w.r.t. the input and every trainable variable match finite differences', () => {
    const net = fromLayersModel(mlp());
    const x = Rng.fromSeed(2).normal([4, 3]);
    expectGradientsMatchFiniteDifferences(net, x, { eps: 1e-2, atol: 3e-3, rtol: 3e-3 });
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(net.apply(x))) as tf.Scalar,
      net.trainableVariables,
    );
    expect(Object.keys(grads).sort()).toEqual(net.trainableVariables.map((v) => v.name).sort());
    tf.dispose([x, value, grads]);
    net.dispose();
  });
});

describe('fromLayersModel', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('names weights <layer>/<role> the same way for two identically built models', () => {
    const [a, b] = [fromLayersModel(mlp()), fromLayersModel(mlp())];
    const names = Object.keys(a.namedWeights());
    expect(names).toEqual(['0/kernel', '0/bias', 'out/kernel', 'out/bias']);
    expect(Object.keys(b.namedWeights())).toEqual(names);
    // tfjs-layers' own names carry a global counter and differ.
    expect(a.trainableVariables[0]!.name).not.toBe(b.trainableVariables[0]!.name);

    const [c, d] = [fromLayersModel(nested()), fromLayersModel(nested())];
    const expected = [
      '1/0/kernel',
      '1/0/bias',
      '1/out/kernel',
      '1/out/bias',
      '2/gamma',
      '2/beta',
      '2/moving_mean',
      '2/moving_variance',
      '3/kernel',
      '3/bias',
    ];
    expect(Object.keys(c.namedWeights())).toEqual(expected);
    expect(Object.keys(d.namedWeights())).toEqual(expected);
    // Moving averages are weights (checkpointed) but not trainable.
    expect(c.trainableVariables).toHaveLength(8);
    for (const n of [a, b, c, d]) n.dispose();
  });

  it('is a Network: getWeights/setWeights round-trip into a second instance exactly', async () => {
    const [a, b] = [fromLayersModel(nested()), fromLayersModel(nested())];
    expect(isNetwork(a)).toBe(true);
    const x = Rng.fromSeed(3).normal([6, 3]);
    tf.dispose(a.apply(x)); // moves a's batch-norm moving averages away from b's
    const w = a.getWeights();
    b.setWeights(w);
    const wb = b.getWeights();
    for (const name of Object.keys(w))
      expect(await values(wb[name]!)).toEqual(await values(w[name]!));
    const [ya, yb] = [a.apply(x), b.apply(x)];
    expect(await values(yb)).toEqual(await values(ya));
    // The caller keeps its tensors: disposing them frees nothing b still uses.
    tf.dispose(w);
    expect(await values(b.apply(x))).toEqual(await values(ya));
    tf.dispose([x, ya, yb, wb]);
    a.dispose();
    b.dispose();
  });

  it('trainableVariables follow layer.trainable', () => {
    const model = mlp();
    const net = fromLayersModel(model);
    expect(net.trainableVariables).toHaveLength(4);
    model.layers[0]!.trainable = false;
    expect(net.trainableVariables.map((v) => v.shape)).toEqual([[5, 2], [2]]);
    net.dispose();
  });

  it('makes no tensors beyond its results, and dispose() frees the model', async () => {
    const live = tf.memory().numTensors;
    const net = fromLayersModel(nested());
    const x = Rng.fromSeed(4).normal([5, 3]);
    await expectNoLeak(() => net.apply(x));
    await expectNoLeak(() => tf.dispose(net.getWeights()));
    await expectNoLeak(() => {
      const w = net.getWeights();
      net.setWeights(w);
      tf.dispose(w);
    });
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(net.apply(x)) as tf.Scalar,
        net.trainableVariables,
      );
      tf.dispose([value, grads]);
    });
    net.dispose();
    net.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(live);
  });

  it('rejects bad input with typed errors, assigning nothing on a bad setWeights', async () => {
    expect(() => fromLayersModel({} as never)).toThrow(
      /fromLayersModel: argument 'model'.*tf.LayersModel/,
    );
    const unbuilt = tfl.sequential();
    expect(() => fromLayersModel(unbuilt)).toThrow(/must know its input shape/);
    const input = tfl.input({ shape: [2] });
    const twoHeads = tfl.model({
      inputs: input,
      outputs: [
        tfl.layers.dense({ units: 1 }).apply(input) as tfl.SymbolicTensor,
        tfl.layers.dense({ units: 1 }).apply(input) as tfl.SymbolicTensor,
      ],
    });
    expect(() => fromLayersModel(twoHeads)).toThrow(/exactly one input and one output/);
    twoHeads.dispose();
    const clash = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 2, inputShape: [2], name: '1' }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    expect(() => fromLayersModel(clash)).toThrow(/'1\/'.*not a number/);
    clash.dispose();
    expect(() => fromLayersModel(mlp(), { train: true } as never)).toThrow(InvalidArgumentError);
    expect(() => fromLayersModel(mlp(), { training: 1 } as never)).toThrow(/'options.training'/);

    const net = fromLayersModel(mlp());
    expect(() => net.apply(tf.zeros([2, 4]))).toThrow(ShapeMismatchError);
    expect(() => net.apply(tf.zeros([2, 4]))).toThrow(
      "LayersNetwork.apply: argument 'x' must have shape [n, 3], got [2, 4]",
    );
    expect(() => net.apply('x' as never)).toThrow(/argument 'x' must be a live tf.Tensor/);
    const before = net.getWeights();
    const bad = { ...net.getWeights() };
    bad['out/bias'] = tf.zeros([3]);
    bad['0/kernel'] = tf.fill([3, 5], 7);
    expect(() => net.setWeights(bad)).toThrow(ShapeMismatchError);
    expect(() => net.setWeights(bad)).toThrow(/weight 'out\/bias' has shape \[2\], got \[3\]/);
    const { 'out/bias': _, ...missing } = bad;
    expect(() => net.setWeights(missing)).toThrow(/missing \[out\/bias\], unexpected \[\]/);
    expect(() => net.setWeights({ ...before, extra: tf.zeros([1]) })).toThrow(
      /unexpected \[extra\]/,
    );
    expect(() => net.setWeights({ ...before, '0/bias': tf.zeros([5], 'int32') })).toThrow(
      /weights\['0\/bias'\].*dtype float32/,
    );
    const after = net.getWeights();
    for (const name of Object.keys(before)) {
      expect(await values(after[name]!)).toEqual(await values(before[name]!));
    }
    net.dispose();
    expect(() => net.apply(tf.zeros([1, 3]))).toThrow(/has been disposed/);
    expect(() => net.getWeights()).toThrow(
      /LayersNetwork.getWeights: the network has been disposed/,
    );
    expect(isNetwork(net)).toBe(false);
    tf.dispose([before, bad, after]);
  });
});
