import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { posteriorParams } from './posterior.js';
import { Vae } from './vae.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const CENTRES = [
  [-4, -4],
  [-4, 4],
  [4, -4],
  [4, 4],
];

/** n 2-D points from 4 clusters (std 0.5) around CENTRES; the class of a point is its cluster. */
function clusters(n: number, seed: number): { x: tf.Tensor2D; condition: tf.Tensor2D } {
  return tf.tidy(() => {
    const labels = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 4),
      'int32',
    );
    const noise = Rng.fromSeed(seed).normal([n, 2], 0, 0.5);
    const x = tf.add(tf.gather(tf.tensor2d(CENTRES), labels), noise) as tf.Tensor2D;
    return { x, condition: tf.cast(tf.oneHot(labels, 4), 'float32') as tf.Tensor2D };
  });
}

/** Fraction of rows of `samples` whose nearest centre is centre `k`. */
async function nearestIs(samples: tf.Tensor, k: number): Promise<number> {
  const rows = (await samples.array()) as number[][];
  samples.dispose();
  const nearest = (p: number[]) => {
    const d = CENTRES.map(([a, b]) => (p[0]! - a!) ** 2 + (p[1]! - b!) ** 2);
    return d.indexOf(Math.min(...d));
  };
  return rows.filter((p) => nearest(p) === k).length / rows.length;
}

const oneHot = (k: number, rows = 1) =>
  tf.tidy(() => tf.cast(tf.oneHot(tf.fill([rows], k, 'int32'), 4), 'float32'));

const cvae = (extra = {}) =>
  Vae.mlp({
    inputSize: 2,
    hiddenSizes: [32],
    latentSize: 2,
    likelihood: { gaussian: 'fixed', scale: 0.5 },
    conditionSize: 4,
    seed: 1,
    ...extra,
  });

