import { InvalidArgumentError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Gan } from './gan.js';
import { r1Penalty } from './r1-penalty.js';

describeBackends('r1Penalty', () => {
  it('linear critic D(x) = x·w + b: (γ/2)‖w‖², with gradient γ·w and none for b', () => {
    const w = tf.variable(tf.tensor2d([[0.5], [-2], [1.5]]), true, 'r1/w');
    const b = tf.variable(tf.scalar(0.7), true, 'r1/b');
    const real = Rng.fromSeed(3).normal([6, 3]);
    const critic = (x: tf.Tensor) => tf.add(tf.matMul(x, w), b);
    const gamma = 4;
    const { value, grads } = tf.variableGrads(() => r1Penalty(critic, real, gamma), [w, b]);
    const wSq = 0.25 + 4 + 2.25;
    expectClose(value, (gamma / 2) * wSq, { rtol: 1e-6 });
    expectClose(grads['r1/w']!, [[gamma * 0.5], [gamma * -2], [gamma * 1.5]], { rtol: 1e-6 });
    expect(grads['r1/b']).toBeUndefined();
    tf.dispose([value, grads, real, w, b]);
  });

  it.each(['leakyRelu', 'tanh'] as const)(
    '%s critic: equals (γ/2)·mean ‖∇D(x)‖² with finite-difference gradients at the real rows',
    (activation) => {
      const critic = new Mlp({
        inputSize: 3,
        hiddenSizes: [16, 16],
        outputSize: 1,
        activation,
        seed: 4,
      });
      const real = Rng.fromSeed(1).normal([5, 3]);
      const got = r1Penalty((x) => critic.apply(x), real, 3);
      const rows = real.arraySync() as number[][];
      const squares = rows.map((row) => {
        const g = numericalGradient(
          (x) => tf.sum(critic.apply(x)) as tf.Scalar,
          tf.tensor2d([row]),
          1e-3,
        );
        return (g.dataSync() as Float32Array).reduce((s, v) => s + v * v, 0);
      });
      const expected = (3 / 2) * (squares.reduce((a, b) => a + b) / squares.length);
      expect(expected).toBeGreaterThan(1e-3);
      expectClose(got, expected, { rtol: 2e-2, atol: 1e-4 });
      tf.dispose([got, real]);
      critic.dispose();
    },
  );

  it('its gradient with respect to the critic equals that of the formula through stock tfjs ops', async () => {
    const critic = new Mlp({
      inputSize: 3,
      hiddenSizes: [8, 8],
      outputSize: 1,
      activation: 'tanh',
      seed: 2,
    });
    const real = Rng.fromSeed(4).normal([7, 3]);
    const stock = () =>
      tf.tidy(() => {
        const g = tf.grad((x: tf.Tensor) => tf.sum(critic.apply(x)))(real);
        return tf.mul(0.25, tf.mean(tf.sum(tf.square(g), 1))) as tf.Scalar;
      });
    const vars = critic.trainableVariables;
    const want = tf.variableGrads(stock, vars);
    const got = tf.variableGrads(() => r1Penalty((x) => critic.apply(x), real, 0.5), vars);
    expectClose(got.value, want.value, { rtol: 1e-5, atol: 1e-7 });
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(want.grads).sort());
    for (const [name, g] of Object.entries(want.grads)) {
      expectClose(got.grads[name]!, g, { rtol: 1e-4, atol: 1e-7, message: name });
    }
    tf.dispose([got.value, want.value, got.grads, want.grads]);
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => r1Penalty((x) => critic.apply(x), real, 2),
        vars,
      );
      tf.dispose([value, grads]);
    }, 'r1Penalty with its second-order gradient');
    real.dispose();
    critic.dispose();
  });
});

describeBackends('Gan option r1Penalty', () => {
  const make = (loss: 'non-saturating' | 'hinge', r1Penalty?: number) =>
    Gan.mlp({
      dataSize: 2,
      latentSize: 3,
      hiddenSizes: [8],
      loss,
      seed: 5,
      ...(r1Penalty === undefined ? {} : { r1Penalty }),
    });

  it.each(['non-saturating', 'hinge'] as const)(
    '%s: the discriminator loss gains exactly r1Penalty(critic, real, γ); the generator loss is unchanged',
    (loss) => {
      const [plain, penalised] = [make(loss), make(loss, 2.5)];
      const real = Rng.fromSeed(7).normal([9, 2]);
      const critic = (x: tf.Tensor) => plain.critic(x);
      const d0 = plain.discriminatorLoss(real, Rng.fromSeed(8));
      const d1 = penalised.discriminatorLoss(real, Rng.fromSeed(8));
      const penalty = r1Penalty(critic, real, 2.5);
      expect(penalty.dataSync()[0]).toBeGreaterThan(1e-4);
      expectClose(tf.sub(d1, d0), penalty, { rtol: 1e-4, atol: 1e-6 });
      const g0 = plain.generatorLoss(9, Rng.fromSeed(9));
      const g1 = penalised.generatorLoss(9, Rng.fromSeed(9));
      expectClose(g1, g0, { rtol: 1e-6 });
      tf.dispose([real, d0, d1, penalty, g0, g1]);
      plain.dispose();
      penalised.dispose();
    },
  );

  it('is part of the config that rebuilds the GAN', () => {
    const gan = make('non-saturating', 1.5);
    expect(JSON.stringify(gan.toConfig())).toContain('"r1Penalty":1.5');
    gan.dispose();
  });

  it('refuses a negative, non-finite or non-number γ, naming the function and the option', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
      expect(() => make('non-saturating', bad as number)).toThrow(InvalidArgumentError);
      expect(() => make('non-saturating', bad as number)).toThrow(/Gan\.mlp: .*'r1Penalty'/);
    }
  });
});
