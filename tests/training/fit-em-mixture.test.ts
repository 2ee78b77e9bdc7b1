import { initBackend, Rng } from '@gen/core';
import { makeToy } from '@gen/data';
import { GaussianMixture } from '@gen/mixture';
import { fitEm, memoryCheckpointStore } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

// fitEm drives GaussianMixture's own EM step by step; its iterates must be those of
// GaussianMixture.fit (which follows scikit-learn), and a run interrupted and resumed from its
// checkpoint must end where the uninterrupted one does.
describe('fitEm on GaussianMixture', () => {
  const options = {
    components: 8,
    covariance: 'full',
    seed: 3,
    restarts: 1,
    tolerance: 1e-5,
    maxIterations: 300,
  } as const;
  let x: tf.Tensor;

  beforeAll(async () => {
    await initBackend('wasm');
    x = makeToy('moons', { n: 2000, rng: Rng.fromSeed(1) }).x;
  });

  it('follows GaussianMixture.fit: the same lower bounds, convergence and final score', async () => {
    const reference = new GaussianMixture(options);
    const fitted = await reference.fit(x);
    const stepped = new GaussianMixture(options);
    const result = await fitEm(stepped, x, { steps: 300, tolerance: 1e-5, logEvery: 1 });
    expect(fitted.converged).toBe(true);
    expect(result.stopReason).toBe('converged');
    // Both stop at the first change below the tolerance, but fit centres the data first, so
    // float32 rounding (changes near 1e-5 are at the noise level of a bound of about −1) may stop
    // them a few iterations apart: compare the bounds they share and the final fit.
    const n = Math.min(result.step, fitted.iterations);
    for (let i = 0; i < n; i++) {
      expect(-result.history[i]!.loss!).toBeCloseTo(fitted.history[i]!, 3);
    }
    const scores = [reference.score(x), stepped.score(x)];
    expect((await scores[1]!.data())[0]).toBeCloseTo((await scores[0]!.data())[0]!, 3);
    tf.dispose(scores);
    reference.dispose();
    stepped.dispose();
  });

  it('aborted and resumed into a fresh mixture = the uninterrupted run, bitwise', async () => {
    const run = { steps: 300, tolerance: 1e-5, logEvery: 1 };
    const straight = new GaussianMixture(options);
    const full = await fitEm(straight, x, run);

    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const first = new GaussianMixture(options);
    await fitEm(first, x, {
      ...run,
      checkpoint: { store, every: 1000 },
      signal: controller.signal,
      callbacks: [{ onStepEnd: (e) => void (e.step === 5 && controller.abort()) }],
    });
    const resumed = new GaussianMixture(options);
    const rest = await fitEm(resumed, x, { ...run, resume: store });
    expect(full).toMatchObject({ stopReason: 'converged' });
    expect(full.step).toBeGreaterThan(5);
    expect(rest).toMatchObject({ step: full.step, stopReason: 'converged' });
    expect(rest.history).toEqual(full.history);
    const [a, b] = [straight.getWeights(), resumed.getWeights()];
    for (const name of Object.keys(a)) {
      expect(Array.from(await b[name]!.data())).toEqual(Array.from(await a[name]!.data()));
    }
    tf.dispose([a, b]);
    for (const m of [straight, first, resumed]) m.dispose();
  });
});