describe('conditional Vae (CVAE)', () => {
  it('after a short training, samples conditioned on class k lie nearest to centre k (≥ 90%)', async () => {
    const vae = cvae();
    const batch = clusters(128, 2);
    const rng = Rng.fromSeed(3);
    // The control: before training the condition does not yet steer the samples (seeded run:
    // 0.41, 0.12, 0.05, 0.65 near their centre; after 80 steps all four are 1.0).
    const before: number[] = [];
    for (let k = 0; k < 4; k++) {
      const c = oneHot(k);
      before.push(await nearestIs(vae.sample(200, rng, { condition: c }), k));
      c.dispose();
    }
    expect(Math.min(...before)).toBeLessThan(0.9);
    const opt = tf.train.adam(0.03);
    for (let step = 0; step < 80; step++) {
      opt.minimize(() => vae.loss(batch, rng), true, vae.trainableVariables)?.dispose();
    }
    opt.dispose();
    for (let k = 0; k < 4; k++) {
      const c = oneHot(k);
      // Sample drawn from N(0, I) and decoded with [1, 4] (shared) conditions.
      const acc = await nearestIs(vae.sample(200, rng, { condition: c }), k);
      expect(acc).toBeGreaterThanOrEqual(0.9);
      c.dispose();
    }
    tf.dispose(batch);
    vae.dispose();
  });

  it('the encoder reads [x, c] and the decoder [z, c]: Vae.mlp against its networks', () => {
    const vae = cvae();
    const { x, condition } = clusters(6, 4);
    const got = vae.encode({ x, condition });
    const want = tf.tidy(() => posteriorParams(vae.encoder.apply(tf.concat([x, condition], 1))));
    expect(Array.from(got.mean.dataSync())).toEqual(Array.from(want.mean.dataSync()));
    expect(Array.from(got.scale.dataSync())).toEqual(Array.from(want.scale.dataSync()));
    const z = Rng.fromSeed(5).normal([6, 2]);
    const decoded = vae.decode(z, { condition });
    const direct = vae.decoder.apply(tf.concat([z, condition], 1));
    expect(Array.from(decoded.dataSync())).toEqual(Array.from(direct.dataSync()));
    // A [1, C] condition is shared by every row: the same as tiling it.
    const shared = oneHot(2);
    const tiled = oneHot(2, 6);
    const a = vae.decode(z, { condition: shared });
    const b = vae.decode(z, { condition: tiled });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    // And the condition matters.
    const other = vae.decode(z, { condition: oneHot(0, 6) });
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(b.dataSync()));
    tf.dispose([got.mean, got.scale, want.mean, want.scale, z, decoded, direct]);
    tf.dispose([shared, tiled, a, b, other, x, condition]);
    vae.dispose();
  });

  it('Vae.conv reads the condition as constant extra channels of the image', () => {
    const vae = Vae.conv({ latentSize: 2, likelihood: 'bernoulli', conditionSize: 3, seed: 0 });
    const x = tf.tidy(() => tf.round(Rng.fromSeed(1).uniform([2, 28, 28, 1])));
    const condition = tf.tensor2d([
      [1, 0, 0],
      [0, 0.5, 0.5],
    ]);
    const got = vae.encode({ x, condition });
    const want = tf.tidy(() => {
      const planes = tf.broadcastTo(tf.reshape(condition, [2, 1, 1, 3]), [2, 28, 28, 3]);
      return posteriorParams(vae.encoder.apply(tf.concat([x, planes], 3)));
    });
    expect(Array.from(got.mean.dataSync())).toEqual(Array.from(want.mean.dataSync()));
    const recon = vae.reconstruct({ x, condition });
    expect(recon.shape).toEqual([2, 28, 28, 1]);
    const elbo = vae.elbo({ x, condition });
    expect(elbo.shape).toEqual([2]);
    expect(Array.from(elbo.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([got.mean, got.scale, want.mean, want.scale, recon, elbo, x, condition]);
    vae.dispose();
  });

  it('bounds take { x, condition }: IWAE_1 equals the Monte Carlo ELBO on the same draw', () => {
    const vae = cvae({ klMethod: 'monte-carlo' });
    const batch = clusters(8, 6);
    const e = vae.elbo(batch, { rng: Rng.fromSeed(7) });
    const i = vae.iwae(batch, 1, { rng: Rng.fromSeed(7) });
    const n = vae.nll(batch, { samples: 1, rng: Rng.fromSeed(7) });
    const ev = e.dataSync();
    const iv = i.dataSync();
    const nv = n.dataSync();
    ev.forEach((v, j) => {
      expect(iv[j]).toBeCloseTo(v, 4);
      expect(nv[j]).toBeCloseTo(-v, 4);
    });
    tf.dispose([e, i, n, batch]);
    vae.dispose();
  });

  it('interpolate and traverse keep or blend the condition', () => {
    const vae = cvae();
    const { x, condition } = clusters(2, 8);
    const [x1, x2] = tf.split(x, 2) as [tf.Tensor, tf.Tensor];
    const [c1, c2] = tf.split(condition, 2) as [tf.Tensor, tf.Tensor];
    const path = vae.interpolate({ x: x1, condition: c1 }, { x: x2, condition: c2 }, 3);
    // The middle point decodes the mean latent with the mean condition.
    const mid = tf.tidy(() => {
      const a = vae.encode({ x: x1, condition: c1 }).mean;
      const b = vae.encode({ x: x2, condition: c2 }).mean;
      const half = (u: tf.Tensor, v: tf.Tensor) => tf.mul(0.5, tf.add(u, v));
      return vae.decode(half(a, b), { condition: half(c1, c2) });
    });
    const pathRows = path.arraySync() as number[][];
    const midRow = (mid.arraySync() as number[][])[0]!;
    midRow.forEach((v, j) => {
      expect(pathRows[1]![j]).toBeCloseTo(v, 5);
    });
    const walk = vae.traverse({ x: tf.squeeze(x1), condition: tf.squeeze(c1) }, 0, [-1, 0, 1]);
    expect(walk.shape).toEqual([3, 2]);
    tf.dispose([x, condition, x1, x2, c1, c2, path, mid, walk]);
    vae.dispose();
  });

  it('records conditionSize in its config and round-trips through safetensors and loadModel', async () => {
    const vae = cvae({ seed: 9 });
    expect(vae.toConfig()).toMatchObject({ factory: 'mlp', options: { conditionSize: 4 } });
    const again = await loadModel<Vae>(modelToSafetensors(vae));
    expect(again.conditionSize).toBe(4);
    const batch = clusters(4, 10);
    const a = vae.elbo(batch, { rng: Rng.fromSeed(1) });
    const b = again.elbo(batch, { rng: Rng.fromSeed(1) });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, batch]);
    vae.dispose();
    again.dispose();
  });

  it('every conditional path leaks no tensor', async () => {
    const vae = cvae();
    const batch = clusters(8, 11);
    const c = oneHot(1);
    const z = tf.zeros([2, 2]);
    const opt = tf.train.sgd(0.01);
    const rng = Rng.fromSeed(0);
    await expectNoLeak(() => {
      opt.minimize(() => vae.loss(batch, rng), true, vae.trainableVariables)?.dispose();
      const enc = vae.encode(batch);
      tf.dispose([
        enc.mean,
        enc.scale,
        vae.elbo(batch, { samples: 2 }),
        vae.iwae(batch, 3, { chunk: 2 }),
        vae.nll(batch, { samples: 3 }),
        vae.reconstruct(batch),
        vae.sample(5, rng, { condition: c }),
        vae.decoderOutput(z, { condition: c }),
      ]);
    });
    opt.dispose();
    tf.dispose([batch, c, z]);
    vae.dispose();
  });

  it('a missing, extra or malformed condition throws InvalidArgumentError naming the call', () => {
    const vae = cvae();
    const plain = Vae.mlp({
      inputSize: 2,
      hiddenSizes: [4],
      latentSize: 2,
      likelihood: 'gaussian',
    });
    const { x, condition } = clusters(4, 12);
    const rng = Rng.fromSeed(0);
    const bad = tf.tensor2d([[1, 0, 0, Number.NaN]]);
    const narrow = tf.zeros([4, 3]);
    const expectError = (f: () => unknown, pattern: RegExp) => {
      expect(f).toThrow(InvalidArgumentError);
      expect(f).toThrow(pattern);
    };
    expectError(() => vae.loss(x, rng), /Vae\.loss: argument 'batch'.*conditionSize = 4/);
    expectError(
      () => plain.loss({ x, condition }, rng),
      /Vae\.loss: argument 'batch'.*unconditional/,
    );
    expectError(
      () => vae.elbo({ x, condition: narrow }),
      /Vae\.elbo: argument 'x\.condition'.*\[4, 4\]/,
    );
    expectError(
      () => vae.iwae({ x, condition: tf.zeros([3, 4]) }, 2),
      /Vae\.iwae: argument 'x\.condition'/,
    );
    expectError(() => vae.sample(3, rng), /Vae\.sample: argument 'options\.condition' .*required/);
    expectError(
      () => vae.sample(3, rng, { condition: tf.zeros([2, 4]) }),
      /Vae\.sample: argument 'options\.condition'.*\[3, 4\]/,
    );
    expectError(
      () => vae.sample(1, rng, { condition: bad }),
      /Vae\.sample: argument 'options\.condition'/,
    );
    expectError(
      () => plain.sample(3, rng, { condition: oneHot(0) }),
      /Vae\.sample: argument 'options\.condition'.*unconditional/,
    );
    expectError(() => vae.decode(tf.zeros([2, 2])), /Vae\.decode: argument 'options\.condition'/);
    expectError(() => vae.encode(x), /Vae\.encode: argument 'x'/);
    expectError(() => vae.reconstruct(x), /Vae\.reconstruct: argument 'x'/);
    expectError(
      () =>
        Vae.mlp({
          inputSize: 2,
          hiddenSizes: [],
          latentSize: 1,
          likelihood: 'gaussian',
          conditionSize: 0,
        }),
      /Vae\.mlp: argument 'conditionSize'/,
    );
    tf.dispose([x, condition, bad, narrow]);
    vae.dispose();
    plain.dispose();
  });
});
