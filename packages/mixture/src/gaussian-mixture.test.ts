import { initBackend, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { Mixture, MultivariateNormal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CENTRES, threeClusters } from '../test/data.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { COVARIANCE_TYPES, type CovarianceType, INIT_METHODS } from './options.js';

let data: { x: tf.Tensor; labels: number[] };
const fitted = new Map<CovarianceType, GaussianMixture>();

/** Per-component covariance matrices [K, D, D] from any layout. */
function fullCovariances(gm: GaussianMixture): tf.Tensor {
  return tf.tidy(() => {
    const c = gm.covariances();
    const k = gm.components;
    const d = gm.dim!;
    if (gm.covariance === 'full') return c;
    if (gm.covariance === 'tied') return tf.tile(tf.expandDims(c, 0), [k, 1, 1]);
    const diag = gm.covariance === 'diag' ? c : tf.tile(tf.expandDims(c, 1), [1, d]);
    return tf.mul(tf.eye(d), tf.expandDims(diag, 1));
  });
}

/** The fitted mixture rebuilt independently as a @gen/distributions Mixture (own Cholesky). */
function reference(gm: GaussianMixture): { mixture: Mixture; owned: tf.Tensor[] } {
  const owned = [tf.log(gm.weights()), gm.means(), fullCovariances(gm)];
  const [logits, loc, covarianceMatrix] = owned as [tf.Tensor, tf.Tensor, tf.Tensor];
  const components = new MultivariateNormal({ loc, covarianceMatrix });
  return { mixture: new Mixture({ logits, components }), owned };
}

describeBackends('GaussianMixture', () => {
  beforeAll(async () => {
    data = threeClusters(Rng.fromSeed(3), 300);
    for (const type of COVARIANCE_TYPES) {
      const gm = new GaussianMixture({ components: 3, covariance: type, restarts: 2, seed: 1 });
      await gm.fit(data.x);
      fitted.set(type, gm);
    }
  });
  afterAll(() => {
    for (const gm of fitted.values()) gm.dispose();
    fitted.clear();
    data.x.dispose();
  });

  it('never decreases the lower bound (EM monotonicity), from a poor random start', async () => {
    for (const type of COVARIANCE_TYPES) {
      const gm = new GaussianMixture({
        components: 3,
        covariance: type,
        init: 'random-from-data',
        maxIterations: 40,
        tolerance: 0,
        seed: 7,
      });
      const { history } = await gm.fit(data.x);
      expect(history).toHaveLength(40);
      // float32 evaluation of a mean of 300 log-densities: 1e-5 absolute.
      for (let i = 1; i < history.length; i++) {
        expect(history[i]!, `${type} iteration ${i + 1}`).toBeGreaterThanOrEqual(
          history[i - 1]! - 1e-5,
        );
      }
      expect(history.at(-1)! - history[0]!).toBeGreaterThan(0.05);
      gm.dispose();
    }
  });

  it('logProb equals an independent Mixture of MultivariateNormals with the same parameters', () => {
    const probe = tf.tensor2d([
      [0, 0],
      [3, 2],
      [6, -1],
      [-4, 9],
    ]);
    for (const [type, gm] of fitted) {
      const { mixture, owned } = reference(gm);
      const expected = mixture.logProb(probe);
      expectClose(gm.logProb(probe), expected, { atol: 1e-4, rtol: 1e-5, message: type });
      tf.dispose([expected, ...owned]);
      mixture.dispose();
    }
    probe.dispose();
  });

  it('predictProba is Bayes’ rule π_k p_k(x) / Σ_j π_j p_j(x), and predict its argmax', () => {
    for (const [type, gm] of fitted) {
      const { mixture, owned } = reference(gm);
      const expected = tf.tidy(() => {
        const perComponent = (mixture.components as MultivariateNormal).logProb(
          tf.expandDims(data.x, 1),
        );
        return tf.softmax(tf.add(perComponent, owned[0]!), 1);
      });
      const proba = gm.predictProba(data.x);
      expectClose(proba, expected, { atol: 1e-5, rtol: 0, message: type });
      expectClose(tf.sum(proba, 1), 1, { atol: 1e-6, rtol: 0 });
      const labels = gm.predict(data.x);
      expect(labels.dtype).toBe('int32');
      expect(Array.from(labels.dataSync())).toEqual(Array.from(tf.argMax(proba, 1).dataSync()));
      tf.dispose([expected, proba, labels, ...owned]);
      mixture.dispose();
    }
  });

  it('recovers the three clusters: predictions agree with the true labels up to relabelling', () => {
    for (const [type, gm] of fitted) {
      const predicted = gm.predict(data.x).dataSync();
      // Each true cluster maps to one component; count rows that disagree with that map.
      const map = [0, 1, 2].map((k) => predicted[data.labels.indexOf(k)]!);
      expect(new Set(map).size, type).toBe(3);
      const wrong = data.labels.filter((k, i) => map[k] !== predicted[i]).length;
      expect(wrong, type).toBeLessThanOrEqual(3);
    }
  });

  it('score is the mean logProb; bic and aic use scikit-learn’s parameter counts', () => {
    const counts = { full: 17, tied: 11, diag: 14, spherical: 11 };
    for (const [type, gm] of fitted) {
      expect(gm.parameterCount, type).toBe(counts[type]);
      const lp = gm.logProb(data.x);
      const total = tf.sum(lp).dataSync()[0]!;
      expectClose(gm.score(data.x), total / 300, { atol: 1e-5 });
      const p = counts[type];
      expectClose(gm.bic(data.x), -2 * total + p * Math.log(300), { atol: 1e-3, rtol: 1e-6 });
      expectClose(gm.aic(data.x), -2 * total + 2 * p, { atol: 1e-3, rtol: 1e-6 });
      lp.dispose();
    }
  });

  it('samples have the mixture’s mean and covariance within 4 standard errors', () => {
    const gm = fitted.get('full')!;
    const n = 20000;
    const x = gm.sample(n, Rng.fromSeed(11));
    expect(x.shape).toEqual([n, 2]);
    const [mean, cov] = tf.tidy(() => {
      const w = tf.reshape(gm.weights(), [3, 1]);
      const mu = gm.means();
      const m = tf.sum(tf.mul(w, mu), 0) as tf.Tensor1D;
      const second = tf.add(
        gm.covariances(),
        tf.matMul(tf.expandDims(mu, 2), tf.expandDims(mu, 1)),
      );
      const c = tf.sub(tf.sum(tf.mul(tf.reshape(w, [3, 1, 1]), second), 0), tf.outerProduct(m, m));
      return [m.arraySync() as number[], c.arraySync() as number[][]];
    });
    const rows = x.arraySync() as number[][];
    for (let i = 0; i < 2; i++) {
      const xi = rows.map((r) => r[i]!);
      const mi = xi.reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(mi - mean[i]!)).toBeLessThan(4 * Math.sqrt(cov[i]![i]! / n));
      for (let j = 0; j <= i; j++) {
        const products = rows.map((r) => (r[i]! - mean[i]!) * (r[j]! - mean[j]!));
        const m = products.reduce((a, b) => a + b, 0) / n;
        const sd = Math.sqrt(products.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
        expect(Math.abs(m - cov[i]![j]!), `cov[${i}][${j}]`).toBeLessThan(4 * (sd / Math.sqrt(n)));
      }
    }
    x.dispose();
  });

  it('continues EM from its variables: emStep and warmStart pick up where fit stopped', async () => {
    const settings = { components: 3, init: 'kmeans++' as const, tolerance: 0, seed: 2 };
    const longer = new GaussianMixture({ ...settings, maxIterations: 4 });
    const { history } = await longer.fit(data.x);
    const gm = new GaussianMixture({ ...settings, maxIterations: 3 });
    await gm.fit(data.x);
    const step = await gm.emStep(data.x);
    expectClose(step.lowerBound, history[3]!, { atol: 1e-5 });
    const [a, b] = [gm.means(), longer.means()];
    expectClose(a, b, { atol: 1e-4 });
    const warm = await gm.fit(data.x, { warmStart: true });
    expect(warm.iterations).toBe(3);
    expect(warm.history[0]!).toBeGreaterThanOrEqual(step.lowerBound - 1e-5);
    tf.dispose([a, b]);
    gm.dispose();
    longer.dispose();
  });
});

describe('GaussianMixture API [wasm]', () => {
  let x: tf.Tensor;
  beforeAll(async () => {
    await initBackend('wasm');
    x = threeClusters(Rng.fromSeed(5), 240).x;
  });
  afterAll(() => {
    x.dispose();
  });

  it('getWeights/setWeights round-trip into a fresh mixture, with stable names per type', async () => {
    const names = {
      full: ['logits', 'means', 'precisionCholesky'],
      tied: ['logits', 'means', 'precisionCholesky'],
      diag: ['logits', 'means', 'logVariances'],
      spherical: ['logits', 'means', 'logVariances'],
    };
    for (const type of COVARIANCE_TYPES) {
      const gm = new GaussianMixture({ components: 3, covariance: type });
      await gm.fit(x);
      const weights = gm.getWeights();
      expect(Object.keys(weights).sort()).toEqual(names[type].sort());
      const copy = new GaussianMixture({ components: 3, covariance: type });
      copy.setWeights(weights);
      expect(copy.dim).toBe(2);
      const [a, b] = [gm.logProb(x), copy.logProb(x)];
      expectClose(a, b, { atol: 0, rtol: 0 });
      tf.dispose([a, b, ...Object.values(weights)]);
      gm.dispose();
      copy.dispose();
    }
  });

  it('is reproducible per seed, and more restarts never end lower than restart 0 alone', async () => {
    const run = async (restarts: number, seed: number) => {
      const gm = new GaussianMixture({ components: 4, init: 'kmeans++', restarts, seed });
      const seen: number[] = [];
      const result = await gm.fit(x, { onIteration: ({ restart }) => void seen.push(restart) });
      const means = Array.from(gm.means().dataSync());
      gm.dispose();
      return { result, means, restartsSeen: [...new Set(seen)] };
    };
    const a = await run(1, 4);
    const again = await run(1, 4);
    expect(again.means).toEqual(a.means);
    expect(again.result).toEqual(a.result);
    const many = await run(4, 4);
    expect(many.restartsSeen).toEqual([0, 1, 2, 3]);
    expect(many.result.lowerBound).toBeGreaterThanOrEqual(a.result.lowerBound);
  });

  it('every centre-based initialisation finds the three centres; random starts from equal weights', async () => {
    for (const init of INIT_METHODS.filter((m) => m !== 'random')) {
      const gm = new GaussianMixture({ components: 3, init, restarts: 2, seed: 3 });
      await gm.fit(x);
      const means = gm.means().arraySync() as number[][];
      for (const centre of CENTRES) {
        const nearest = Math.min(
          ...means.map((m) => Math.hypot(m[0]! - centre[0]!, m[1]! - centre[1]!)),
        );
        expect(nearest, `${init}: centre ${centre}`).toBeLessThan(0.3);
      }
      gm.dispose();
    }
    // Uniform random responsibilities give each component about a third of every row.
    const random = new GaussianMixture({ components: 3, init: 'random', seed: 3 });
    const result = await random.initialize(x);
    expect(result.iterations).toBe(0);
    expectClose(random.weights(), [1 / 3, 1 / 3, 1 / 3], { atol: 0.03, rtol: 0 });
    random.dispose();
  });

  it('leaks no tensors across fit (restarts, k-means), emStep and every method', async () => {
    const gm = new GaussianMixture({ components: 3, covariance: 'tied', restarts: 2 });
    const start = tf.memory().numTensors;
    await gm.fit(x);
    expect(tf.memory().numTensors, 'the three variables').toBe(start + 3);
    await expectNoLeak(async () => {
      await gm.fit(x);
      await gm.fit(x, { warmStart: true });
      await gm.emStep(x);
    });
    await expectNoLeak(() => [
      gm.logProb(x),
      gm.score(x),
      gm.predict(x),
      gm.predictProba(x),
      gm.bic(x),
      gm.aic(x),
      gm.sample(5, Rng.fromSeed(0)),
      gm.weights(),
      gm.means(),
      gm.covariances(),
      gm.precisionsCholesky(),
      Object.values(gm.getWeights()),
      tf.variableGrads(() => gm.loss(x)),
    ]);
    await expectNoLeak(() => {
      const d = gm.toDistribution();
      const lp = d.logProb(x);
      d.dispose();
      return lp;
    });
    gm.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('leaks no tensors from any initialisation, fitted or only initialised', async () => {
    for (const init of ['kmeans', 'kmeans++', 'random', 'random-from-data'] as const) {
      const gm = new GaussianMixture({ components: 3, init, maxIterations: 3, seed: 1 });
      await gm.initialize(x);
      await expectNoLeak(async () => {
        await gm.initialize(x);
        await gm.fit(x);
      });
      gm.dispose();
    }
  });
});
