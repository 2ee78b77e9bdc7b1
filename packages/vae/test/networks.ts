import { type NamedTensors, type Network, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A hand-written network with its own tf.variables, x ↦ tanh(x W₁ + b₁) W₂ + b₂, initialised from
 * `seed`: nothing but the `Network` members, for the bring-your-own-network tests.
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
