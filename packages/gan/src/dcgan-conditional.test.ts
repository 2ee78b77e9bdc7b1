import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import { fitAdversarial, memoryCheckpointStore } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDifference, weightValues } from '../test/resume-scenarios.js';
import { Gan } from './gan.js';
import { DcganDiscriminator } from './networks.js';
import type { GanDcganOptions } from './options.js';

// wasm: its convolutions train these DCGANs several times faster than the cpu backend.
beforeAll(async () => {
  await initBackend('wasm');
});

const CLASSES = 3;

/** Mean image of class k: bright top half (0), bright bottom half (1), bright left half (2). */
function meanImage(k: number): number[] {
  return Array.from({ length: 784 }, (_, i) => {
    const [row, col] = [Math.floor(i / 28), i % 28];
    const bright = k === 0 ? row < 14 : k === 1 ? row >= 14 : col < 14;
    return bright ? 0.85 : 0.15;
  });
}
const MEANS = Array.from({ length: CLASSES }, (_, k) => meanImage(k));

const oneHot = (labels: number[]) =>
  tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES), 'float32'));

/** `n` labelled toy images: the class mean plus uniform noise in ±0.1, labels i mod 3. */
function toy(n: number, seed: number): { x: tf.Tensor; condition: tf.Tensor } {
  const labels = Array.from({ length: n }, (_, i) => i % CLASSES);
  return tf.tidy(() => {
    const means = tf.tensor2d(labels.map((k) => MEANS[k]!));
    const noise = Rng.fromSeed(seed).uniform([n, 784], -0.1, 0.1);
    return { x: tf.keep(tf.add(means, noise)), condition: tf.keep(oneHot(labels)) };
  });
}

/** Fraction of rows of `samples` whose nearest class mean is the class they were drawn for. */
async function ownClassFraction(samples: tf.Tensor, labels: number[]): Promise<number> {
  const rows = (await samples.array()) as number[][];
  let hits = 0;
  rows.forEach((row, i) => {
    const d = MEANS.map((m) => row.reduce((s, v, j) => s + (v - m[j]!) ** 2, 0));
    if (d.indexOf(Math.min(...d)) === labels[i]) hits += 1;
  });
  return hits / rows.length;
}

const small = (extra: Partial<GanDcganOptions> = {}): GanDcganOptions => ({
  latentSize: 4,
  width: 2,
  conditionSize: CLASSES,
  seed: 1,
  ...extra,
});

