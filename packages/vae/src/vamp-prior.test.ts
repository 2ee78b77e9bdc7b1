import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import { fit } from '@gen/train';
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

const vamp = (extra = {}) =>
  Vae.mlp({
    inputSize: 6,
    hiddenSizes: [8],
    latentSize: 2,
    likelihood: 'bernoulli',
    prior: { vamp: 3 },
    seed: 5,
    ...extra,
  });

/** log (1/K) Σₖ N(z; μₖ, diag σₖ²) written out on the host, for rows z. */
function mixtureByHand(means: number[][], scales: number[][], z: number[][]): number[] {
  return z.map((row) => {
    const logs = means.map((m, k) =>
      row.reduce((s, v, d) => {
        const sd = scales[k]![d]!;
        return s - 0.5 * ((v - m[d]!) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
      }, 0),
    );
    const top = Math.max(...logs);
    return top + Math.log(logs.reduce((s, l) => s + Math.exp(l - top), 0) / logs.length);
  });
}

describe('VampPrior (prior: { vamp: K })', () => {
  it('log p(z) is the mixture of q(z | uₖ) over the pseudo-inputs', () => {
    const vae = vamp();
    const { mean, scale } = vae.encode(vae.pseudoInputs!.inputs);
    const z = Rng.fromSeed(2).normal([5, 2], 0, 1.5);
    const got = vae.priorLogProb(z);
    const want = mixtureByHand(
      mean.arraySync() as number[][],
      scale.arraySync() as number[][],
      z.arraySync() as number[][],
    );
    Array.from(got.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 4);
    });
    tf.dispose([mean, scale, z, got]);
    vae.dispose();
  });

  it('samplePrior draws the latents sample decodes, from the pseudo-inputs’ posteriors', async () => {
    const vae = vamp();
    const { mean } = vae.encode(vae.pseudoInputs!.inputs);
    const z = vae.samplePrior(400, Rng.fromSeed(4));
    expect(z.shape).toEqual([400, 2]);
    // The same rng: decoding the prior draws gives exactly what sample gives.
    const decoded = vae.decode(vae.samplePrior(6, Rng.fromSeed(4)));
    const sampled = vae.sample(6, Rng.fromSeed(4));
    expect(await decoded.array()).toEqual(await sampled.array());
    // Their mean is the pseudo-inputs' mean posterior mean (K = 3 picked uniformly), within 4
    // standard errors of 400 draws.
    const got = (await tf.mean(z, 0).array()) as number[];
    const sd = (await tf.sqrt(tf.moments(z, 0).variance).array()) as number[];
    const want = (await tf.mean(mean, 0).array()) as number[];
    for (const [i, v] of got.entries()) {
      expect(Math.abs(v - want[i]!)).toBeLessThan((4 * sd[i]!) / 20);
    }
    expect(() => vae.samplePrior(0, Rng.fromSeed(1))).toThrow(/Vae\.samplePrior: argument 'n'/);
    await expectNoLeak(() => vae.samplePrior(3, Rng.fromSeed(1)));
    tf.dispose([mean, z, decoded, sampled]);
    vae.dispose();
  });

  it('ELBO ≤ IWAE_k ≈ log p(x), where log p(x) = log ∫ p(x|z) p(z) dz by quadrature', async () => {
    const vae = vamp();
    const x = binaryData(3);
    // Midpoint rule on [−6, 6]² with step 0.1 (step 0.05 on [−8, 8]² moves the mean by 2e-6
    // nats), log p(x|z) written out from the decoder's logits.
    const exact = tf.tidy(() => {
      const step = 0.1;
      const m = Math.round(12 / step);
      const axis = tf.add(tf.mul(tf.range(0, m), step), -6 + step / 2);
      const z = tf.stack(
        [tf.reshape(tf.tile(tf.expandDims(axis, 1), [1, m]), [-1]), tf.tile(axis, [m])],
        1,
      );
      const logPrior = tf.expandDims(vae.priorLogProb(z), 1);
      const logits = vae.decoderOutput(z);
      const logLik = tf.sub(
        tf.matMul(logits, x, false, true),
        tf.sum(tf.softplus(logits), 1, true),
      );
      return tf.add(tf.logSumExp(tf.add(logLik, logPrior), 0), 2 * Math.log(step));
    });
    const logP = Array.from(exact.dataSync());
    const elbo = Array.from(vae.elbo(x, { samples: 200, rng: Rng.fromSeed(4) }).dataSync());
    const iwae = Array.from(vae.iwae(x, 2000, { rng: Rng.fromSeed(5) }).dataSync());
    const gap = (a: number[]) => a.map((v, i) => logP[i]! - v);
    const meanSe = (d: number[]) => {
      const m = d.reduce((s, v) => s + v, 0) / d.length;
      const sd = Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / (d.length - 1));
      return [m, sd / Math.sqrt(d.length)] as const;
    };
    const [elboGap] = meanSe(gap(elbo));
    const [iwaeGap, se] = meanSe(gap(iwae));
    // Seeded run: log p(x) − ELBO = 0.77 ± 0.13, log p(x) − IWAE_2000 = −0.025 ± 0.029 nats.
    expect(elboGap).toBeGreaterThan(0);
    expect(Math.abs(iwaeGap)).toBeLessThan(4 * se + 1e-3);
    tf.dispose([exact, x]);
    vae.dispose();
  });

  it('the pseudo-inputs are weights: they get gradients, train, save and load', async () => {
    const vae = vamp();
    const x = binaryData(6);
    const u = vae.pseudoInputs!.inputs;
    const { value, grads } = tf.variableGrads(() => vae.loss(x, Rng.fromSeed(0)), [u]);
    expect(tf.tidy(() => tf.max(tf.abs(grads[u.name]!)).dataSync()[0]!)).toBeGreaterThan(1e-4);
    tf.dispose([value, grads]);
    const before = tf.tidy(() => tf.mean(vae.elbo(x, { samples: 20 })).dataSync()[0]!);
    const start = u.clone();
    await expectNoLeak(async () => {
      await fit(vae, x, { steps: 80, batchSize: 16, learningRate: 0.02, rng: Rng.fromSeed(7) });
    });
    const after = tf.tidy(() => tf.mean(vae.elbo(x, { samples: 20 })).dataSync()[0]!);
    expect(after).toBeGreaterThan(before + 0.3);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(u, start))).dataSync()[0]!)).toBeGreaterThan(1e-3);
    expect(Object.keys(vae.getWeights())).toContain('prior/pseudoInputs');
    const again = await loadModel<Vae>(modelToSafetensors(vae));
    expect(again.prior).toEqual({ vamp: 3 });
    const a = vae.elbo(x, { rng: Rng.fromSeed(1) });
    const b = again.elbo(x, { rng: Rng.fromSeed(1) });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const z = tf.zeros([2, 2]);
    await expectNoLeak(() => {
      const s = vae.sample(4, Rng.fromSeed(2));
      expect(s.shape).toEqual([4, 6]);
      tf.dispose([s, vae.iwae(x, 3), vae.priorLogProb(z)]);
    });
    tf.dispose([start, a, b, x, z]);
    vae.dispose();
    again.dispose();
  });

  it('bad priors throw typed errors naming the argument', () => {
    const cases: [object, RegExp][] = [
      [{ prior: { vamp: 0 } }, /Vae\.mlp: argument 'prior'/],
      [{ prior: 'vamp' }, /Vae\.mlp: argument 'prior'/],
      [{ klMethod: 'analytic' }, /Vae\.mlp: argument 'klMethod'.*monte-carlo/],
      [{ conditionSize: 2 }, /Vae\.mlp: argument 'prior'.*conditionSize/],
    ];
    for (const [extra, pattern] of cases) {
      expect(() => vamp(extra)).toThrow(InvalidArgumentError);
      expect(() => vamp(extra)).toThrow(pattern);
    }
    const plain = Vae.mlp({ inputSize: 2, hiddenSizes: [], latentSize: 1, likelihood: 'gaussian' });
    expect(
      () =>
        new Vae({
          encoder: plain.encoder,
          decoder: plain.decoder,
          latentSize: 1,
          likelihood: 'gaussian',
          prior: { vamp: 2 },
        }),
    ).toThrow(/Vae: argument 'prior'.*dataShape/);
    expect(() => plain.priorLogProb(tf.zeros([2, 3]))).toThrow(/Vae\.priorLogProb: argument 'z'/);
    plain.dispose();
  });
});
