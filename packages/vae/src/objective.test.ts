import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { scoreFunction } from '@gen/estimators';
import { loadModel, modelToSafetensors } from '@gen/nn';
import { createTrainer, fit, memoryCheckpointStore } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Vae } from './vae.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** 32 binary 6-dim vectors from two prototypes with 10% flips. */
function binaryData(seed = 1): tf.Tensor2D {
  return tf.tidy(() => {
    const rng = Rng.fromSeed(seed);
    const proto = tf.tensor2d([
      [1, 1, 1, 0, 0, 0],
      [0, 0, 0, 1, 1, 1],
    ]);
    const pick = tf.reshape(tf.cast(tf.greater(rng.uniform([32, 1]), 0.5), 'int32'), [32]);
    const flip = tf.cast(tf.less(rng.uniform([32, 6]), 0.1), 'float32');
    return tf.abs(tf.sub(tf.gather(proto, pick), flip)) as tf.Tensor2D;
  });
}

const tiny = (extra = {}) =>
  Vae.mlp({
    inputSize: 6,
    hiddenSizes: [8],
    latentSize: 2,
    likelihood: 'bernoulli',
    seed: 4,
    ...extra,
  });

const scalar = (t: tf.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

/** All trainable values of `vae`, flattened in order. */
function flatWeights(vae: Vae): number[] {
  return vae.trainableVariables.flatMap((v) => Array.from(v.dataSync()));
}

describe('objective { iwae: k }', () => {
  it('the loss is −mean IWAE_k(x) on the same draws, and k = 1 is the Monte Carlo ELBO loss', () => {
    const x = binaryData();
    const iw = tiny({ objective: { iwae: 5 } });
    const loss = scalar(iw.loss(x, Rng.fromSeed(2)));
    const bound = scalar(tf.mean(iw.iwae(x, 5, { rng: Rng.fromSeed(2) })));
    expect(loss).toBeCloseTo(-bound, 4);
    const one = tiny({ objective: { iwae: 1 }, beta: 0.7 });
    const elbo = tiny({ klMethod: 'monte-carlo', beta: 0.7 });
    expect(scalar(one.loss(x, Rng.fromSeed(3)))).toBeCloseTo(
      scalar(elbo.loss(x, Rng.fromSeed(3))),
      4,
    );
    // Its gradients match too (the ELBO's pathwise surrogate differentiates the same draws).
    const g1 = tf.variableGrads(() => one.loss(x, Rng.fromSeed(3)), one.trainableVariables);
    const g2 = tf.variableGrads(() => elbo.loss(x, Rng.fromSeed(3)), elbo.trainableVariables);
    one.trainableVariables.forEach((v, j) => {
      const a = Array.from(g1.grads[v.name]!.dataSync());
      const b = Array.from(g2.grads[elbo.trainableVariables[j]!.name]!.dataSync());
      a.forEach((v, i) => {
        expect(Math.abs(v - b[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(v)));
      });
    });
    tf.dispose([g1.value, g2.value, g1.grads, g2.grads, x]);
    iw.dispose();
    one.dispose();
    elbo.dispose();
  });

  it('its gradient flows through the reparameterised draws: directional derivative = finite difference', () => {
    const x = binaryData(5);
    const vae = tiny({ objective: { iwae: 8 } });
    const vars = vae.trainableVariables;
    // Fixed draws (same rng seed every call): the loss is a smooth function of the weights.
    const f = () => vae.loss(x, Rng.fromSeed(6));
    const { value, grads } = tf.variableGrads(f, vars);
    const dirs = vars.map((v, i) => Rng.fromSeed(10 + i).normal(v.shape));
    const analytic = dirs.reduce(
      (s, d, i) => s + scalar(tf.sum(tf.mul(d, grads[vars[i]!.name]!))),
      0,
    );
    const start = vars.map((v) => v.clone());
    const at = (h: number) => {
      vars.forEach((v, i) => {
        v.assign(tf.tidy(() => tf.add(start[i]!, tf.mul(h, dirs[i]!))));
      });
      return scalar(f());
    };
    const h = 1e-2;
    const numeric = (at(h) - at(-h)) / (2 * h);
    vars.forEach((v, i) => {
      v.assign(start[i]!);
    });
    expect(Math.abs(analytic)).toBeGreaterThan(0.1);
    expect(Math.abs(numeric - analytic)).toBeLessThan(0.01 * Math.abs(analytic));
    tf.dispose([value, grads, dirs, start, x]);
    vae.dispose();
  });

  it('trains: a short run on { iwae: 5 } raises the IWAE_5 bound, without leaks', async () => {
    const x = binaryData(7);
    const vae = tiny({ objective: { iwae: 5 } });
    const before = scalar(tf.mean(vae.iwae(x, 5)));
    await expectNoLeak(async () => {
      await fit(vae, x, { steps: 60, batchSize: 16, learningRate: 0.02, rng: Rng.fromSeed(8) });
    });
    expect(scalar(tf.mean(vae.iwae(x, 5)))).toBeGreaterThan(before + 0.3);
    x.dispose();
    vae.dispose();
  });

  it('bad objectives throw typed errors naming the argument', () => {
    const opts = { inputSize: 2, hiddenSizes: [], latentSize: 1, likelihood: 'gaussian' } as const;
    const cases: [unknown, RegExp][] = [
      ['iwae', /Vae\.mlp: argument 'objective'/],
      [{ iwae: 0 }, /Vae\.mlp: argument 'objective\.iwae'/],
      [{ iwae: 2.5 }, /Vae\.mlp: argument 'objective\.iwae'/],
      [{ iwae: 2, k: 1 }, /Vae\.mlp: argument 'objective'/],
    ];
    for (const [objective, pattern] of cases) {
      const make = () => Vae.mlp({ ...opts, objective: objective as 'elbo' });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(pattern);
    }
    expect(() => Vae.mlp({ ...opts, objective: { iwae: 2 }, estimator: scoreFunction() })).toThrow(
      /Vae\.mlp: argument 'estimator'.*pathwise/,
    );
  });
});

describe('beta: { from, to, steps } (KL annealing)', () => {
  it('β rises linearly over the training steps; each step’s loss equals a constant-β model’s', () => {
    const x = binaryData(9);
    const warm = tiny({ beta: { from: 0, to: 1, steps: 4 } });
    const opt = tf.train.sgd(0.05);
    const seen: number[] = [];
    for (let step = 0; step < 6; step++) {
      seen.push(warm.beta);
      const fixed = tiny({ beta: warm.beta });
      fixed.setWeights(warm.getWeights());
      // A loss outside a gradient tape (monitoring, validation) does not advance the clock.
      const outside = scalar(warm.loss(x, Rng.fromSeed(step)));
      expect(warm.beta).toBe(seen[step]);
      expect(outside).toBeCloseTo(scalar(fixed.loss(x, Rng.fromSeed(step))), 5);
      opt
        .minimize(() => warm.loss(x, Rng.fromSeed(step)), true, warm.trainableVariables)
        ?.dispose();
      fixed.dispose();
    }
    expect(seen).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
    expect(warm.getState?.()).toEqual({ step: 6 });
    opt.dispose();
    x.dispose();
    warm.dispose();
  });

  it('a checkpointed run resumes the schedule exactly (and a constant β declares no state)', async () => {
    const x = binaryData(11);
    const schedule = { beta: { from: 0.1, to: 2, steps: 10 }, klMethod: 'monte-carlo' } as const;
    const options = (extra = {}) => ({
      steps: 12,
      batchSize: 16,
      learningRate: 0.01,
      rng: Rng.fromSeed(12),
      ...extra,
    });
    const straight = tiny(schedule);
    await fit(straight, x, options());
    const store = memoryCheckpointStore();
    const first = tiny(schedule);
    const trainer = createTrainer(first, x, options({ checkpoint: { store, every: 100 } }));
    await trainer.run(5);
    await trainer.save();
    trainer.dispose();
    const resumed = tiny(schedule);
    await fit(resumed, x, options({ resume: store }));
    expect(resumed.getState?.()).toEqual({ step: 12 });
    expect(flatWeights(resumed)).toEqual(flatWeights(straight));
    // The control: the same weights and optimiser resumed with the clock at 0 end elsewhere.
    const restarted = tiny(schedule);
    const reset = { onTrainBegin: () => restarted.setState?.({ step: 0 }) };
    await fit(restarted, x, options({ resume: store, callbacks: [reset] }));
    expect(flatWeights(restarted)).not.toEqual(flatWeights(straight));
    const constant = tiny();
    expect(constant.getState).toBeUndefined();
    expect(constant.setState).toBeUndefined();
    for (const m of [straight, first, resumed, restarted, constant]) m.dispose();
    x.dispose();
  });

  it('the schedule and its step go through the config and loadModel', async () => {
    const vae = tiny({ beta: { from: 0, to: 1, steps: 8 }, objective: { iwae: 3 } });
    vae.setState?.({ step: 3 });
    expect(vae.toConfig().options).toMatchObject({
      beta: { from: 0, to: 1, steps: 8 },
      objective: { iwae: 3 },
    });
    const again = await loadModel<Vae>(modelToSafetensors(vae));
    expect(again.beta).toBe(3 / 8);
    expect(again.objective).toEqual({ iwae: 3 });
    vae.dispose();
    again.dispose();
  });

  it('bad schedules and states throw typed errors naming the argument', () => {
    const opts = { inputSize: 2, hiddenSizes: [], latentSize: 1, likelihood: 'gaussian' } as const;
    const cases: [unknown, RegExp][] = [
      [-1, /Vae\.mlp: argument 'beta'/],
      [{ from: 0, to: 1 }, /Vae\.mlp: argument 'beta\.steps'/],
      [{ from: -1, to: 1, steps: 2 }, /Vae\.mlp: argument 'beta\.from'/],
      [{ from: 0, to: Number.NaN, steps: 2 }, /Vae\.mlp: argument 'beta\.to'/],
      [{ from: 0, to: 1, steps: 0 }, /Vae\.mlp: argument 'beta\.steps'/],
      [{ from: 0, to: 1, steps: 2, warm: 1 }, /Vae\.mlp: argument 'beta'.*warm/],
    ];
    for (const [beta, pattern] of cases) {
      const make = () => Vae.mlp({ ...opts, beta: beta as number });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(pattern);
    }
    const vae = Vae.mlp({ ...opts, beta: { from: 0, to: 1, steps: 2 } });
    expect(() => vae.setState?.({ step: -1 })).toThrow(/Vae\.setState: argument 'state\.step'/);
    expect(() => vae.setState?.({})).toThrow(InvalidArgumentError);
    vae.dispose();
  });
});
