import { initBackend, Rng } from '@gen/core';
import { Independent, kl, Normal } from '@gen/distributions';
import { scoreFunction } from '@gen/estimators';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_SCALE, posteriorParams } from './posterior.js';
import { Vae } from './vae.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** 64 binary 8-dim vectors from two prototypes with 10% flips. */
function binaryData(seed = 1): tf.Tensor {
  return tf.tidy(() => {
    const rng = Rng.fromSeed(seed);
    const proto = tf.tensor2d([
      [1, 1, 1, 1, 0, 0, 0, 0],
      [0, 0, 0, 0, 1, 1, 1, 1],
    ]);
    const pick = tf.reshape(tf.cast(tf.greater(rng.uniform([64, 1]), 0.5), 'int32'), [64]);
    const base = tf.gather(proto, pick);
    const flip = tf.cast(tf.less(rng.uniform([64, 8]), 0.1), 'float32');
    return tf.abs(tf.sub(base, flip));
  });
}

const tiny = (extra = {}) =>
  Vae.mlp({
    inputSize: 8,
    hiddenSizes: [16],
    latentSize: 2,
    likelihood: 'bernoulli',
    seed: 3,
    ...extra,
  });

async function meanSe(t: tf.Tensor): Promise<[number, number]> {
  const v = Array.from(await t.data());
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  return [m, sd / Math.sqrt(v.length)];
}

describe('Vae bounds', () => {
  it('ELBO <= IWAE(5) <= IWAE(50) on average, per example shapes [n]', async () => {
    const vae = tiny();
    const x = binaryData();
    const e = vae.elbo(x, { samples: 50, rng: Rng.fromSeed(1) });
    const i5 = vae.iwae(x, 5, { rng: Rng.fromSeed(2) });
    const i50 = vae.iwae(x, 50, { rng: Rng.fromSeed(3), chunk: 7 });
    expect(e.shape).toEqual([64]);
    const [me, se] = await meanSe(e);
    const [m5, s5] = await meanSe(i5);
    const [m50] = await meanSe(i50);
    expect(me - m5).toBeLessThan((-2 * Math.hypot(se, s5)) / 10);
    expect(m5).toBeLessThan(m50);
    expect(m50).toBeLessThan(0);
    const nll = vae.nll(x, { samples: 200, rng: Rng.fromSeed(4) });
    const [mn] = await meanSe(nll);
    expect(mn).toBeGreaterThan(0);
    expect(Math.abs(mn + m50)).toBeLessThan(0.5);
    tf.dispose([x, e, i5, i50, nll]);
    vae.dispose();
  });

  it('analytic KL matches the registry, the closed form and Monte Carlo (4 SE)', async () => {
    const vae = tiny();
    const x = binaryData();
    const { mean, scale } = vae.encode(x);
    const q = new Independent(new Normal({ loc: mean, scale }), 1);
    const p = new Independent(
      new Normal({ loc: tf.zerosLike(mean), scale: tf.onesLike(scale) }),
      1,
    );
    const reg = kl(q, p);
    const closed = tf.tidy(() =>
      tf.mul(
        0.5,
        tf.sum(
          tf.sub(tf.add(tf.square(scale), tf.square(mean)), tf.add(1, tf.mul(2, tf.log(scale)))),
          1,
        ),
      ),
    );
    const regV = await reg.data();
    const cV = await closed.data();
    for (let i = 0; i < 64; i++) expect(regV[i]!).toBeCloseTo(cV[i]!, 4);
    const z = q.sample(4000, Rng.fromSeed(9));
    const mc = tf.tidy(() =>
      tf.reshape(tf.slice(tf.sub(q.logProb(z), p.logProb(z)), [0, 0], [4000, 1]), [4000]),
    );
    const [m, se] = await meanSe(mc);
    expect(Math.abs(m - cV[0]!)).toBeLessThan(4 * se);
    // elbo with klMethod 'monte-carlo' agrees with 'analytic' within its MC error.
    const mcVae = tiny({ klMethod: 'monte-carlo' });
    const a = await meanSe(vae.elbo(x, { samples: 200, rng: Rng.fromSeed(5) }));
    const b = await meanSe(mcVae.elbo(x, { samples: 200, rng: Rng.fromSeed(5) }));
    expect(Math.abs(a[0] - b[0])).toBeLessThan(4 * Math.hypot(a[1], b[1]) + 0.05);
    tf.dispose([x, mean, scale, reg, closed, z, mc]);
    q.dispose();
    p.dispose();
    vae.dispose();
    mcVae.dispose();
  });
});

