import { initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threeClusters } from '../test/data.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { COVARIANCE_TYPES } from './options.js';

let x: tf.Tensor;

describe('GaussianMixture trained by gradient [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    x = threeClusters(Rng.fromSeed(21), 300).x;
  });
  afterAll(() => {
    x.dispose();
  });

  it('loss is the negative mean log-likelihood, on the variables EM wrote', async () => {
    for (const type of COVARIANCE_TYPES) {
      const gm = new GaussianMixture({ components: 3, covariance: type });
      await gm.fit(x);
      const [loss, score] = [gm.loss(x), gm.score(x)];
      expectClose(loss, -score.dataSync()[0]!, { atol: 1e-6, rtol: 0, message: type });
      tf.dispose([loss, score]);
      gm.dispose();
    }
  });

  it('has the gradient of the loss: central differences through setWeights agree', async () => {
    for (const type of COVARIANCE_TYPES) {
      const gm = new GaussianMixture({ components: 3, covariance: type, maxIterations: 2 });
      await gm.fit(x);
      const { grads } = tf.variableGrads(() => gm.loss(x));
      const weights = gm.getWeights();
      // trainableVariables are [logits, means, covariance], in getWeights' order.
      const byName = Object.fromEntries(
        Object.keys(weights).map((name, i) => [
          name,
          Array.from(grads[gm.trainableVariables[i]!.name]!.dataSync()),
        ]),
      );
      const h = 1e-2;
      for (const [name, w] of Object.entries(weights)) {
        const base = Array.from(w.dataSync());
        for (const i of [0, base.length - 1]) {
          const at = (delta: number) => {
            const values = base.slice();
            values[i]! += delta;
            const perturbed = tf.tensor(values, w.shape);
            gm.setWeights({ ...weights, [name]: perturbed });
            const l = gm.loss(x);
            const value = l.dataSync()[0]!;
            tf.dispose([l, perturbed]);
            return value;
          };
          const numeric = (at(h) - at(-h)) / (2 * h);
          // float32 losses of ~4 with h = 1e-2: rounding 4·2⁻²³/h ≈ 5e-5; curvature error O(h²).
          expectClose(byName[name]![i]!, numeric, {
            atol: 2e-3,
            rtol: 1e-2,
            message: `${type} ${name}[${i}]`,
          });
        }
      }
      tf.dispose([...Object.values(weights), ...Object.values(grads)]);
      gm.dispose();
    }
  });

  it('reaches the EM optimum with @gen/train’s fit (Adam) from the same start', async () => {
    // Means off by about one standard deviation, unit covariances, equal weights.
    const init = {
      weights: [1 / 3, 1 / 3, 1 / 3],
      means: [
        [1, -1],
        [5, 1],
        [2, 4],
      ],
    };
    for (const type of ['full', 'diag'] as const) {
      const covariances =
        type === 'full'
          ? [0, 1, 2].map(() => [
              [1, 0],
              [0, 1],
            ])
          : [
              [1, 1],
              [1, 1],
              [1, 1],
            ];
      const options = { components: 3, covariance: type, init: { ...init, covariances } };
      const em = new GaussianMixture({ ...options, tolerance: 1e-7, maxIterations: 500 });
      await em.fit(x);
      const optimum = em.score(x).dataSync()[0]!;
      const gm = new GaussianMixture(options);
      await gm.initialize(x);
      const start = gm.score(x).dataSync()[0]!;
      await fit(gm, x, { steps: 200, batchSize: 300, learningRate: 0.05, logEvery: 100 });
      const trained = gm.score(x).dataSync()[0]!;
      expect(trained - start, type).toBeGreaterThan(0.1);
      // The same optimum: within 1e-4 nats per row of EM run to a 1e-7 tolerance (measured 2e-6).
      expect(Math.abs(trained - optimum), `${type}: ${trained} vs EM ${optimum}`).toBeLessThan(
        1e-4,
      );
      em.dispose();
      gm.dispose();
    }
  });

  it('EM continues from gradient-trained variables (one set of parameters)', async () => {
    const gm = new GaussianMixture({ components: 3, covariance: 'tied' });
    await gm.initialize(x);
    await fit(gm, x, { steps: 20, batchSize: 300, learningRate: 0.05 });
    const loss = gm.loss(x);
    const { lowerBound } = await gm.emStep(x);
    expectClose(lowerBound, -loss.dataSync()[0]!, { atol: 1e-5 });
    loss.dispose();
    gm.dispose();
  });

  it('leaks nothing across a whole @gen/train fit', async () => {
    const gm = new GaussianMixture({ components: 2, covariance: 'spherical' });
    await gm.initialize(x);
    await expectNoLeak(() => fit(gm, x, { steps: 30, batchSize: 64, learningRate: 0.01 }));
    gm.dispose();
  });
});
