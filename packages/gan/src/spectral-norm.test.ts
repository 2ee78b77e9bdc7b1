import { initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan } from './gan.js';
import { MlpCritic } from './mlp-critic.js';
import { DcganDiscriminator } from './networks.js';
import { SpectralConv2d, SpectralDense } from './spectral-norm.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** A kernel [..., out] as a float64 matrix [rows, out]. */
function matrix(kernel: tf.Tensor): number[][] {
  const out = kernel.shape.at(-1)!;
  const data = Array.from(kernel.dataSync());
  const rows: number[][] = [];
  for (let i = 0; i < data.length; i += out) rows.push(data.slice(i, i + out));
  return rows;
}

/**
 * The largest singular value of `m` in float64: power iteration on mᵀm from a fixed start,
 * run until it stops changing (an oracle independent of the layer's own float32 iteration).
 */
function largestSingularValue(m: number[][]): number {
  const cols = m[0]!.length;
  let v = Array.from({ length: cols }, (_, j) => 1 + 0.1 * j);
  let sigma = 0;
  for (let it = 0; it < 5000; it++) {
    const mv = m.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
    const next = Array.from({ length: cols }, (_, j) =>
      m.reduce((s, row, i) => s + row[j]! * mv[i]!, 0),
    );
    const norm = Math.hypot(...next);
    v = next.map((x) => x / norm);
    const s = Math.sqrt(norm);
    if (Math.abs(s - sigma) < 1e-13 * s) return s;
    sigma = s;
  }
  return sigma;
}

/** σ̂ = uᵀ K v from a layer's saved weights (names ending kernel, u, v under `prefix`). */
function estimate(
  weights: Record<string, tf.Tensor>,
  prefix: string,
): { k: number[][]; sigma: number } {
  const k = matrix(weights[`${prefix}/kernel`]!);
  const u = Array.from(weights[`${prefix}/u`]!.dataSync());
  const v = Array.from(weights[`${prefix}/v`]!.dataSync());
  const sigma = k.reduce((s, row, i) => s + u[i]! * row.reduce((t, x, j) => t + x * v[j]!, 0), 0);
  return { k, sigma };
}

/** The largest singular value of K/σ̂ for every spectrally normalised layer under `prefixes`. */
function normalisedNorms(network: { getWeights(): Record<string, tf.Tensor> }, prefixes: string[]) {
  const w = network.getWeights();
  const out = prefixes.map((p) => {
    const { k, sigma } = estimate(w, p);
    return largestSingularValue(k) / sigma;
  });
  tf.dispose(Object.values(w));
  return out;
}

