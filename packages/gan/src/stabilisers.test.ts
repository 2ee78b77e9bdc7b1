import { InvalidArgumentError, initBackend, Rng, softplus } from '@gen/core';
import { expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import { Mlp } from '@gen/nn';
import { adam } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan } from './gan.js';
import type { GanTrainingOptions } from './options.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const scalar = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

const numbers = (t: tf.Tensor) => Array.from(t.dataSync());

/** Gan.mlp on 2-D data with the given training options. */
const mlp = (options: GanTrainingOptions & { hiddenSizes?: number[]; seed?: number } = {}) =>
  Gan.mlp({ dataSize: 2, latentSize: 3, hiddenSizes: [8], seed: 5, ...options });

/** The fakes `discriminatorLoss(real, Rng.fromSeed(seed))` draws (its first child stream). */
function fakesOf(gan: Gan, n: number, seed: number, children = 3): tf.Tensor {
  const [zRng] = Rng.fromSeed(seed).split(children) as [Rng];
  return tf.tidy(() => gan.generator.apply(zRng.normal([n, gan.latentSize])));
}

describe('R1 and R2 penalties', () => {
  it('linear critic D(x) = x·w + b: R1 and R2 each add (γ/2)‖w‖², with gradient γ·w', () => {
    const real = Rng.fromSeed(1).normal([10, 2]);
    const make = (r1Penalty?: number, r2Penalty?: number) =>
      mlp({
        hiddenSizes: [],
        ...(r1Penalty === undefined ? {} : { r1Penalty }),
        ...(r2Penalty === undefined ? {} : { r2Penalty }),
      });
    const gans = [make(), make(3), make(undefined, 0.5), make(3, 0.5)];
    const w = gans[0]!.getWeights()['discriminator/discriminator/dense0/kernel']!;
    const wSq = scalar(tf.sum(tf.square(w)));
    const results = gans.map((gan) =>
      tf.variableGrads(
        () => gan.discriminatorLoss(real, Rng.fromSeed(2)),
        gan.discriminatorVariables,
      ),
    );
    const base = scalar(results[0]!.value);
    const kernelGrad = (i: number) =>
      results[i]!.grads[(gans[i]!.discriminator as Mlp).layers[0]!.kernel.name]!;
    [0, 3, 0.5, 3.5].forEach((gamma, i) => {
      if (i === 0) return;
      expect(scalar(results[i]!.value) - base).toBeCloseTo((gamma / 2) * wSq, 5);
      expectClose(tf.sub(kernelGrad(i), kernelGrad(0)), tf.mul(w, gamma), {
        rtol: 1e-4,
        atol: 1e-6,
      });
    });
    for (const r of results) tf.dispose(r.grads);
    tf.dispose([real, w]);
    for (const g of gans) g.dispose();
  });

  it('R2 on a leaky-ReLU critic equals (γ/2)·mean ‖∇D(x̃)‖² over the fakes, by finite differences', () => {
    const [plain, penalised] = [
      mlp({ hiddenSizes: [16] }),
      mlp({ hiddenSizes: [16], r2Penalty: 2 }),
    ];
    const real = Rng.fromSeed(3).normal([5, 2]);
    const d0 = scalar(plain.discriminatorLoss(real, Rng.fromSeed(4)));
    const d1 = scalar(penalised.discriminatorLoss(real, Rng.fromSeed(4)));
    const fake = fakesOf(plain, 5, 4);
    const rows = fake.arraySync() as number[][];
    const squares = rows.map((row) => {
      const g = numericalGradient(
        (x) => tf.sum(plain.critic(x)) as tf.Scalar,
        tf.tensor2d([row]),
        1e-3,
      );
      return numbers(g).reduce((s, v) => s + v * v, 0);
    });
    const expected = (2 / 2) * (squares.reduce((a, b) => a + b) / squares.length);
    expect(expected).toBeGreaterThan(1e-3);
    expect(d1 - d0).toBeCloseTo(expected, 3);
    tf.dispose([real, fake]);
    plain.dispose();
    penalised.dispose();
  });

  it('refuses a negative or non-finite r2Penalty, naming the option', () => {
    for (const bad of [-1, Number.NaN, '1']) {
      expect(() => mlp({ r2Penalty: bad as number })).toThrow(/Gan\.mlp: .*'r2Penalty'/);
    }
  });
});

