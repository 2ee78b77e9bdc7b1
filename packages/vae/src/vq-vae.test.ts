import { InvalidArgumentError, initBackend, type NamedTensors, type Network, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { VqVae } from './vq-vae.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** y = x W, no bias: a network whose gradients are easy to write down. */
class Linear implements Network {
  readonly w: tf.Variable;
  constructor(values: number[][]) {
    this.w = tf.variable(tf.tensor2d(values));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.matMul(x, this.w);
  }
  get trainableVariables(): tf.Variable[] {
    return [this.w];
  }
  getWeights(): NamedTensors {
    return { w: this.w.clone() };
  }
  setWeights(weights: NamedTensors): void {
    this.w.assign(weights.w!);
  }
  dispose(): void {
    this.w.dispose();
  }
}

type M = number[][];
const matMul = (a: M, b: M): M =>
  a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const transpose = (a: M): M => a[0]!.map((_, j) => a.map((r) => r[j]!));

const X = [
  [1, -0.5],
  [0.2, 0.8],
];
const W = [
  [0.9, -0.3, 0.4, 0.1],
  [0.2, 0.7, -0.6, 0.5],
];
const V = [
  [0.5, -0.2],
  [0.3, 0.8],
  [-0.4, 0.6],
  [0.1, 0.2],
];
// Three 2-D codes; code 2 sits far away, so nothing chooses it (a zero-gradient row).
const E = [
  [0.8, -0.5],
  [-0.2, 0.3],
  [9, 9],
];
const BETA = 0.25;

/** x W read as 2 code vectors of length 2 per example, quantised with the codebook E. */
function tiny(): VqVae {
  const vq = new VqVae({
    encoder: new Linear(W),
    decoder: new Linear(V),
    latentShape: [4],
    codebookSize: 3,
    embeddingSize: 2,
    likelihood: 'gaussian',
    commitment: BETA,
  });
  const weights = vq.getWeights();
  const embeddings = tf.tensor2d(E);
  vq.setWeights({ ...weights, 'codebook/embeddings': embeddings });
  tf.dispose([weights, embeddings]);
  return vq;
}

/** The loss and its gradients for X, W, V, E, worked out by hand (n = 2 examples). */
function byHand() {
  const n = X.length;
  const ze = matMul(X, W);
  const nearest = (v: number[]) => {
    const d = E.map((e) => (e[0]! - v[0]!) ** 2 + (e[1]! - v[1]!) ** 2);
    return d.indexOf(Math.min(...d));
  };
  const codes = ze.map((r) => [nearest(r.slice(0, 2)), nearest(r.slice(2, 4))]);
  const e = codes.map((c) => [...E[c[0]!]!, ...E[c[1]!]!]);
  const out = matMul(e, V);
  const r = out.map((row, i) => row.map((v, j) => v - X[i]![j]!));
  const diff = ze.map((row, i) => row.map((v, j) => v - e[i]![j]!));
  const sq = (m: M) => m.flat().reduce((s, v) => s + v * v, 0);
  const loss = (0.5 * sq(r) + n * Math.log(2 * Math.PI) + (1 + BETA) * sq(diff)) / n;
  // Straight-through: the decoder's gradient r Vᵀ reaches z_e unchanged; plus the commitment's.
  const dze = matMul(r, transpose(V)).map((row, i) =>
    row.map((v, j) => (v + 2 * BETA * diff[i]![j]!) / n),
  );
  const dW = matMul(transpose(X), dze);
  const dV = matMul(transpose(e), r).map((row) => row.map((v) => v / n));
  // The codebook learns from ‖sg(z_e) − e‖² only: 2 (e_k − z_e) / n over the vectors choosing k.
  const dE = E.map(() => [0, 0]);
  codes.forEach((c, i) => {
    c.forEach((k, p) => {
      for (let d = 0; d < 2; d++) dE[k]![d]! += (-2 * diff[i]![2 * p + d]!) / n;
    });
  });
  return { loss, codes, dW, dV, dE };
}

const close = (got: number[][], want: number[][]) => {
  got.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(Math.abs(v - want[i]![j]!)).toBeLessThan(1e-5);
    });
  });
};

