import { initBackend, Rng, type Trainable } from '@gen/core';
import { Mixture, Normal } from '@gen/distributions';
import { slicedWasserstein } from '@gen/divergences';
import { scoreFunction } from '@gen/estimators';
import { cosineDecay, createTrainer, fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

// A custom pipeline as a user writes it: their own variables, their own objective built from
// @gen/distributions, @gen/divergences and @gen/estimators, trained by @gen/train. No model class.

/** A Normal q(z) = N(loc, exp(logScale)²) over plain variables, as a Trainable. */
function gaussianObjective(
  init: { loc: number[]; logScale: number[] },
  loss: (q: Normal, batch: tf.Tensor, rng: Rng) => tf.Scalar,
) {
  const loc = tf.variable(tf.tensor1d(init.loc));
  const logScale = tf.variable(tf.tensor1d(init.logScale));
  const q = () => new Normal({ loc, scale: tf.exp(logScale), validateArgs: false });
  const objective: Trainable = {
    trainableVariables: [loc, logScale],
    loss: (batch, rng) => tf.tidy(() => loss(q(), batch, rng)),
    getWeights: () => ({ loc: loc.clone(), logScale: logScale.clone() }),
    setWeights: (w) => {
      loc.assign(w.loc as tf.Tensor1D);
      logScale.assign(w.logScale as tf.Tensor1D);
    },
    dispose: () => tf.dispose([loc, logScale]),
  };
  return { objective, loc, logScale };
}

// The target of the reverse-KL fit: two modes of unequal weight.
const WEIGHTS = [0.7, 0.3];
const MEANS = [-2, 2];
const SCALE = 0.6;

/** KL(N(μ, σ²) ‖ p) in float64: −H(q) − E_q[log p] by Simpson's rule over μ ± 10σ. */
function reverseKl(mu: number, sigma: number): number {
  const logP = (z: number) =>
    Math.log(
      WEIGHTS.reduce(
        (s, w, k) =>
          s +
          (w * Math.exp(-0.5 * ((z - MEANS[k]!) / SCALE) ** 2)) / (SCALE * Math.sqrt(2 * Math.PI)),
        0,
      ),
    );
  const n = 2000;
  const h = (20 * sigma) / n;
  let crossEntropy = 0;
  for (let i = 0; i <= n; i++) {
    const z = mu - 10 * sigma + i * h;
    const q = Math.exp(-0.5 * ((z - mu) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    crossEntropy -= ((w * h) / 3) * q * logP(z);
  }
  return crossEntropy - 0.5 * Math.log(2 * Math.PI * Math.E * sigma * sigma);
}

/** The reverse-KL optimum over Gaussians near the major mode, by a refining grid search. */
function reverseKlOptimum(): { mu: number; sigma: number; kl: number } {
  let best = { mu: -2, sigma: 0.6, kl: reverseKl(-2, 0.6) };
  for (const step of [0.1, 0.02, 0.004, 0.0008]) {
    const centre = best;
    for (let i = -10; i <= 10; i++) {
      for (let j = -10; j <= 10; j++) {
        const mu = centre.mu + i * step;
        const sigma = centre.sigma + j * step;
        if (sigma <= 0) continue;
        const kl = reverseKl(mu, sigma);
        if (kl < best.kl) best = { mu, sigma, kl };
      }
    }
  }
  return best;
}

describe('a custom objective trained by @gen/train', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('reverse KL to a mixture by the score-function estimator, with no data: locks onto the major mode', async () => {
    const target = new Mixture({
      probs: WEIGHTS,
      components: new Normal({ loc: MEANS, scale: [SCALE, SCALE] }),
    });
    const estimator = scoreFunction({ baseline: 'leaveOneOut' });
    const { objective, loc, logScale } = gaussianObjective(
      { loc: [-0.5], logScale: [0] },
      (q, _batch, rng) =>
        estimator.surrogate(q, (z) => tf.sub(q.logProb(z), target.logProb(z)), {
          samples: 32,
          rng,
        }).loss,
    );
    const steps = 1500;
    const before = tf.memory().numTensors;
    const result = await fit(objective, null, {
      steps,
      rng: Rng.fromSeed(0),
      learningRate: cosineDecay({ initial: 0.03, steps, final: 0.001 }),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ step: steps, stopReason: 'completed' });
    const mu = (await loc.data())[0]!;
    const sigma = Math.exp((await logScale.data())[0]!);
    const optimum = reverseKlOptimum();
    // The optimum sits on the major mode, narrower than a moment match (mode-seeking).
    expect(optimum.mu).toBeLessThan(-1.9);
    // Excess reverse KL of the trained Gaussian over the optimum, in nats.
    expect(reverseKl(mu, sigma) - optimum.kl).toBeLessThan(2e-3);
    objective.dispose();
    target.dispose();
  });

  it('sliced Wasserstein to data with pathwise gradients through rsample, stepped by createTrainer', async () => {
    const truth = { loc: [1, -1], scale: [0.5, 2] };
    const data = tf.tidy(() =>
      tf.add(tf.mul(Rng.fromSeed(1).normal([4000, 2]), truth.scale), truth.loc),
    );
    const { objective, loc, logScale } = gaussianObjective(
      { loc: [0, 0], logScale: [0, 0] },
      (q, batch, rng) => {
        const [drawRng, directionRng] = rng.split(2) as [Rng, Rng];
        const fake = q.rsample(batch.shape[0]!, drawRng);
        return slicedWasserstein(fake, batch, { projections: 16, rng: directionRng });
      },
    );
    const steps = 600;
    const trainer = createTrainer(objective, data, {
      steps,
      batchSize: 400,
      rng: Rng.fromSeed(2),
      learningRate: cosineDecay({ initial: 0.05, steps, final: 0.001 }),
      logEvery: 100,
    });
    // As a UI would: a chunk at a time, reading the history in between.
    let status = await trainer.run(200);
    const early = status.history.at(-1)!.loss!;
    while (!status.done) status = await trainer.run(200);
    trainer.dispose();
    expect(status.history.at(-1)!.loss!).toBeLessThan(early);
    const fitted = {
      loc: Array.from(await loc.data()),
      scale: Array.from(await tf.exp(logScale).data()),
    };
    const moments = tf.tidy(() => tf.moments(data, 0));
    const mean = Array.from(await moments.mean.data());
    const std = Array.from(await tf.sqrt(moments.variance).data());
    // Tolerance: the fit is to the empirical distribution of 4000 points; the last steps see
    // batches of 400 (SE of a batch mean ≤ 2/√400 = 0.1) at a learning rate decayed towards
    // 0.001, which averages over ~100 batches: SE ≈ 0.01, so 0.05 (× the scale when > 1) is
    // 5 SE. Seen: errors ≤ 0.008.
    for (let d = 0; d < 2; d++) {
      expect(Math.abs(fitted.loc[d]! - mean[d]!)).toBeLessThan(0.05 * Math.max(1, std[d]!));
      expect(Math.abs(fitted.scale[d]! - std[d]!)).toBeLessThan(0.05 * Math.max(1, std[d]!));
    }
    tf.dispose([data, moments.mean, moments.variance]);
    objective.dispose();
  });
});
