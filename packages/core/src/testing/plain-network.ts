import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors, Network } from '../interfaces.js';
import { Rng } from '../rng.js';

/** Options of {@link plainNetwork}. */
export interface PlainNetworkOptions {
  inputSize: number;
  outputSize: number;
  /** Width of the one hidden layer (default 8). */
  hiddenSize?: number;
  seed: number;
  /** Start the output layer at zero, e.g. so a coupling layer around it is the identity. */
  zeroOutput?: boolean;
}

/**
 * A hand-written {@link Network} with nothing but the interface's members and its own
 * tf.variables — no @gen/nn — to test that a model accepts any network:
 * x ↦ tanh(x·W₁ + b₁)·W₂ + b₂, W₁ (and W₂ unless `zeroOutput`) drawn N(0, 1/fan-in) from `seed`.
 */
export function plainNetwork(options: PlainNetworkOptions): Network {
  const { inputSize, outputSize, hiddenSize = 8, seed, zeroOutput = false } = options;
  const [first, second] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
  const named = tf.tidy(() => ({
    w1: tf.variable(first.normal([inputSize, hiddenSize], 0, 1 / Math.sqrt(inputSize))),
    b1: tf.variable(tf.zeros([hiddenSize])),
    w2: tf.variable(
      zeroOutput
        ? tf.zeros([hiddenSize, outputSize])
        : second.normal([hiddenSize, outputSize], 0, 1 / Math.sqrt(hiddenSize)),
    ),
    b2: tf.variable(tf.zeros([outputSize])),
  }));
  const { w1, b1, w2, b2 } = named;
  return {
    apply: (x) => tf.tidy(() => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), b2)),
    trainableVariables: [w1, b1, w2, b2],
    getWeights: () =>
      Object.fromEntries(Object.entries(named).map(([k, v]) => [k, tf.clone(v)])) as NamedTensors,
    setWeights: (weights) => {
      for (const [k, v] of Object.entries(named)) v.assign(weights[k]!);
    },
    dispose: () => tf.dispose(Object.values(named)),
  };
}