describe('spectral normalisation', () => {
  it('SpectralDense and SpectralConv2d start with σ_max(W/σ̂) = 1 (float64 oracle) and apply W/σ̂', () => {
    const dense = new SpectralDense({
      inputSize: 7,
      outputSize: 5,
      rng: Rng.fromSeed(1),
      name: 'd',
    });
    const conv = new SpectralConv2d({
      inChannels: 2,
      outChannels: 3,
      kernelSize: 3,
      padding: 'same',
      rng: Rng.fromSeed(2),
      name: 'c',
    });
    // 15 steps from a random start: within 1 % (measured 1.0002 and 1.004 here).
    for (const n of [...normalisedNorms(dense, ['d']), ...normalisedNorms(conv, ['c'])]) {
      expect(Math.abs(n - 1)).toBeLessThan(1e-2);
    }
    // The plain kernels are far from norm 1, so the normalisation does something.
    expect(largestSingularValue(matrix(dense.kernel))).not.toBeCloseTo(1, 1);
    const w = dense.getWeights();
    const { sigma } = estimate(w, 'd');
    const x = Rng.fromSeed(3).normal([4, 7]);
    const want = tf.tidy(() => tf.add(tf.matMul(x, tf.div(dense.kernel, sigma)), dense.bias!));
    const got = dense.apply(x);
    expectClose(got, want, { rtol: 1e-5, atol: 1e-6 });
    const img = Rng.fromSeed(4).normal([2, 5, 5, 2]);
    const cw = conv.getWeights();
    const cs = estimate(cw, 'c').sigma;
    const wantConv = tf.tidy(() =>
      tf.add(
        tf.conv2d(img as tf.Tensor4D, tf.div(conv.kernel, cs) as tf.Tensor4D, 1, 'same'),
        conv.bias!,
      ),
    );
    const gotConv = conv.apply(img);
    expectClose(gotConv, wantConv, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([w, cw, x, want, got, img, wantConv, gotConv]);
    dense.dispose();
    conv.dispose();
  });

  it('powerIteration is one step: v ← Wᵀu/‖Wᵀu‖, u ← Wv/‖Wv‖ (host recomputation)', () => {
    const dense = new SpectralDense({ inputSize: 4, outputSize: 3, seed: 5, name: 'd' });
    // Another kernel, so the stored u is far from converged for it.
    dense.kernel.assign(Rng.fromSeed(6).normal([4, 3]));
    const before = dense.getWeights();
    const k = matrix(before['d/kernel']!);
    const u0 = Array.from(before['d/u']!.dataSync());
    const kt = k[0]!.map((_, j) => k.reduce((s, row, i) => s + row[j]! * u0[i]!, 0));
    const v = kt.map((x) => x / Math.hypot(...kt));
    const kv = k.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
    const u = kv.map((x) => x / Math.hypot(...kv));
    dense.powerIteration();
    const after = dense.getWeights();
    expectClose(after['d/v']!, v, { rtol: 1e-5, atol: 1e-6 });
    expectClose(after['d/u']!, u, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([before, after]);
    dense.dispose();
  });

  it('the gradient treats u and v as constants and flows through σ̂ (finite differences on W)', () => {
    const dense = new SpectralDense({ inputSize: 3, outputSize: 2, seed: 7, name: 'd' });
    const x = Rng.fromSeed(8).normal([5, 3]);
    const loss = () => tf.sum(tf.square(dense.apply(x))) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, [dense.kernel]);
    const saved = tf.clone(dense.kernel);
    const fd = numericalGradient(
      (k) => {
        dense.kernel.assign(k);
        return loss();
      },
      saved,
      1e-2,
    );
    dense.kernel.assign(saved);
    expectClose(grads[dense.kernel.name]!, fd, { rtol: 2e-2, atol: 2e-3 });
    tf.dispose([value, grads, saved, fd, x]);
    dense.dispose();
  });

  it('Gan.mlp({ spectralNorm }): σ_max(W/σ̂) ≈ 1 for every critic kernel after training; u, v advance once per update', () => {
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [8, 8],
      conditionSize: 3,
      spectralNorm: true,
      loss: 'hinge',
      seed: 3,
    });
    expect(gan.discriminator).toBeInstanceOf(MlpCritic);
    const layers = ['dense0', 'dense1', 'dense2', 'embed'].map((l) => `discriminator/${l}`);
    const x = Rng.fromSeed(1).normal([32, 2], 1, 0.5);
    const condition = tf.tidy(() =>
      tf.cast(
        tf.oneHot(
          tf.tensor1d(
            Array.from({ length: 32 }, (_, i) => i % 3),
            'int32',
          ),
          3,
        ),
        'float32',
      ),
    );
    const rng = Rng.fromSeed(2);
    const [dOpt, gOpt] = [tf.train.adam(2e-2, 0.5), tf.train.adam(2e-2, 0.5)];
    const u0 = gan.getWeights();
    for (let step = 0; step < 15; step++) {
      tf.dispose(
        dOpt.minimize(
          () => gan.discriminatorLoss({ x, condition }, rng),
          true,
          gan.discriminatorVariables,
        ) ?? [],
      );
      gan.afterDiscriminatorStep();
      tf.dispose(
        gOpt.minimize(
          () => gan.generatorLoss(32, rng, { condition }),
          true,
          gan.generatorVariables,
        ) ?? [],
      );
    }
    const u1 = gan.getWeights();
    // The kernels moved (Adam at 2e-2 for 15 steps) and u followed them.
    expect(
      Math.max(
        ...tf.tidy(() =>
          Array.from(
            tf
              .abs(
                tf.sub(
                  u1['discriminator/discriminator/dense1/kernel']!,
                  u0['discriminator/discriminator/dense1/kernel']!,
                ),
              )
              .dataSync(),
          ),
        ),
      ),
    ).toBeGreaterThan(0.05);
    for (const n of normalisedNorms(gan.discriminator, layers)) {
      expect(n).toBeGreaterThan(0.97);
      expect(n).toBeLessThan(1.03);
    }
    tf.dispose([u0, u1, x, condition]);
    dOpt.dispose();
    gOpt.dispose();
    gan.dispose();
  });

  it('Gan.dcgan({ spectralNorm, discriminatorBatchNorm }): normalised kernels, running statistics, save and load', async () => {
    const gan = Gan.dcgan({
      latentSize: 4,
      width: 2,
      spectralNorm: true,
      discriminatorBatchNorm: true,
      seed: 1,
    });
    const d = gan.discriminator as DcganDiscriminator;
    expect(d).toBeInstanceOf(DcganDiscriminator);
    for (const n of normalisedNorms(d, [
      'discriminator/conv1',
      'discriminator/conv2',
      'discriminator/out',
    ])) {
      expect(Math.abs(n - 1)).toBeLessThan(1e-2);
    }
    const real = Rng.fromSeed(2).uniform([6, 784]);
    const stats = () => {
      const w = d.getWeights();
      const mean = Array.from(w['discriminator/norm/runningMean']!.dataSync());
      tf.dispose(Object.values(w));
      return mean;
    };
    const before = stats();
    tf.dispose(gan.discriminatorLoss(real, Rng.fromSeed(3)));
    expect(stats()).not.toEqual(before);
    // critic() runs in inference mode: each image's value does not depend on the others.
    const all = gan.critic(real);
    const first = gan.critic(tf.slice(real, [0, 0], [1, 784]));
    expectClose(tf.slice(all, [0], [1]), first, { rtol: 1e-5, atol: 1e-6 });
    gan.afterDiscriminatorStep();
    const loaded = await loadModel<Gan>(modelToSafetensors(gan));
    const [a, b] = [
      gan.discriminatorLoss(real, Rng.fromSeed(4)),
      loaded.discriminatorLoss(real, Rng.fromSeed(4)),
    ];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([real, all, first, a, b]);
    gan.dispose();
    loaded.dispose();
  });

  it('a spectrally normalised critic with a gradient penalty makes no tensors beyond its results', async () => {
    const gan = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [8],
      spectralNorm: true,
      loss: 'wasserstein-gp',
      r1Penalty: 1,
    });
    const x = Rng.fromSeed(1).normal([8, 2]);
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => gan.discriminatorLoss(x, Rng.fromSeed(2)),
        gan.discriminatorVariables,
      );
      tf.dispose([value, grads]);
      gan.afterDiscriminatorStep();
    }, 'spectral norm with gradient penalties');
    x.dispose();
    gan.dispose();
  });

  it('refuses a non-boolean spectralNorm, naming the factory', () => {
    expect(() =>
      Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [], spectralNorm: 1 as never }),
    ).toThrow(/Gan\.mlp: .*'spectralNorm'.*boolean/);
    expect(() => Gan.dcgan({ latentSize: 2, width: 2, spectralNorm: 'yes' as never })).toThrow(
      /Gan\.dcgan: .*'spectralNorm'.*boolean/,
    );
    expect(() =>
      Gan.dcgan({ latentSize: 2, width: 2, discriminatorBatchNorm: 'yes' as never }),
    ).toThrow(/Gan\.dcgan: .*'discriminatorBatchNorm'.*boolean/);
  });
});
