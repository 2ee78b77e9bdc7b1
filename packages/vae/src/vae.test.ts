import { initBackend, Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import { Independent, kl, Normal } from '@gen/distributions';
import { scoreFunction } from '@gen/estimators';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { exactLogLikelihood } from '../test/exact-log-likelihood.js';
import { MIN_SCALE, posteriorParams } from './posterior.js';
import { Vae } from './vae.js';

/** 64 binary 8-dim vectors from two prototypes with 10% flips. */
function binaryData(seed = 1): tf.Tensor2D {
  return tf.tidy(() => {
    const rng = Rng.fromSeed(seed);
    const proto = tf.tensor2d([
      [1, 1, 1, 1, 0, 0, 0, 0],
      [0, 0, 0, 0, 1, 1, 1, 1],
    ]);
    const pick = tf.reshape(tf.cast(tf.greater(rng.uniform([64, 1]), 0.5), 'int32'), [64]);
    const base = tf.gather(proto, pick);
    const flip = tf.cast(tf.less(rng.uniform([64, 8]), 0.1), 'float32');
    return tf.abs(tf.sub(base, flip)) as tf.Tensor2D;
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

/** Mean and standard error of the mean of independent values. */
function meanSeOf(v: readonly number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  return [m, sd / Math.sqrt(v.length)];
}

async function meanSe(t: tf.Tensor): Promise<[number, number]> {
  const v = Array.from(await t.data());
  t.dispose();
  return meanSeOf(v);
}

/** Per-example values of `t` (disposed). */
async function perExample(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

// The statistical checks below compare per-example estimates over independent examples (each
// example draws its own z), so the standard error of a mean over examples is sd/√n; every bound
// is 4 SE (two-sided false-failure rate 6e-5 under a normal approximation).
describeBackends('Vae bounds against log p(x) by quadrature', () => {
  it('the quadrature oracle has converged: steps 0.1 and 0.05 agree within 1e-3 nats', () => {
    const vae = tiny();
    const x = binaryData();
    const coarse = exactLogLikelihood(vae, x, { step: 0.1 });
    const fine = exactLogLikelihood(vae, x, { step: 0.05 });
    const worst = Math.max(...coarse.map((v, i) => Math.abs(v - fine[i]!)));
    expect(worst).toBeLessThan(1e-3);
    x.dispose();
    vae.dispose();
  });

  it('IWAE_k ≥ the Monte Carlo ELBO on the same k draws, with equality at k = 1 (Jensen, per example)', async () => {
    const vae = tiny({ klMethod: 'monte-carlo' });
    const x = binaryData();
    // Both draw z ~ q(z|x) once from the same rng, so they see the same log weights
    // log w = log p(x, z) − log q(z|x): IWAE = log mean w ≥ mean log w = ELBO.
    const e1 = await perExample(vae.elbo(x, { samples: 1, rng: Rng.fromSeed(4) }));
    const i1 = await perExample(vae.iwae(x, 1, { rng: Rng.fromSeed(4) }));
    i1.forEach((v, i) => {
      expect(Math.abs(v - e1[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(v)));
    });
    const e8 = await perExample(vae.elbo(x, { samples: 8, rng: Rng.fromSeed(5) }));
    const i8 = await perExample(vae.iwae(x, 8, { rng: Rng.fromSeed(5) }));
    i8.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(e8[i]! - 1e-4 * (1 + Math.abs(v)));
    });
    expect(meanSeOf(i8.map((v, i) => v - e8[i]!))[0]).toBeGreaterThan(0.01);
    x.dispose();
    vae.dispose();
  });

  it('ELBO < IWAE_50 ≤ log p(x), and nll(x) converges to −log p(x) (4 SE)', async () => {
    const vae = tiny();
    const x = binaryData();
    const logP = Array.from(exactLogLikelihood(vae, x, { step: 0.1 }));
    const gap = async (t: tf.Tensor) => (await perExample(t)).map((v, i) => logP[i]! - v);
    // log p(x) − ELBO(x) = KL(q(z|x) ‖ p(z|x)) > 0 for this untrained encoder.
    const elboGap = await gap(vae.elbo(x, { samples: 500, rng: Rng.fromSeed(1) }));
    const [mElbo, seElbo] = meanSeOf(elboGap);
    expect(mElbo).toBeGreaterThan(4 * seElbo);
    // IWAE_50 is a tighter lower bound: its gap is ≥ 0 and smaller than the ELBO's.
    const iwaeGap = await gap(vae.iwae(x, 50, { rng: Rng.fromSeed(2) }));
    const [mIwae, seIwae] = meanSeOf(iwaeGap);
    expect(mIwae).toBeGreaterThan(-4 * seIwae);
    const [mTighter, seTighter] = meanSeOf(elboGap.map((g, i) => g - iwaeGap[i]!));
    expect(mTighter).toBeGreaterThan(4 * seTighter);
    // With 5000 importance samples the bias of −IWAE (O(1/k): ~1/100 of IWAE_50's gap) is far
    // below the Monte Carlo error, so the estimate must sit on the exact value.
    const nllError = (await perExample(vae.nll(x, { samples: 5000, rng: Rng.fromSeed(3) }))).map(
      (v, i) => v + logP[i]!,
    );
    const [mNll, seNll] = meanSeOf(nllError);
    expect(Math.abs(mNll)).toBeLessThan(4 * seNll);
    expect(seNll).toBeLessThan(0.02);
    x.dispose();
    vae.dispose();
  });

  it('IWAE_k grows with k on average: IWAE_5 < IWAE_50 (paired, 4 SE)', async () => {
    const vae = tiny();
    // Eight copies of each example: every row draws its own z, so rows stay independent.
    const x = tf.tidy(() => tf.tile(binaryData(), [8, 1]));
    const i5 = await perExample(vae.iwae(x, 5, { rng: Rng.fromSeed(6) }));
    const i50 = await perExample(vae.iwae(x, 50, { rng: Rng.fromSeed(7) }));
    const [m, se] = meanSeOf(i50.map((v, i) => v - i5[i]!));
    expect(m).toBeGreaterThan(4 * se);
    x.dispose();
    vae.dispose();
  });
});

describeBackends('Vae KL', () => {
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
    // elbo with klMethod 'monte-carlo' agrees with 'analytic': with the same rng both see the
    // same draws z, so the reconstruction terms cancel and the per-example difference is
    // KL − mean_s(log q(z_s|x) − log p(z_s)), which has mean 0; examples are independent.
    const mcVae = tiny({ klMethod: 'monte-carlo' });
    const a = await perExample(vae.elbo(x, { samples: 200, rng: Rng.fromSeed(5) }));
    const b = await perExample(mcVae.elbo(x, { samples: 200, rng: Rng.fromSeed(5) }));
    const [d, seD] = meanSeOf(a.map((v, i) => v - b[i]!));
    expect(seD).toBeGreaterThan(0);
    expect(Math.abs(d)).toBeLessThan(4 * seD);
    tf.dispose([x, mean, scale, reg, closed, z, mc]);
    q.dispose();
    p.dispose();
    vae.dispose();
    mcVae.dispose();
  });
});

describeBackends('Vae gradients', () => {
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
  beforeAll(async () => {
    await initBackend('cpu');
  });

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
