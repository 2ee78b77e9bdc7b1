import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak, plainNetwork } from '@gen/core/testing';
import { loadModel, Mlp, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan } from './gan.js';
import { gradientPenalty } from './gradient-penalty.js';
import { MlpCritic } from './mlp-critic.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const CENTRES = [
  [-2, -2],
  [-2, 2],
  [2, -2],
  [2, 2],
];

/** `n` points of the 4-cluster toy (std 0.15), one-hot labels, from a seeded Rng. */
function clusters(
  n: number,
  seed: number,
): { x: tf.Tensor; condition: tf.Tensor; labels: number[] } {
  const rng = Rng.fromSeed(seed);
  const labels = Array.from({ length: n }, () => rng.int(4));
  return tf.tidy(() => {
    const centres = tf.tensor2d(labels.map((k) => CENTRES[k]!));
    const x = tf.keep(tf.add(centres, rng.normal([n, 2], 0, 0.15)));
    const condition = tf.keep(tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32'));
    return { x, condition, labels };
  });
}

const oneHot = (labels: number[]) =>
  tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32'));

/** Fraction of draws whose nearest centre is the centre of their class. */
function ownClassFraction(samples: number[][], labels: number[]): number {
  let hits = 0;
  samples.forEach((p, i) => {
    const d = CENTRES.map(([a, b]) => (p[0]! - a!) ** 2 + (p[1]! - b!) ** 2);
    if (d.indexOf(Math.min(...d)) === labels[i]) hits += 1;
  });
  return hits / samples.length;
}

/** `steps` alternating Adam updates of D and G on the real batch's conditions. */
function train(gan: Gan, steps: number, seed: number): void {
  const data = clusters(512, seed);
  const rng = Rng.fromSeed(seed + 1);
  const [dOpt, gOpt] = [tf.train.adam(5e-3, 0.5), tf.train.adam(5e-3, 0.5)];
  for (let step = 0; step < steps; step++) {
    const idx = tf.tensor1d(Array.from(rng.permutation(512).slice(0, 64)), 'int32');
    const real = { x: tf.gather(data.x, idx), condition: tf.gather(data.condition, idx) };
    tf.dispose(
      dOpt.minimize(() => gan.discriminatorLoss(real, rng), true, gan.discriminatorVariables) ?? [],
    );
    gan.afterDiscriminatorStep();
    tf.dispose(
      gOpt.minimize(
        () => gan.generatorLoss(64, rng, { condition: real.condition }),
        true,
        gan.generatorVariables,
      ) ?? [],
    );
    tf.dispose([idx, real.x, real.condition]);
  }
  tf.dispose([data.x, data.condition]);
  dOpt.dispose();
  gOpt.dispose();
}

describe('class-conditional Gan.mlp', () => {
  it.each(['projection', 'concat'] as const)(
    '%s discriminator: after 120 steps at least 90 percent of class-conditional draws are nearest their own centre',
    (conditioning) => {
      const gan = Gan.mlp({
        dataSize: 2,
        latentSize: 2,
        hiddenSizes: [32, 32],
        conditionSize: 4,
        conditioning,
        seed: 1,
      });
      const labels = Array.from({ length: 400 }, (_, i) => i % 4);
      const condition = oneHot(labels);
      const before = gan.sample(400, Rng.fromSeed(5), { condition });
      const untrained = ownClassFraction(before.arraySync() as number[][], labels);
      train(gan, 120, 3);
      const after = gan.sample(400, Rng.fromSeed(5), { condition });
      const fraction = ownClassFraction(after.arraySync() as number[][], labels);
      // Untrained: about chance (1/4); measured 1.0 after training on 4 seeds for both.
      expect(untrained).toBeLessThan(0.6);
      expect(fraction).toBeGreaterThanOrEqual(0.9);
      tf.dispose([condition, before, after]);
      gan.dispose();
    },
  );

  it('projection: D(x, c) = ψ(x) + ⟨E c, x⟩ for a critic without hidden layers; concat uses [x, c]', () => {
    const gan = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [], conditionSize: 3, seed: 2 });
    expect(gan.discriminator).toBeInstanceOf(MlpCritic);
    const w = gan.getWeights();
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 0.25],
    ]);
    const c = tf.tensor2d([
      [1, 0, 0],
      [0.2, 0.3, 0.5],
    ]);
    const want = tf.tidy(() =>
      tf.reshape(
        tf.add(
          tf.add(
            tf.matMul(x, w['discriminator/discriminator/dense0/kernel']!),
            w['discriminator/discriminator/dense0/bias']!,
          ),
          tf.sum(tf.mul(tf.matMul(c, w['discriminator/discriminator/embed/kernel']!), x), 1, true),
        ),
        [2],
      ),
    );
    const got = gan.critic(x, { condition: c });
    expectClose(got, want, { rtol: 1e-6, atol: 1e-6 });
    const concat = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [4],
      conditionSize: 3,
      conditioning: 'concat',
    });
    expect(concat.discriminator).toBeInstanceOf(Mlp);
    expect((concat.discriminator as Mlp).inputSize).toBe(5);
    expect((concat.generator as Mlp).inputSize).toBe(5);
    tf.dispose([w, x, c, want, got]);
    gan.dispose();
    concat.dispose();
  });

  it('new Gan around your own networks: G sees [z, c], D sees [x, c] (two critic passes), with an EMA', () => {
    const gan = new Gan({
      generator: plainNetwork({ inputSize: 2 + 4, outputSize: 2, seed: 1 }),
      discriminator: plainNetwork({ inputSize: 2 + 4, outputSize: 1, seed: 2 }),
      latentSize: 2,
      conditionSize: 4,
      loss: 'hinge',
      ema: { decay: 0.5 },
    });
    const data = clusters(6, 1);
    const d = gan.discriminatorLoss(data, Rng.fromSeed(3));
    // By hand: hinge on D([x, c]) and D([G([z, c]), c]) with the loss's latent stream.
    const [zRng] = Rng.fromSeed(3).split(3) as [Rng];
    const want = tf.tidy(() => {
      const fake = gan.generator.apply(tf.concat([zRng.normal([6, 2]), data.condition], 1));
      const a = gan.discriminator.apply(tf.concat([data.x, data.condition], 1));
      const b = gan.discriminator.apply(tf.concat([fake, data.condition], 1));
      return tf.add(tf.mean(tf.relu(tf.sub(1, a))), tf.mean(tf.relu(tf.add(1, b))));
    });
    expectClose(d, want, { rtol: 1e-5, atol: 1e-6 });
    const names = Object.keys(gan.getWeights());
    expect(names.filter((n) => n.startsWith('ema/'))).toEqual([
      'ema/generator/trainable0',
      'ema/generator/trainable1',
      'ema/generator/trainable2',
      'ema/generator/trainable3',
    ]);
    const x = gan.sample(3, Rng.fromSeed(4), { condition: oneHot([1]) });
    expect(x.shape).toEqual([3, 2]);
    tf.dispose([d, want, x, data.x, data.condition]);
    gan.dispose();
  });

  it('wasserstein-gp: the gradient penalty is taken with each row’s condition', () => {
    const make = (loss: 'wasserstein' | 'wasserstein-gp') =>
      Gan.mlp({ dataSize: 2, latentSize: 3, hiddenSizes: [8], conditionSize: 4, loss, seed: 4 });
    const [plain, penalised] = [make('wasserstein'), make('wasserstein-gp')];
    const data = clusters(6, 8);
    const d0 = plain.discriminatorLoss(data, Rng.fromSeed(9));
    const d1 = penalised.discriminatorLoss(data, Rng.fromSeed(9));
    // The same streams as inside discriminatorLoss: latents, noise (unused), interpolates.
    const [zRng, , gpRng] = Rng.fromSeed(9).split(3) as [Rng, Rng, Rng];
    const fake = tf.tidy(() =>
      plain.generator.apply(tf.concat([zRng.normal([6, 3]), data.condition], 1)),
    );
    const penalty = (condition: tf.Tensor, rng: Rng) =>
      gradientPenalty((x) => plain.critic(x, { condition }), data.x, fake, rng, 10);
    const [, , gpRng2] = Rng.fromSeed(9).split(3) as [Rng, Rng, Rng];
    const withOwn = penalty(data.condition, gpRng);
    const shuffled = tf.reverse(data.condition, 0);
    const withOther = penalty(shuffled, gpRng2);
    expectClose(tf.sub(d1, d0), withOwn, { rtol: 1e-4, atol: 1e-6 });
    expect(Math.abs(withOwn.dataSync()[0]! - withOther.dataSync()[0]!)).toBeGreaterThan(1e-3);
    tf.dispose([d0, d1, fake, withOwn, withOther, shuffled, data.x, data.condition]);
    plain.dispose();
    penalised.dispose();
  });

  it('a shared condition row [1, C] equals the same row repeated; saves and loads with conditionSize', async () => {
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [8],
      conditionSize: 4,
      seed: 3,
    });
    expect(gan.conditionSize).toBe(4);
    expect(gan.toConfig().options).toMatchObject({ conditionSize: 4 });
    const one = oneHot([2]);
    const many = oneHot([2, 2, 2, 2, 2]);
    const a = gan.sample(5, Rng.fromSeed(1), { condition: one });
    const b = gan.sample(5, Rng.fromSeed(1), { condition: many });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const loaded = await loadModel<Gan>(modelToSafetensors(gan));
    expect(loaded.conditionSize).toBe(4);
    const c = loaded.sample(5, Rng.fromSeed(1), { condition: many });
    expect(Array.from(c.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([one, many, a, b, c]);
    gan.dispose();
    loaded.dispose();
  });

  it('refuses a condition where none belongs and requires it where it does, naming function and argument', () => {
    const cond = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [4], conditionSize: 4 });
    const plain = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [4] });
    const x = tf.zeros([3, 2]);
    const c = oneHot([0, 1, 2]);
    const live = tf.memory().numTensors;
    expect(() => plain.discriminatorLoss({ x, condition: c }, Rng.fromSeed(0))).toThrow(
      /Gan\.discriminatorLoss: .*'real'.*unconditional/,
    );
    expect(() => cond.discriminatorLoss(x, Rng.fromSeed(0))).toThrow(
      /Gan\.discriminatorLoss: .*'real'.*conditional \(conditionSize = 4\)/,
    );
    expect(() => cond.generatorLoss(3, Rng.fromSeed(0))).toThrow(
      /Gan\.generatorLoss: .*'options\.condition'.*required/,
    );
    expect(() => cond.sample(3, Rng.fromSeed(0))).toThrow(InvalidArgumentError);
    expect(() => cond.sample(2, Rng.fromSeed(0), { condition: c })).toThrow(
      /Gan\.sample: .*'options\.condition'.*\[2, 4\]/,
    );
    expect(() => plain.sample(3, Rng.fromSeed(0), { condition: c })).toThrow(
      /Gan\.sample: .*'options\.condition'.*left out/,
    );
    expect(() =>
      cond.discriminatorLoss({ x, condition: tf.zeros([3, 2]) }, Rng.fromSeed(0)),
    ).toThrow(/'real\.condition'/);
    expect(() => cond.sample(3, Rng.fromSeed(0), { condition: c, colour: 1 } as never)).toThrow(
      /colour/,
    );
    expect(() =>
      Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [], conditioning: 'concat' }),
    ).toThrow(/Gan\.mlp: .*'conditioning'.*conditionSize/);
    expect(() =>
      Gan.mlp({
        dataSize: 2,
        latentSize: 2,
        hiddenSizes: [],
        conditionSize: 2,
        conditioning: 'sum' as never,
      }),
    ).toThrow(/Gan\.mlp: .*'conditioning'/);
    expect(() =>
      Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [], conditionSize: 0 }),
    ).toThrow(/Gan\.mlp: .*'conditionSize'/);
    // The thrown checks leave nothing behind (zeros([3, 2]) of the bad condition aside).
    expect(tf.memory().numTensors).toBe(live + 1);
    tf.dispose([x, c]);
    cond.dispose();
    plain.dispose();
  });

  it('conditional losses and sampling make no tensors beyond their results', async () => {
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [8],
      conditionSize: 4,
      loss: 'wasserstein-gp',
      seed: 1,
    });
    const data = clusters(8, 2);
    const rng = Rng.fromSeed(3);
    await expectNoLeak(() => {
      const d = tf.variableGrads(
        () => gan.discriminatorLoss(data, rng),
        gan.discriminatorVariables,
      );
      const g = tf.variableGrads(
        () => gan.generatorLoss(8, rng, { condition: data.condition }),
        gan.generatorVariables,
      );
      tf.dispose([d.value, d.grads, g.value, g.grads]);
      tf.dispose(gan.sample(8, rng, { condition: data.condition }));
      tf.dispose(gan.critic(data.x, { condition: data.condition }));
    }, 'conditional Gan');
    tf.dispose([data.x, data.condition]);
    gan.dispose();
  });
});
