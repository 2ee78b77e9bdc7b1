import { InvalidArgumentError, initBackend, type Network, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { loadModel, Mlp, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Vae } from './vae.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const IAF = { iaf: { layers: 2, hiddenSizes: [6], contextSize: 3 } };

const small = (extra = {}) =>
  Vae.mlp({
    inputSize: 4,
    hiddenSizes: [8],
    latentSize: 2,
    likelihood: 'bernoulli',
    posterior: IAF,
    seed: 1,
    ...extra,
  });

const binary = () =>
  tf.tensor2d([
    [1, 0, 1, 1],
    [0, 0, 1, 0],
    [1, 1, 0, 0],
  ]);

/** Sets every IAF weight to N(0, 0.4²) draws, so the steps are far from the identity. */
function scrambleIaf(vae: Vae, seed: number): void {
  const rng = Rng.fromSeed(seed);
  const weights = vae.getWeights();
  const next = Object.fromEntries(
    Object.entries(weights).map(([name, t]) => [
      name,
      name.startsWith('posterior/') ? rng.normal(t.shape, 0, 0.4) : t,
    ]),
  );
  vae.setWeights(next);
  tf.dispose([Object.values(weights), Object.values(next)]);
}

/** A network that applies `f` and owns nothing (views of another model's networks). */
function view(f: (x: tf.Tensor) => tf.Tensor): Network {
  return {
    apply: f,
    trainableVariables: [],
    getWeights: () => ({}),
    setWeights: () => {},
    dispose: () => {},
  };
}

describe('IAF posterior (posterior: { iaf })', () => {
  it('log q(z|x) is the change of variables: the inverse flow and a finite-difference Jacobian', () => {
    const vae = small();
    scrambleIaf(vae, 3);
    const x = binary();
    const { z, logProb } = vae.samplePosterior(x, 2, { rng: Rng.fromSeed(4) });
    expect(z.shape).toEqual([2, 3, 2]);
    const byInverse = vae.posteriorLogProb(x, z);
    const { mean, scale, context } = vae.encode(x);
    const steps = vae.iaf!.steps;
    // Rows r = k·n + i: the draw k of example i.
    const rows = tf.reshape(z, [6, 2]);
    const ctx = tf.tile(context!, [2, 1]);
    const forward = (v: tf.Tensor) =>
      tf.tidy(() => steps.reduce((u, step) => step.forward(u, ctx), v));
    const z0 = tf.tidy(() => steps.reduceRight((u, step) => step.inverse(u, ctx), rows));
    // The inverse is exact: running the steps forward again gives z back.
    const again = forward(z0);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(again, rows))).dataSync()[0]!)).toBeLessThan(1e-5);
    // Central differences (h = 1e-2) of z = f(z₀) in each coordinate: the 2 × 2 Jacobian.
    const h = 1e-2;
    const cols = [0, 1].map((j) =>
      tf.tidy(() => {
        const e = tf.mul(tf.cast(tf.oneHot([j], 2), 'float32'), h);
        return tf.div(tf.sub(forward(tf.add(z0, e)), forward(tf.sub(z0, e))), 2 * h);
      }),
    );
    const [d0, d1] = cols.map((c) => c.arraySync() as number[][]) as [number[][], number[][]];
    const z0s = z0.arraySync() as number[][];
    const mu = mean.arraySync() as number[][];
    const sd = scale.arraySync() as number[][];
    const got = Array.from(logProb.dataSync());
    const inv = Array.from(byInverse.dataSync());
    let largestLogDet = 0;
    for (let r = 0; r < 6; r++) {
      const i = r % 3;
      const logNormal = z0s[r]!.reduce(
        (s, v, d) =>
          s -
          0.5 * ((v - mu[i]![d]!) / sd[i]![d]!) ** 2 -
          Math.log(sd[i]![d]!) -
          0.5 * Math.log(2 * Math.PI),
        0,
      );
      // J[a][b] = ∂z_a/∂z0_b; column b is d_b.
      const det = d0[r]![0]! * d1[r]![1]! - d1[r]![0]! * d0[r]![1]!;
      largestLogDet = Math.max(largestLogDet, Math.abs(Math.log(Math.abs(det))));
      const want = logNormal - Math.log(Math.abs(det));
      // float32 central differences: agreement to ~1e-3 nats (a missing or mis-signed
      // log-det term would be off by |log det| > 0.1, checked below).
      expect(Math.abs(got[r]! - want)).toBeLessThan(2e-3);
      expect(Math.abs(inv[r]! - want)).toBeLessThan(2e-3);
    }
    // The scrambled steps are far from the identity (else the test would be the Gaussian one).
    expect(largestLogDet).toBeGreaterThan(0.1);
    tf.dispose([z, logProb, byInverse, mean, scale, context!, rows, ctx, z0, again, ...cols, x]);
    vae.dispose();
  });

  it('with identity steps (a new IAF) the bounds equal the Gaussian posterior’s on the same draws', () => {
    const iaf = small();
    const L = 2;
    // The same encoder (its first 2L outputs) and decoder, as a Gaussian-posterior VAE.
    const gauss = new Vae({
      encoder: view((x) => tf.tidy(() => tf.slice(iaf.encoder.apply(x), [0, 0], [-1, 2 * L]))),
      decoder: view((z) => iaf.decoder.apply(z)),
      latentSize: L,
      likelihood: 'bernoulli',
      klMethod: 'monte-carlo',
    });
    const x = binary();
    const pairs: [tf.Tensor, tf.Tensor][] = [
      [
        iaf.elbo(x, { samples: 5, rng: Rng.fromSeed(2) }),
        gauss.elbo(x, { samples: 5, rng: Rng.fromSeed(2) }),
      ],
      [iaf.iwae(x, 7, { rng: Rng.fromSeed(3) }), gauss.iwae(x, 7, { rng: Rng.fromSeed(3) })],
      [iaf.loss(x, Rng.fromSeed(4)), gauss.loss(x, Rng.fromSeed(4))],
      [iaf.reconstruct(x), gauss.reconstruct(x)],
    ];
    for (const [a, b] of pairs) {
      expect(a.shape).toEqual(b.shape);
      const da = Array.from(a.dataSync());
      Array.from(b.dataSync()).forEach((v, i) => {
        expect(da[i]!).toBeCloseTo(v, 5);
      });
    }
    // Not the identity any more: the same draws give another ELBO.
    scrambleIaf(iaf, 5);
    const moved = iaf.elbo(x, { samples: 5, rng: Rng.fromSeed(2) });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(moved, pairs[0]![1]))).dataSync()[0]!);
    expect(diff).toBeGreaterThan(1e-2);
    tf.dispose([pairs.flat(), moved, x]);
    gauss.dispose();
    iaf.dispose();
  });

  it('trained on a banana posterior, the IAF closes most of the gap a Gaussian posterior leaves', () => {
    // Fixed decoder p(x|z) = N(x; z₂ + z₁², 0.3²), p(z) = N(0, I): the true posterior of each x
    // is a curved banana. Only the encoder (and the IAF steps) train, so log p(x) is fixed and
    // log p(x) − ELBO = KL(q ‖ p(z|x)) measures the posterior alone.
    const S = 0.3;
    const decoder = () =>
      view((z) =>
        tf.tidy(() => {
          const [z1, z2] = tf.split(z, 2, -1) as [tf.Tensor, tf.Tensor];
          return tf.add(z2, tf.square(z1));
        }),
      );
    const xs = [-1.5, -0.5, 0.5, 1.5, 2.5, 3.5];
    // log p(x) by the midpoint rule on [−6, 6]² with step 0.02 (the tails beyond are < 1e-7).
    const step = 0.02;
    const m = Math.round(12 / step);
    const logPx = xs.map((xi) => {
      const terms: number[] = [];
      for (let a = 0; a < m; a++) {
        const z1 = -6 + (a + 0.5) * step;
        for (let b = 0; b < m; b++) {
          const z2 = -6 + (b + 0.5) * step;
          const r = (xi - z2 - z1 * z1) / S;
          terms.push(
            -0.5 * (z1 * z1 + z2 * z2 + r * r) - Math.log(S) - 1.5 * Math.log(2 * Math.PI),
          );
        }
      }
      const top = terms.reduce((a, b) => Math.max(a, b), -Infinity);
      return top + Math.log(terms.reduce((s, v) => s + Math.exp(v - top), 0)) + 2 * Math.log(step);
    });
    const x = tf.tensor2d(xs, [xs.length, 1]);
    const gapOf = (posterior: 'gaussian' | typeof IAF, contextSize: number) => {
      const encoder = new Mlp({
        inputSize: 1,
        hiddenSizes: [32],
        outputSize: 4 + contextSize,
        rng: Rng.fromSeed(0),
        name: 'encoder',
      });
      const vae = new Vae({
        encoder,
        decoder: decoder(),
        latentSize: 2,
        likelihood: { gaussian: 'fixed', scale: S },
        posterior,
        klMethod: 'monte-carlo',
        samples: 8,
      });
      const optimizer = tf.train.adam(0.01);
      const rng = Rng.fromSeed(10);
      for (let i = 0; i < 100; i++) {
        optimizer.minimize(() => vae.loss(x, rng), true, vae.trainableVariables)?.dispose();
      }
      const elbo = Array.from(vae.elbo(x, { samples: 2000, rng: Rng.fromSeed(99) }).dataSync());
      optimizer.dispose();
      vae.dispose();
      return elbo.reduce((s, v, i) => s + logPx[i]! - v, 0) / xs.length;
    };
    const gaussian = gapOf('gaussian', 0);
    const iaf = gapOf({ iaf: { layers: 2, hiddenSizes: [16], contextSize: 8 } }, 8);
    // Seeded run (100 Adam steps, 8 draws each): mean gap 1.43 nats for the Gaussian posterior
    // (≈ 1.3 after 400 steps: its floor) and 0.68 for two IAF steps (0.21 after 400 steps).
    expect(gaussian).toBeGreaterThan(0);
    expect(iaf).toBeGreaterThan(0);
    expect(iaf).toBeLessThan(gaussian - 0.5);
    x.dispose();
  });

  it('conditional VAEs take an IAF posterior; it trains, saves and loads, and leaks nothing', async () => {
    const cvae = Vae.mlp({
      inputSize: 4,
      hiddenSizes: [8],
      latentSize: 2,
      likelihood: 'bernoulli',
      conditionSize: 2,
      posterior: IAF,
    });
    const x = binary();
    const condition = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    const batch = { x, condition };
    const vars = cvae.iaf!.trainableVariables;
    const { value, grads } = tf.variableGrads(() => cvae.loss(batch, Rng.fromSeed(0)), vars);
    // The context reaches the steps: every IAF variable gets a gradient.
    const nonzero = Object.values(grads).filter(
      (g) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) > 0,
    );
    expect(nonzero.length).toBeGreaterThan(0);
    tf.dispose([value, Object.values(grads)]);
    await expectNoLeak(() => {
      const optimizer = tf.train.adam(0.02);
      for (let i = 0; i < 5; i++) {
        optimizer
          .minimize(() => cvae.loss(batch, Rng.fromSeed(i)), true, cvae.trainableVariables)
          ?.dispose();
      }
      optimizer.dispose();
    });
    await expectNoLeak(() => {
      const one = tf.tensor2d([[0, 1]]);
      const { z, logProb } = cvae.samplePosterior(batch, 3);
      const out = [
        cvae.elbo(batch, { samples: 2 }),
        cvae.iwae(batch, 3),
        cvae.nll(batch, { samples: 4 }),
        cvae.sample(2, Rng.fromSeed(1), { condition: one }),
        cvae.reconstruct(batch),
        cvae.posteriorLogProb(batch, z),
        z,
        logProb,
        one,
      ];
      const e = cvae.encode(batch);
      expect(e.context!.shape).toEqual([3, 3]);
      return [...out, e.mean, e.scale, e.context!];
    });
    const names = Object.keys(cvae.getWeights());
    expect(names).toContain('posterior/iaf0/made/masked0/kernel');
    expect(names).toContain('posterior/iaf1/made/context0/kernel');
    // config → loadModel rebuilds the IAF and restores its weights.
    const again = await loadModel<Vae>(modelToSafetensors(cvae));
    expect(again.posterior).toEqual({ iaf: { ...IAF.iaf, seed: 0 } });
    const a = cvae.elbo(batch, { samples: 3, rng: Rng.fromSeed(7) });
    const b = again.elbo(batch, { samples: 3, rng: Rng.fromSeed(7) });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    // getWeights → setWeights into a fresh model gives the same bounds.
    const fresh = Vae.mlp({
      inputSize: 4,
      hiddenSizes: [8],
      latentSize: 2,
      likelihood: 'bernoulli',
      conditionSize: 2,
      posterior: IAF,
      seed: 9,
    });
    const weights = cvae.getWeights();
    fresh.setWeights(weights);
    const c = fresh.elbo(batch, { samples: 3, rng: Rng.fromSeed(7) });
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, c, Object.values(weights), x, condition]);
    for (const model of [cvae, again, fresh]) model.dispose();
    await expectNoLeak(() => small().dispose());
    // Vae.conv sizes its encoder for the context too.
    const conv = Vae.conv({ latentSize: 2, likelihood: 'bernoulli', posterior: IAF });
    const image = tf.zeros([2, 28, 28, 1]);
    await expectNoLeak(() => {
      const e = conv.encode(image);
      expect(e.context!.shape).toEqual([2, 3]);
      return [e.mean, e.scale, e.context!, conv.loss(image, Rng.fromSeed(0))];
    });
    image.dispose();
    conv.dispose();
  });

  it('bad options and inputs throw typed errors naming the function and argument', () => {
    const cases: [object, RegExp][] = [
      [{ posterior: 'iaf' }, /Vae\.mlp: argument 'posterior'/],
      [{ posterior: { iaf: { layers: 0, hiddenSizes: [4] } } }, /'posterior\.iaf\.layers'/],
      [{ posterior: { iaf: { layers: 1, hiddenSizes: [] } } }, /'posterior\.iaf\.hiddenSizes'/],
      [{ posterior: { iaf: { layers: 1, hiddenSizes: [4], contextSize: 1.5 } } }, /contextSize/],
      [{ posterior: { iaf: { layers: 1, hiddenSizes: [4], depth: 2 } } }, /Vae\.mlp.*depth/],
      [{ klMethod: 'analytic' }, /Vae\.mlp: argument 'klMethod'.*IAF posterior/],
      [{ prior: { vamp: 2 } }, /Vae\.mlp: argument 'posterior'.*VampPrior/],
    ];
    for (const [extra, pattern] of cases) {
      expect(() => small(extra)).toThrow(InvalidArgumentError);
      expect(() => small(extra)).toThrow(pattern);
    }
    const plain = Vae.mlp({
      inputSize: 4,
      hiddenSizes: [],
      latentSize: 2,
      likelihood: 'bernoulli',
    });
    const build = (extra: object) =>
      new Vae({
        encoder: plain.encoder,
        decoder: plain.decoder,
        latentSize: 2,
        likelihood: 'bernoulli',
        posterior: IAF,
        ...extra,
      });
    expect(() => build({ klMethod: 'analytic' })).toThrow(/Vae: argument 'klMethod'.*IAF/);
    // The encoder outputs [n, 4], not [n, 2·2 + 3]: named at the first call.
    const wrong = build({});
    const x = binary();
    expect(() => wrong.elbo(x)).toThrow(
      /Vae\.elbo: the encoder must output \[n, 7\] \(μ, σ and the IAF context h\), got \[3, 4\]/,
    );
    wrong.iaf!.dispose();
    plain.dispose();
    const vae = small();
    expect(() => vae.samplePosterior(x, 0)).toThrow(/Vae\.samplePosterior: argument 'n'/);
    const bad = tf.zeros([2, 2, 2]);
    expect(() => vae.posteriorLogProb(x, bad)).toThrow(/Vae\.posteriorLogProb: argument 'z'/);
    tf.dispose([x, bad]);
    vae.dispose();
  });
});