describe('class-conditional Gan.dcgan', () => {
  it('projection critic: after 40 steps at least 90 percent of draws are nearest their own class mean', async () => {
    const gan = Gan.dcgan(small({ width: 4 }));
    const labels = Array.from({ length: 60 }, (_, i) => i % CLASSES);
    const condition = oneHot(labels);
    const before = gan.sample(60, Rng.fromSeed(5), { condition });
    const untrained = await ownClassFraction(before, labels);
    const data = toy(96, 2);
    await fitAdversarial(gan, data, {
      steps: 40,
      batchSize: 12,
      rng: Rng.fromSeed(3),
      discriminatorOptimizer: tf.train.adam(1e-2, 0.5),
      generatorOptimizer: tf.train.adam(1e-2, 0.5),
    });
    const after = gan.sample(60, Rng.fromSeed(5), { condition });
    const fraction = await ownClassFraction(after, labels);
    // Untrained draws are grey whatever the class. After training: 1.0 on 8 of 8 seeds
    // (model, data and loop), 0.83 to 1.0 after 30 steps; 'concat' needs about 60 steps.
    expect(untrained).toBeLessThan(0.6);
    expect(fraction).toBeGreaterThanOrEqual(0.9);
    tf.dispose([condition, before, after, data.x, data.condition]);
    gan.dispose();
  });

  it('G takes [z, c]; projection adds a term linear in c that vanishes at c = 0, concat adds input channels', () => {
    const projection = Gan.dcgan(small());
    const concat = Gan.dcgan(small({ conditioning: 'concat' }));
    const shape = (gan: Gan, name: string) => {
      const w = gan.getWeights();
      const s = w[name]?.shape;
      tf.dispose(w);
      return s;
    };
    expect(shape(projection, 'generator/generator/dense/kernel')).toEqual([4 + 3, 7 * 7 * 4]);
    expect(shape(projection, 'discriminator/discriminator/embed/kernel')).toEqual([3, 7 * 7 * 4]);
    expect(shape(projection, 'discriminator/discriminator/conv1/kernel')).toEqual([4, 4, 1, 2]);
    expect(shape(concat, 'discriminator/discriminator/conv1/kernel')).toEqual([4, 4, 1 + 3, 2]);
    expect(shape(concat, 'discriminator/discriminator/embed/kernel')).toBeUndefined();

    const x = Rng.fromSeed(4).uniform([2, 784]);
    const [c1, c2] = [
      tf.tensor2d([
        [1, 0, 0],
        [0.2, 0.3, 0.5],
      ]),
      tf.tensor2d([
        [0, 1, 0],
        [0, 0, 1],
      ]),
    ];
    const zero = tf.zeros([2, 3]);
    const critic = (gan: Gan, c: tf.Tensor) => gan.critic(x, { condition: c });
    // The critic without its condition: the unconditional DCGAN critic with the same weights
    // (for concat, the pixel slice of the first kernel).
    const plain = new DcganDiscriminator(Rng.fromSeed(0), { width: 2 });
    const own = (gan: Gan) => {
      const w = gan.getWeights();
      const out = Object.fromEntries(
        Object.entries(w)
          .filter(([k]) => k.startsWith('discriminator/') && !k.endsWith('/embed/kernel'))
          .map(([k, t]) => [
            k.slice('discriminator/'.length),
            k.endsWith('conv1/kernel') ? tf.slice(t, [0, 0, 0, 0], [4, 4, 1, 2]) : tf.clone(t),
          ]),
      );
      tf.dispose(w);
      return out;
    };
    for (const gan of [projection, concat]) {
      const weights = own(gan);
      plain.setWeights(weights);
      const base = tf.tidy(() => tf.reshape(plain.apply(x), [2]));
      const atZero = critic(gan, zero);
      expectClose(atZero, base, { rtol: 1e-5, atol: 1e-6 });
      const [a, b] = [critic(gan, c1), critic(gan, c2)];
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(1e-4);
      tf.dispose([weights, base, atZero, a, b]);
    }
    // Projection: D(x, c1 + c2) − D(x, c2) = D(x, c1) − D(x, 0).
    const sum = tf.add(c1, c2);
    const [both, second, first, none] = [sum, c2, c1, zero].map((c) => critic(projection, c));
    expectClose(tf.sub(both!, second!), tf.sub(first!, none!), { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([x, c1, c2, zero, sum, both!, second!, first!, none!]);
    plain.dispose();
    projection.dispose();
    concat.dispose();
  });

  it('refuses missing, extra and wrong-width conditions and bad options, naming the function and argument', () => {
    const cond = Gan.dcgan(small());
    const plain = Gan.dcgan({ latentSize: 4, width: 2 });
    const x = tf.fill([2, 784], 0.5);
    const c = oneHot([0, 1]);
    const wide = tf.zeros([2, 4]);
    const live = tf.memory().numTensors;
    expect(() => cond.discriminatorLoss(x, Rng.fromSeed(0))).toThrow(
      /Gan\.discriminatorLoss: .*'real'.*conditional \(conditionSize = 3\)/,
    );
    expect(() => plain.discriminatorLoss({ x, condition: c }, Rng.fromSeed(0))).toThrow(
      /Gan\.discriminatorLoss: .*'real'.*unconditional/,
    );
    expect(() => cond.discriminatorLoss({ x, condition: wide }, Rng.fromSeed(0))).toThrow(
      /'real\.condition'.*\[2, 3\]/,
    );
    expect(() => cond.sample(2, Rng.fromSeed(0))).toThrow(
      /Gan\.sample: .*'options\.condition'.*required/,
    );
    expect(() => cond.sample(2, Rng.fromSeed(0), { condition: wide })).toThrow(
      /Gan\.sample: .*'options\.condition'/,
    );
    expect(() => plain.sample(2, Rng.fromSeed(0), { condition: c })).toThrow(/left out/);
    expect(() => cond.generatorLoss(2, Rng.fromSeed(0))).toThrow(/Gan\.generatorLoss: .*required/);
    expect(() => cond.critic(x)).toThrow(/Gan\.critic: .*'options\.condition'/);
    expect(() => Gan.dcgan({ latentSize: 4, conditioning: 'concat' })).toThrow(
      /Gan\.dcgan: .*'conditioning'.*conditionSize/,
    );
    expect(() => Gan.dcgan(small({ conditioning: 'sum' as never }))).toThrow(
      /Gan\.dcgan: .*'conditioning'.*'projection', 'concat'/,
    );
    expect(() => Gan.dcgan(small({ conditionSize: 1.5 }))).toThrow(InvalidArgumentError);
    expect(() => Gan.dcgan(small({ conditionSize: 1e7 }))).toThrow(/Gan\.dcgan.*conditionSize/);
    expect(tf.memory().numTensors).toBe(live);
    tf.dispose([x, c, wide]);
    cond.dispose();
    plain.dispose();
  });

  it.each(['projection', 'concat'] as const)(
    '%s: saves and loads with its conditioning, EMA and spectral norm; draws and critic agree',
    async (conditioning) => {
      const gan = Gan.dcgan(
        small({ conditioning, spectralNorm: true, batchNorm: true, ema: { decay: 0.5 } }),
      );
      const data = toy(6, 1);
      // Move every kind of state off its initial value: weights, norms, EMA, power iteration.
      await fitAdversarial(gan, data, { steps: 2, batchSize: 6, rng: Rng.fromSeed(2) });
      expect(gan.toConfig().options).toMatchObject({ conditionSize: 3, conditioning });
      const loaded = await loadModel<Gan>(modelToSafetensors(gan));
      expect(loaded.conditionSize).toBe(3);
      expect(maxAbsDifference(await weightValues(loaded), await weightValues(gan))).toBe(0);
      const condition = oneHot([2]);
      const [a, b] = [
        gan.sample(3, Rng.fromSeed(7), { condition }),
        loaded.sample(3, Rng.fromSeed(7), { condition }),
      ];
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      const options = { condition: data.condition };
      const [da, db] = [gan.critic(data.x, options), loaded.critic(data.x, options)];
      expect(Array.from(db.dataSync())).toEqual(Array.from(da.dataSync()));
      tf.dispose([condition, a, b, da, db, data.x, data.condition]);
      gan.dispose();
      loaded.dispose();
    },
  );

  it.each<[string, Partial<GanDcganOptions>]>([
    [
      'projection, batch-normalised spectral critic, EMA, R2, flips and decaying smoothing',
      {
        discriminatorBatchNorm: true,
        spectralNorm: true,
        batchNorm: true,
        ema: { decay: 0.8, start: 1 },
        r2Penalty: 0.5,
        labelFlip: 0.2,
        labelSmoothing: { value: 0.8, decaySteps: 10 },
      },
    ],
    [
      'concat, WGAN-GP with R1',
      { conditioning: 'concat', loss: 'wasserstein-gp', discriminatorSteps: 2, r1Penalty: 1 },
    ],
  ])('%s: 3 steps + checkpoint + 3 resumed = 6 uninterrupted (max |Δ| = 0)', async (_, extra) => {
    const data = toy(16, 3);
    const options = () => ({ batchSize: 8, learningRate: 1e-2, rng: Rng.fromSeed(4) });
    const straight = Gan.dcgan(small({ ...extra, seed: 0 }));
    await fitAdversarial(straight, data, { ...options(), steps: 6 });
    const store = memoryCheckpointStore();
    const first = Gan.dcgan(small({ ...extra, seed: 0 }));
    await fitAdversarial(first, data, { ...options(), steps: 3, checkpoint: { store, every: 3 } });
    first.dispose();
    const resumed = Gan.dcgan(small({ ...extra, seed: 5 }));
    await fitAdversarial(resumed, data, { ...options(), steps: 6, resume: store });
    expect(resumed.getState()).toEqual(straight.getState());
    const trained = await weightValues(straight);
    expect(maxAbsDifference(await weightValues(resumed), trained)).toBe(0);
    const initial = Gan.dcgan(small({ ...extra, seed: 0 }));
    expect(maxAbsDifference(await weightValues(initial), trained)).toBeGreaterThan(1e-3);
    tf.dispose([data.x, data.condition]);
    for (const g of [straight, resumed, initial]) g.dispose();
  });

  it('concat critic with R1: the second-order gradients on wasm are those of cpu', async () => {
    const gradients = async (backend: 'cpu' | 'wasm') => {
      await initBackend(backend);
      const gan = Gan.dcgan(small({ conditioning: 'concat', r1Penalty: 1 }));
      const data = toy(4, 6);
      const { value, grads } = tf.variableGrads(
        () => gan.discriminatorLoss(data, Rng.fromSeed(7)),
        gan.discriminatorVariables,
      );
      const out = [value, ...Object.values(grads)].map((t) => Array.from(t.dataSync()));
      tf.dispose([value, grads, data.x, data.condition]);
      gan.dispose();
      return out.flat();
    };
    const reference = await gradients('cpu');
    const wasm = await gradients('wasm');
    const scale = Math.max(...reference.map(Math.abs));
    // The penalty differentiates through the condition's channels twice: before @gen/core's Tile
    // gradient kept its reshapes at rank 3, the broadcastTo path failed this on wasm by about 10×.
    wasm.forEach((v, i) => {
      expect(Math.abs(v - reference[i]!)).toBeLessThan(1e-5 * scale);
    });
  });

  it('conditional losses, their gradients, sampling and the critic make no tensors beyond their results', async () => {
    const data = toy(4, 5);
    for (const extra of [
      { loss: 'wasserstein-gp', r1Penalty: 1 },
      { conditioning: 'concat', discriminatorBatchNorm: true, spectralNorm: true, r2Penalty: 1 },
    ] as const) {
      const gan = Gan.dcgan(small(extra));
      const rng = Rng.fromSeed(6);
      await expectNoLeak(() => {
        const d = tf.variableGrads(
          () => gan.discriminatorLoss(data, rng),
          gan.discriminatorVariables,
        );
        const g = tf.variableGrads(
          () => gan.generatorLoss(4, rng, { condition: data.condition }),
          gan.generatorVariables,
        );
        tf.dispose([d.value, d.grads, g.value, g.grads]);
        gan.afterDiscriminatorStep();
        tf.dispose(gan.sample(4, rng, { condition: data.condition }));
        tf.dispose(gan.critic(data.x, { condition: data.condition }));
      }, 'conditional Gan.dcgan');
      gan.dispose();
    }
    tf.dispose([data.x, data.condition]);
  });
});