describe('VqVae', () => {
  it('loss and straight-through gradients match the hand-computed values', () => {
    const vq = tiny();
    const x = tf.tensor2d(X);
    const want = byHand();
    const codes = vq.encodeCodes(x);
    expect(codes.arraySync()).toEqual(want.codes);
    const enc = vq.encoder as Linear;
    const dec = vq.decoder as Linear;
    const vars = [enc.w, dec.w, vq.codebook.embeddings];
    const { value, grads } = tf.variableGrads(() => vq.loss(x, Rng.fromSeed(0)), vars);
    expect(value.dataSync()[0]).toBeCloseTo(want.loss, 5);
    close(grads[enc.w.name]!.arraySync() as M, want.dW);
    close(grads[dec.w.name]!.arraySync() as M, want.dV);
    close(grads[vq.codebook.embeddings.name]!.arraySync() as M, want.dE);
    // The unused code gets no gradient at all.
    expect(want.dE[2]).toEqual([0, 0]);
    tf.dispose([codes, value, grads, x]);
    vq.dispose();
  });

  it('lossTerms splits the loss, and the decoder sees the nearest codes (decodeCodes = reconstruct)', () => {
    const vq = tiny();
    const x = tf.tensor2d(X);
    const t = vq.lossTerms(x);
    const total = tf.tidy(() =>
      tf.mean(tf.add(tf.add(t.reconstruction, t.codebook), tf.mul(BETA, t.commitment))),
    );
    const loss = vq.loss(x, Rng.fromSeed(0));
    expect(total.dataSync()[0]).toBeCloseTo(loss.dataSync()[0]!, 6);
    // Forward values of the two squared distances are the same number.
    expect(Array.from(t.codebook.dataSync())).toEqual(Array.from(t.commitment.dataSync()));
    const codes = vq.encodeCodes(x);
    const a = vq.reconstruct(x);
    const b = vq.decodeCodes(codes);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([t.reconstruction, t.codebook, t.commitment, total, loss, codes, a, b, x]);
    vq.dispose();
  });

  it('samplePrior draws codebook vectors, the latents sample decodes', async () => {
    const vq = tiny();
    const zq = vq.samplePrior(6, Rng.fromSeed(3));
    expect(zq.shape).toEqual([6, 4]);
    const rows = (await tf.reshape(zq, [12, 2]).array()) as number[][];
    const near = (e: number[], r: number[]) => Math.hypot(e[0]! - r[0]!, e[1]! - r[1]!) < 1e-6;
    for (const row of rows) expect(E.some((e) => near(e, row))).toBe(true);
    // The Gaussian likelihood's mean is the decoder's output: the same rng, the same draws.
    const decoded = vq.decoder.apply(zq);
    const sampled = vq.sample(6, Rng.fromSeed(3));
    expect(await decoded.array()).toEqual(await sampled.array());
    expect(() => vq.samplePrior(0, Rng.fromSeed(1))).toThrow(/VqVae\.samplePrior: argument 'n'/);
    tf.dispose([zq, decoded, sampled]);
    vq.dispose();
  });

  it('codebookUsage reports counts, codes used and perplexity exp(H)', async () => {
    const vq = tiny();
    const x = tf.tensor2d(X);
    const { codes } = byHand();
    const counts = [0, 0, 0];
    for (const k of codes.flat()) counts[k]! += 1;
    const p = counts.filter((c) => c > 0).map((c) => c / 4);
    const usage = await vq.codebookUsage(x);
    expect(usage.counts).toEqual(counts);
    expect(usage.used).toBe(p.length);
    expect(usage.perplexity).toBeCloseTo(Math.exp(-p.reduce((h, q) => h + q * Math.log(q), 0)), 6);
    expect(usage.used).toBe(2);
    x.dispose();
    vq.dispose();
  });

  it('VqVae.mlp trains on 4 clusters: the loss falls, one code per cluster, and it leaks nothing', async () => {
    const centres = tf.tensor2d([
      [-2, -2],
      [-2, 2],
      [2, -2],
      [2, 2],
    ]);
    const labels = tf.tensor1d(
      Array.from({ length: 128 }, (_, i) => i % 4),
      'int32',
    );
    const x = tf.tidy(() =>
      tf.add(tf.gather(centres, labels), Rng.fromSeed(1).normal([128, 2], 0, 0.1)),
    );
    const vq = VqVae.mlp({
      inputSize: 2,
      hiddenSizes: [16],
      embeddingSize: 2,
      codebookSize: 8,
      likelihood: { gaussian: 'fixed', scale: 0.5 },
      seed: 2,
    });
    const rng = Rng.fromSeed(3);
    const first = vq.loss(x, rng);
    const start = first.dataSync()[0]!;
    first.dispose();
    const opt = tf.train.adam(0.02);
    // The first step creates Adam's moment variables; the later ones must leave nothing behind.
    opt.minimize(() => vq.loss(x, rng), true, vq.trainableVariables)?.dispose();
    await expectNoLeak(() => {
      for (let step = 1; step < 120; step++) {
        opt.minimize(() => vq.loss(x, rng), true, vq.trainableVariables)?.dispose();
      }
    });
    opt.dispose();
    const last = vq.loss(x, rng);
    expect(last.dataSync()[0]).toBeLessThan(start - 1);
    const usage = await vq.codebookUsage(x);
    // Each cluster gets its own code (seeded run: 4 codes used equally, perplexity 4.0).
    expect(usage.used).toBeGreaterThanOrEqual(4);
    expect(usage.perplexity).toBeGreaterThan(3.5);
    await expectNoLeak(async () => {
      const s = vq.sample(5, rng);
      expect(s.shape).toEqual([5, 2]);
      tf.dispose([s, vq.reconstruct(x), vq.encode(x)]);
      await vq.codebookUsage(x);
    });
    tf.dispose([last, x, centres, labels]);
    vq.dispose();
  });

  it('round-trips through its config, safetensors and loadModel (codebook included)', async () => {
    const vq = VqVae.mlp({
      inputSize: 3,
      hiddenSizes: [4],
      codes: 2,
      embeddingSize: 2,
      codebookSize: 5,
      likelihood: 'bernoulli',
      seed: 7,
    });
    expect(Object.keys(vq.getWeights())).toContain('codebook/embeddings');
    const again = await loadModel<VqVae>(modelToSafetensors(vq));
    expect(again.toConfig()).toEqual(vq.toConfig());
    const x = tf.tensor2d([
      [1, 0, 1],
      [0, 1, 1],
    ]);
    const a = vq.loss(x, Rng.fromSeed(0));
    const b = again.loss(x, Rng.fromSeed(0));
    expect(b.dataSync()[0]).toBe(a.dataSync()[0]);
    tf.dispose([a, b, x]);
    vq.dispose();
    again.dispose();
  });

  it('bad input throws typed errors naming the function, argument and value', () => {
    const vq = tiny();
    const x = tf.tensor2d(X);
    const condition = tf.zeros([2, 1]);
    const expectError = (f: () => unknown, pattern: RegExp) => {
      expect(f).toThrow(InvalidArgumentError);
      expect(f).toThrow(pattern);
    };
    expectError(() => vq.loss({ x, condition }, Rng.fromSeed(0)), /VqVae\.loss: argument 'batch'/);
    expectError(
      () => vq.decodeCodes(tf.tensor2d([[0, 3]], [1, 2], 'int32')),
      /VqVae\.decodeCodes: argument 'codes'.*\[0, 3\)/,
    );
    expectError(
      () => vq.decodeCodes(tf.tensor2d([[0, 1]])),
      /VqVae\.decodeCodes: argument 'codes'.*int32/,
    );
    expectError(
      () => vq.sample(2, Rng.fromSeed(0), { condition }),
      /VqVae\.sample: argument 'options\.condition'/,
    );
    expectError(() => vq.encode(tf.tensor2d([[Number.NaN, 0]])), /VqVae\.encode: argument 'x'/);
    const mlp = {
      inputSize: 2,
      hiddenSizes: [],
      embeddingSize: 2,
      codebookSize: 4,
      likelihood: 'gaussian',
    } as const;
    expectError(() => VqVae.mlp({ ...mlp, commitment: -1 }), /VqVae\.mlp.*'commitment'/);
    expectError(() => VqVae.mlp({ ...mlp, codes: 0 }), /VqVae\.mlp: argument 'codes'/);
    expectError(() => VqVae.mlp({ ...mlp, codebookSize: 0 }), /VqVae\.mlp.*'codebookSize'/);
    expectError(
      () =>
        new VqVae({
          encoder: vq.encoder,
          decoder: vq.decoder,
          latentShape: [3],
          codebookSize: 2,
          embeddingSize: 2,
          likelihood: 'gaussian',
        }),
      /VqVae: argument 'latentShape'.*multiple of embeddingSize = 2/,
    );
    tf.dispose([x, condition]);
    vq.dispose();
  });
});
