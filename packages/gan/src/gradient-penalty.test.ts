import { Rng } from '@gen/core';
import { describeBackends, expectClose, numericalGradient } from '@gen/core/testing';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { gradientPenalty } from './gradient-penalty.js';

describeBackends('gradientPenalty', () => {
  it.each(['leakyRelu', 'tanh', 'relu'] as const)(
    '%s critic: equals λ·mean((‖∇D(x̂)‖ − 1)²) with finite-difference gradients at the same x̂',
    (activation) => {
      const critic = new Mlp({
        inputSize: 3,
        hiddenSizes: [16, 16],
        outputSize: 1,
        activation,
        seed: 4,
      });
      const real = Rng.fromSeed(1).normal([5, 3]);
      const fake = Rng.fromSeed(2).normal([5, 3], 1, 2);
      const got = gradientPenalty((x) => critic.apply(x), real, fake, Rng.fromSeed(9), 10);
      // Same interpolates: the penalty draws ε ∼ U[0, 1] of shape [n, 1] from the same Rng.
      const eps = Rng.fromSeed(9).uniform([5, 1]);
      const xHat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
      const rows = xHat.arraySync() as number[][];
      const terms = rows.map((row) => {
        const g = numericalGradient(
          (x) => tf.sum(critic.apply(x)) as tf.Scalar,
          tf.tensor2d([row]),
          1e-3,
        );
        const norm = Math.hypot(...(g.dataSync() as Float32Array));
        return (norm - 1) ** 2;
      });
      const expected = (10 * terms.reduce((a, b) => a + b)) / terms.length;
      expect(expected).toBeGreaterThan(1e-3);
      expectClose(got, expected, { rtol: 2e-2, atol: 1e-3 });
      tf.dispose([got, real, fake, eps, xHat]);
      critic.dispose();
    },
  );

  it('is differentiable with respect to the critic (second-order gradient), without leaks', () => {
    const critic = new Mlp({
      inputSize: 2,
      hiddenSizes: [8],
      outputSize: 1,
      activation: 'tanh',
      seed: 1,
    });
    const real = Rng.fromSeed(1).normal([6, 2]);
    const fake = Rng.fromSeed(2).normal([6, 2]);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(
      () => gradientPenalty((x) => critic.apply(x), real, fake, Rng.fromSeed(3)),
      critic.trainableVariables,
    );
    const norms = Object.values(grads).map((g) => tf.tidy(() => tf.norm(g).dataSync()[0]!));
    expect(norms.every(Number.isFinite)).toBe(true);
    expect(Math.max(...norms)).toBeGreaterThan(1e-4);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([real, fake]);
    critic.dispose();
  });

  it('its gradient with respect to the critic equals that of the formula through stock tfjs ops', () => {
    const critic = new Mlp({
      inputSize: 3,
      hiddenSizes: [8, 8],
      outputSize: 1,
      activation: 'tanh',
      seed: 2,
    });
    const real = Rng.fromSeed(4).normal([7, 3]);
    const fake = Rng.fromSeed(5).normal([7, 3], 0.5, 2);
    const stock = () =>
      tf.tidy(() => {
        const eps = Rng.fromSeed(6).uniform([7, 1]);
        const xHat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
        const g = tf.grad((x: tf.Tensor) => tf.sum(critic.apply(x)))(xHat);
        const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), 1), 1e-12));
        return tf.mul(3, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
      });
    const vars = critic.trainableVariables;
    const want = tf.variableGrads(stock, vars);
    const got = tf.variableGrads(
      () => gradientPenalty((x) => critic.apply(x), real, fake, Rng.fromSeed(6), 3),
      vars,
    );
    expectClose(got.value, want.value, { rtol: 1e-5, atol: 1e-6 });
    // The output bias does not move ∇ₓD, so it has no gradient in either.
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(want.grads).sort());
    expect(Object.keys(got.grads)).toHaveLength(vars.length - 1);
    for (const [name, g] of Object.entries(want.grads)) {
      expectClose(got.grads[name]!, g, { rtol: 1e-4, atol: 1e-6, message: name });
    }
    tf.dispose([got.value, want.value, got.grads, want.grads, real, fake]);
    critic.dispose();
  });
});
