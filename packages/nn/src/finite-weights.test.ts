import { InvalidArgumentError, initBackend, setFiniteChecks } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { values } from '../test/support.js';
import { fromLayersModel } from './from-layers-model.js';
import { Mlp } from './mlp.js';
import { NetworkParts } from './network-parts.js';

const BAD = [
  ['NaN', Number.NaN],
  ['+Inf', Number.POSITIVE_INFINITY],
  ['-Inf', Number.NEGATIVE_INFINITY],
] as const;

/** The module's weights with element 1 of `name` replaced by `value`; the caller disposes. */
function poisoned(mlp: Mlp, name: string, value: number): tf.NamedTensorMap {
  const weights = mlp.getWeights();
  const flat = Array.from(weights[name]!.dataSync());
  flat[1] = value;
  const shape = weights[name]!.shape;
  weights[name]!.dispose();
  weights[name] = tf.tensor(flat, shape);
  return weights;
}

describe('non-finite weights are refused', () => {
  beforeAll(() => initBackend('cpu'));
  afterEach(() => setFiniteChecks(true));

  it.each(BAD)(
    'Module.setWeights refuses %s, naming the weight, and changes nothing',
    async (_, bad) => {
      const mlp = new Mlp({ inputSize: 2, hiddenSizes: [3], outputSize: 1, seed: 0, name: 'm' });
      const before = mlp.getWeights();
      const weights = poisoned(mlp, 'm/dense1/kernel', bad);
      await expectNoLeak(() => {
        expect(() => mlp.setWeights(weights)).toThrow(InvalidArgumentError);
        expect(() => mlp.setWeights(weights)).toThrow(
          "Module.setWeights: argument 'weights['m/dense1/kernel']' must not contain NaN or infinite values",
        );
      });
      const after = mlp.getWeights();
      for (const name of Object.keys(before)) {
        expect(await values(after[name]!)).toEqual(await values(before[name]!));
      }
      tf.dispose([before, after, weights]);
      mlp.dispose();
    },
  );

  it('Module.setWeights accepts huge finite weights, and non-finite ones with the checks off', async () => {
    const mlp = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 1, seed: 0, name: 'm' });
    const weights = poisoned(mlp, 'm/dense0/kernel', 3.4e38);
    mlp.setWeights(weights);
    const nan = poisoned(mlp, 'm/dense0/kernel', Number.NaN);
    setFiniteChecks(false);
    mlp.setWeights(nan);
    expect(Number.isNaN((await values(mlp.namedWeights()['m/dense0/kernel']!))[1])).toBe(true);
    tf.dispose([weights, nan]);
    mlp.dispose();
  });

  it.each(BAD)('NetworkParts.set refuses %s before assigning any part', async (_, bad) => {
    const a = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 1, seed: 0, name: 'a' });
    const b = new Mlp({ inputSize: 1, hiddenSizes: [], outputSize: 2, seed: 1, name: 'b' });
    const parts = new NetworkParts('Pair', { a, b });
    const weights = parts.get();
    const bias = weights['b/b/dense0/bias']!;
    weights['b/b/dense0/bias'] = tf.tensor1d([0, bad]);
    bias.dispose();
    const kernel = weights['a/a/dense0/kernel']!;
    weights['a/a/dense0/kernel'] = tf.zerosLike(kernel);
    kernel.dispose();
    expect(() => parts.set('Pair.setWeights', weights)).toThrow(
      "Pair.setWeights: argument 'weights['b/b/dense0/bias']' must not contain NaN",
    );
    expect(await values(a.namedWeights()['a/dense0/kernel']!)).not.toEqual([0, 0]);
    tf.dispose(weights);
    a.dispose();
    b.dispose();
  });

  it('NetworkParts refuses unknown and mistyped options', () => {
    const a = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 1, seed: 0 });
    expect(() => new NetworkParts('P', { a }, { keepPrefix: true } as never)).toThrow(
      "NetworkParts: unknown option 'keepPrefix'",
    );
    expect(() => new NetworkParts('P', { a }, { keepPrefixed: 1 } as never)).toThrow(
      InvalidArgumentError,
    );
    expect(() => new NetworkParts('P', { a }, null as never)).toThrow(InvalidArgumentError);
    a.dispose();
  });

  it.each(BAD)(
    'fromLayersModel refuses a model holding %s, and LayersNetwork.setWeights too',
    (_, bad) => {
      const model = tfl.sequential({
        layers: [tfl.layers.dense({ units: 2, inputShape: [3], name: 'out' })],
      });
      const good = fromLayersModel(model);
      const weights = good.getWeights();
      const bias = weights['out/bias']!;
      weights['out/bias'] = tf.tensor1d([bad, 0]);
      bias.dispose();
      expect(() => good.setWeights(weights)).toThrow(
        "LayersNetwork.setWeights: argument 'weights['out/bias']' must not contain NaN",
      );
      model.layers[0]!.setWeights([weights['out/kernel']!, weights['out/bias']!]);
      expect(() => fromLayersModel(model)).toThrow(
        `fromLayersModel: argument 'model.weights["out/bias"]' must not contain NaN`,
      );
      tf.dispose(weights);
      model.dispose();
    },
  );
});