describe('Vae gradients', () => {
  it('the reparameterised loss gradient matches central finite differences', async () => {
    const vae = Vae.mlp({
      inputSize: 4,
      hiddenSizes: [3],
      latentSize: 2,
      likelihood: 'bernoulli',
      seed: 2,
    });
    const x = tf.tensor2d([
      [1, 0, 1, 1],
      [0, 1, 0, 0],
    ]);
    const f = () => vae.loss(x, Rng.fromSeed(7));
    const { grads } = tf.variableGrads(f, vae.trainableVariables);
    for (const v of vae.trainableVariables.slice(0, 2)) {
      const g = await grads[v.name]!.data();
      const orig = await v.data();
      for (let i = 0; i < Math.min(4, v.size); i++) {
        const h = 1e-2;
        const plus = Float32Array.from(orig);
        plus[i] = orig[i]! + h;
        v.assign(tf.tensor(plus, v.shape));
        const fp = (await f().data())[0]!;
        plus[i] = orig[i]! - h;
        v.assign(tf.tensor(plus, v.shape));
        const fm = (await f().data())[0]!;
        v.assign(tf.tensor(orig, v.shape));
        expect(g[i]!).toBeCloseTo((fp - fm) / (2 * h), 2);
      }
    }
    tf.dispose([x, grads]);
    vae.dispose();
  });

  it('scoreFunction() gives the same loss value but a different gradient estimate', async () => {
    const a = tiny();
    const b = tiny({ estimator: scoreFunction() });
    const x = binaryData();
    const la = await a.loss(x, Rng.fromSeed(1)).data();
    const lb = await b.loss(x, Rng.fromSeed(1)).data();
    expect(lb[0]!).toBeCloseTo(la[0]!, 3);
    const ga = tf.variableGrads(() => a.loss(x, Rng.fromSeed(1)), a.trainableVariables);
    const gb = tf.variableGrads(() => b.loss(x, Rng.fromSeed(1)), b.trainableVariables);
    const k = a.trainableVariables[0]!.name;
    const kb = b.trainableVariables[0]!.name;
    const d = await tf.sum(tf.abs(tf.sub(ga.grads[k]!, gb.grads[kb]!))).data();
    expect(d[0]!).toBeGreaterThan(1e-4);
    tf.dispose([x, ga.grads, gb.grads, ga.value, gb.value]);
    a.dispose();
    b.dispose();
  });
});

describe('posterior scale', () => {
  it('stays within [MIN_SCALE, 10 + MIN_SCALE] whatever the encoder outputs', async () => {
    const out = tf.tensor2d([[0, 0, -1e4, 1e4]]);
    const { mean, scale } = posteriorParams(out);
    const s = await scale.data();
    expect(s[0]!).toBeCloseTo(MIN_SCALE, 6);
    expect(s[1]!).toBeLessThanOrEqual(10 + MIN_SCALE + 1e-3);
    expect(s[1]!).toBeGreaterThan(9.9);
    expect(Array.from(await mean.data())).toEqual([0, 0]);
    tf.dispose([out, mean, scale]);
  });

  it('setWeights rejects names that belong to neither network', () => {
    const vae = tiny();
    const w = vae.getWeights();
    w['other/kernel'] = tf.zeros([1]);
    expect(() => vae.setWeights(w)).toThrow(/Vae\.setWeights: argument 'weights'.*other\/kernel/);
    tf.dispose(w);
    vae.dispose();
  });
});
