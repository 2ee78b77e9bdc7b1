import type { Network } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A plain-object {@link Network} (no @gen/nn): x ↦ tanh(x·W + c)·v + d, `[n, inputs]` → `[n, 1]`,
 * with weights drawn from a seeded normal.
 */
export function tanhNetwork(inputs: number, hidden: number, seed: number): Network {
  const [w, c, v, d] = tf.tidy(() => [
    tf.variable(tf.randomNormal([inputs, hidden], 0, 0.5, 'float32', seed), true),
    tf.variable(tf.zeros([hidden]), true),
    tf.variable(tf.randomNormal([hidden, 1], 0, 0.5, 'float32', seed + 1), true),
    tf.variable(tf.zeros([1]), true),
  ]) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const vars = { w, c, v, d };
  return {
    apply: (x) => tf.tidy(() => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w), c)), v), d)),
    trainableVariables: [w, c, v, d],
    getWeights: () => ({ w: w.clone(), c: c.clone(), v: v.clone(), d: d.clone() }),
    setWeights: (weights) => {
      for (const [name, variable] of Object.entries(vars)) variable.assign(weights[name]!);
    },
    dispose: () => tf.dispose([w, c, v, d]),
  };
}
