import { type NamedTensors, type Network, Rng } from '@gen/core';
import { fromLayersModel, type LayersNetwork } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

// Networks that are not @gen/nn Modules, for the bring-your-own-network tests.

/**
 * A hand-written network with its own tf.variables: x ↦ tanh(x W₁ + b₁) W₂ + b₂, initialised from
 * `seed`. Nothing but the `Network` members.
 */
export function plainNetwork(
  inputSize: number,
  hiddenSize: number,
  outputSize: number,
  seed: number,
): Network {
  const rng = Rng.fromSeed(seed);
  const w1 = tf.variable(rng.normal([inputSize, hiddenSize], 0, 1 / Math.sqrt(inputSize)));
  const b1 = tf.variable(tf.zeros([hiddenSize]));
  const w2 = tf.variable(rng.normal([hiddenSize, outputSize], 0, 1 / Math.sqrt(hiddenSize)));
  const b2 = tf.variable(tf.zeros([outputSize]));
  const named: Record<string, tf.Variable> = { w1, b1, w2, b2 };
  return {
    apply: (x) => tf.tidy(() => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), b2)),
    trainableVariables: [w1, b1, w2, b2],
    getWeights: () => Object.fromEntries(Object.entries(named).map(([k, v]) => [k, tf.clone(v)])),
    setWeights: (weights: NamedTensors) => {
      for (const [k, v] of Object.entries(named)) v.assign(weights[k]!);
    },
    dispose: () => tf.dispose([w1, b1, w2, b2]),
  };
}

/** A tfjs-layers MLP inputSize → hidden (leaky ReLU) → outputSize with seeded initialisers. */
export function layersMlp(
  inputSize: number,
  hiddenSizes: readonly number[],
  outputSize: number,
  seed: number,
): LayersNetwork {
  const init = (i: number) => tfl.initializers.glorotUniform({ seed: seed * 100 + i });
  const layers: tfl.layers.Layer[] = [];
  hiddenSizes.forEach((units, i) => {
    layers.push(
      tfl.layers.dense({
        units,
        kernelInitializer: init(i),
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
      }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
    );
  });
  layers.push(
    tfl.layers.dense({
      units: outputSize,
      kernelInitializer: init(hiddenSizes.length),
      ...(hiddenSizes.length === 0 ? { inputShape: [inputSize] } : {}),
    }),
  );
  return fromLayersModel(tfl.sequential({ layers }));
}