describe('generator EMA', () => {
  /**
   * The generator's weights by their names in Gan.getWeights(), read from the network itself
   * (Gan.getWeights would fold a pending update into the average first).
   */
  const generatorWeights = (gan: Gan) => {
    const w = gan.generator.getWeights();
    const out: Record<string, number[]> = {};
    for (const [k, t] of Object.entries(w)) out[`generator/${k}`] = numbers(t);
    tf.dispose(Object.values(w));
    return out;
  };

  it('after k updates the average is the closed-form recursion (copies until start, then β·ē + (1 − β)·w)', () => {
    const decay = 0.7;
    const start = 2;
    const gan = mlp({ ema: { decay, start } });
    const x = Rng.fromSeed(1).normal([16, 2], 1, 0.5);
    const rng = Rng.fromSeed(2);
    // @gen/train's fused Adam, which updates a buffer in place on cpu unless it is shared.
    const [dOpt, gOpt] = [adam(5e-2), adam(5e-2)];
    let ema = generatorWeights(gan);
    const fold = (t: number) => {
      const w = generatorWeights(gan);
      ema = Object.fromEntries(
        Object.entries(w).map(([k, v]) => [
          k,
          t <= start ? v : v.map((wi, i) => decay * ema[k]![i]! + (1 - decay) * wi),
        ]),
      );
    };
    // A GAN loop: D update, afterDiscriminatorStep, G update …
    for (let t = 1; t <= 4; t++) {
      tf.dispose(
        dOpt.minimize(() => gan.discriminatorLoss(x, rng), true, gan.discriminatorVariables) ?? [],
      );
      gan.afterDiscriminatorStep();
      tf.dispose(
        gOpt.minimize(() => gan.generatorLoss(16, rng), true, gan.generatorVariables) ?? [],
      );
      fold(t);
    }
    // … and generator updates alone: each is folded in once, before the next loss.
    for (let t = 5; t <= 7; t++) {
      tf.dispose(
        gOpt.minimize(() => gan.generatorLoss(16, rng), true, gan.generatorVariables) ?? [],
      );
      fold(t);
    }
    const w = gan.getWeights();
    expect(gan.getState()).toEqual({ discriminatorUpdates: 4, generatorUpdates: 7 });
    for (const [k, v] of Object.entries(ema)) {
      expectClose(tf.reshape(w[`ema/${k}`]!, [-1]), v, { rtol: 1e-5, atol: 1e-6, message: k });
    }
    // The average is not the weights (decay 0.7 over 5 moving updates).
    expect(
      Math.max(
        ...ema['generator/generator/dense0/kernel']!.map((v, i) =>
          Math.abs(v - numbers(w['generator/generator/dense0/kernel']!)[i]!),
        ),
      ),
    ).toBeGreaterThan(1e-3);
    tf.dispose([x, w]);
    dOpt.dispose();
    gOpt.dispose();
    gan.dispose();
  });

  it('sample uses the average (options.ema: false the weights); sampling changes neither', () => {
    const gan = mlp({ ema: { decay: 0.5 } });
    const gOpt = tf.train.adam(1e-1);
    for (let t = 0; t < 3; t++) {
      tf.dispose(
        gOpt.minimize(() => gan.generatorLoss(8, Rng.fromSeed(t)), true, gan.generatorVariables) ??
          [],
      );
    }
    const w = gan.getWeights();
    const averaged = new Mlp({
      inputSize: 3,
      hiddenSizes: [8],
      outputSize: 2,
      activation: 'leakyRelu',
      name: 'generator',
    });
    averaged.setWeights(
      Object.fromEntries(
        Object.keys(averaged.namedWeights()).map((k) => [k, w[`ema/generator/${k}`]!]),
      ),
    );
    const z = Rng.fromSeed(9).normal([6, 3]);
    const want = averaged.apply(z);
    const current = gan.generator.apply(z);
    const a = gan.sample(6, Rng.fromSeed(9));
    const b = gan.sample(6, Rng.fromSeed(9), { ema: false });
    const c = gan.sample(6, Rng.fromSeed(9));
    expectClose(a, want, { rtol: 1e-6, atol: 1e-6 });
    expectClose(b, current, { rtol: 1e-6, atol: 1e-6 });
    expect(numbers(c)).toEqual(numbers(a));
    expect(Math.max(...numbers(tf.abs(tf.sub(a, b))))).toBeGreaterThan(1e-3);
    expect(gan.getState()).toEqual({ discriminatorUpdates: 0, generatorUpdates: 3 });
    const after = gan.getWeights();
    for (const [k, t] of Object.entries(w)) expect(numbers(after[k]!), k).toEqual(numbers(t));
    tf.dispose([w, after, z, want, current, a, b, c]);
    averaged.dispose();
    gOpt.dispose();
    gan.dispose();
  });

  it('round-trips through getWeights/setWeights and getState/setState; refuses weights without the average', async () => {
    const gan = mlp({ ema: { decay: 0.9, start: 1 } });
    const gOpt = tf.train.sgd(0.5);
    for (let t = 0; t < 2; t++) {
      tf.dispose(
        gOpt.minimize(() => gan.generatorLoss(8, Rng.fromSeed(t)), true, gan.generatorVariables) ??
          [],
      );
    }
    const copy = mlp({ ema: { decay: 0.9, start: 1 }, seed: 11 });
    const w = gan.getWeights();
    copy.setWeights(w);
    copy.setState(gan.getState());
    const [a, b] = [gan.sample(4, Rng.fromSeed(1)), copy.sample(4, Rng.fromSeed(1))];
    expect(numbers(b)).toEqual(numbers(a));
    // setWeights is not a generator update.
    expect(copy.getState()).toEqual({ discriminatorUpdates: 0, generatorUpdates: 2 });
    const partial = Object.fromEntries(Object.entries(w).filter(([k]) => !k.startsWith('ema/')));
    expect(() => copy.setWeights(partial)).toThrow(/Gan\.setWeights: .*'ema\/generator\//);
    expect(() => copy.setState({ discriminatorUpdates: 0 })).toThrow(/state\.generatorUpdates/);
    expect(() => gan.sample(2, Rng.fromSeed(0), { ema: 'yes' as never })).toThrow(/options\.ema/);
    await expectNoLeak(() => {
      tf.dispose(
        gOpt.minimize(() => gan.generatorLoss(8, Rng.fromSeed(5)), true, gan.generatorVariables) ??
          [],
      );
      gan.afterDiscriminatorStep();
      tf.dispose(gan.sample(4, Rng.fromSeed(1)));
    }, 'EMA fold and sample');
    tf.dispose([w, a, b]);
    gOpt.dispose();
    gan.dispose();
    copy.dispose();
  });

  it('refuses bad ema options, naming the option', () => {
    expect(() => mlp({ ema: { decay: 1 } })).toThrow(/Gan\.mlp: .*'ema\.decay'/);
    expect(() => mlp({ ema: { decay: 0.9, start: -1 } })).toThrow(/Gan\.mlp: .*'ema\.start'/);
    expect(() => mlp({ ema: { decay: 0.9, warmup: 3 } as never })).toThrow(/warmup/);
  });
});

describe('decaying label smoothing and label flipping', () => {
  it('labelSmoothing { value, decaySteps }: s_t rises linearly to 1 and the loss is that of the constant s_t', () => {
    const scheduled = mlp({ labelSmoothing: { value: 0.8, decaySteps: 10 } });
    const real = Rng.fromSeed(1).normal([8, 2]);
    for (const t of [0, 4, 10, 25]) {
      scheduled.setState({ discriminatorUpdates: t });
      const s = 0.8 + 0.2 * Math.min(1, t / 10);
      expect(scheduled.realLabel).toBeCloseTo(s, 12);
      const constant = mlp({ labelSmoothing: s });
      expect(scalar(scheduled.discriminatorLoss(real, Rng.fromSeed(2)))).toBeCloseTo(
        scalar(constant.discriminatorLoss(real, Rng.fromSeed(2))),
        5,
      );
      constant.dispose();
    }
    expect(mlp({ labelSmoothing: 0.9 }).realLabel).toBe(0.9);
    expect(() => mlp({ labelSmoothing: { value: 1.5, decaySteps: 3 } })).toThrow(
      /'labelSmoothing\.value'/,
    );
    expect(() => mlp({ labelSmoothing: { value: 0.9, decaySteps: 0 } })).toThrow(
      /'labelSmoothing\.decaySteps'/,
    );
    expect(() => mlp({ loss: 'hinge', labelSmoothing: { value: 0.9, decaySteps: 3 } })).toThrow(
      InvalidArgumentError,
    );
    real.dispose();
    scheduled.dispose();
  });

  it('labelFlip p: each pair (real i, fake i) swaps with the rng’s draw, so the loss replays', async () => {
    const p = 0.3;
    const n = 32;
    const gan = mlp({ labelFlip: p });
    const real = Rng.fromSeed(1).normal([n, 2], 2, 0.5);
    const got = scalar(gan.discriminatorLoss(real, Rng.fromSeed(2)));
    expect(scalar(gan.discriminatorLoss(real, Rng.fromSeed(2)))).toBe(got);
    // By hand: the fourth child stream draws u_i, pair i swaps when u_i < p.
    const children = Rng.fromSeed(2).split(4) as Rng[];
    const swap = numbers(children[3]!.uniform([n])).map((u) => u < p);
    const flips = swap.filter(Boolean).length;
    expect(flips).toBeGreaterThan(0);
    expect(flips).toBeLessThan(n);
    const fake = fakesOf(gan, n, 2, 4);
    const a = numbers(gan.critic(real));
    const b = numbers(gan.critic(fake));
    // Non-saturating BCE: softplus(−D(row labelled real)) + softplus(D(row labelled fake)).
    const sp = (v: number) => scalar(softplus(tf.scalar(v)));
    let want = 0;
    for (let i = 0; i < n; i++) {
      const [r, f] = swap[i] ? [b[i]!, a[i]!] : [a[i]!, b[i]!];
      want += (sp(-r) + sp(f)) / n;
    }
    expect(got).toBeCloseTo(want, 5);
    const unflipped = mlp();
    expect(
      Math.abs(scalar(unflipped.discriminatorLoss(real, Rng.fromSeed(2))) - got),
    ).toBeGreaterThan(1e-3);
    expect(() => mlp({ labelFlip: 0.5 })).toThrow(/Gan\.mlp: .*'labelFlip'.*\[0, 0\.5\)/);
    const both = mlp({ labelFlip: p, labelSmoothing: { value: 0.8, decaySteps: 5 } });
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => both.discriminatorLoss(real, Rng.fromSeed(3)),
        both.discriminatorVariables,
      );
      tf.dispose([value, grads]);
      both.afterDiscriminatorStep();
    }, 'label flipping with decaying smoothing');
    both.dispose();
    tf.dispose([real, fake]);
    gan.dispose();
    unflipped.dispose();
  });
});
