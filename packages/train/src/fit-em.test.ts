import { Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { TwoMeansEm } from '../test/models.js';
import { memoryCheckpointStore } from './checkpoint/store.js';
import { fitEm } from './fit-em.js';
import { createTrainer } from './trainer.js';

/** EM for the same model in float64 JavaScript, independent of tfjs: the oracle. */
function referenceEm(x: number[], iterations: number) {
  let means = [Math.min(...x), Math.max(...x)];
  let pi0 = 0.5;
  const bounds: number[] = [];
  const logN = (v: number, m: number) => -0.5 * (v - m) ** 2 - 0.5 * Math.log(2 * Math.PI);
  for (let t = 0; t < iterations; t++) {
    let bound = 0;
    let n0 = 0;
    let s0 = 0;
    let s1 = 0;
    for (const v of x) {
      const a = Math.log(pi0) + logN(v, means[0]!);
      const b = Math.log(1 - pi0) + logN(v, means[1]!);
      const top = Math.max(a, b);
      const log = top + Math.log(Math.exp(a - top) + Math.exp(b - top));
      const r0 = Math.exp(a - log);
      bound += log;
      n0 += r0;
      s0 += r0 * v;
      s1 += (1 - r0) * v;
    }
    bounds.push(bound / x.length);
    means = [s0 / n0, s1 / (x.length - n0)];
    pi0 = n0 / x.length;
  }
  return { means, pi0, bounds };
}

async function dataset(): Promise<{ x: tf.Tensor; values: number[] }> {
  const rng = Rng.fromSeed(8);
  const x = tf.tidy(() => tf.concat([rng.normal([60, 1], -1, 1), rng.normal([40, 1], 1.5, 1)]));
  return { x, values: Array.from(await x.data()) };
}

describeBackends('fitEm', () => {
  it('follows the float64 EM iterates: lower bounds, means and weight', async () => {
    const { x, values } = await dataset();
    const model = new TwoMeansEm();
    const result = await fitEm(model, x, { steps: 6, tolerance: 0, logEvery: 1 });
    const ref = referenceEm(values, 6);
    expect(model.initialized).toBe(1);
    expect(result).toMatchObject({ step: 6, epoch: 6, stopReason: 'completed' });
    result.history.forEach((row, i) => {
      expect(row.step).toBe(i + 1);
      expect(row.loss).toBeCloseTo(-ref.bounds[i]!, 4);
    });
    const means = Array.from(await model.means.data());
    expect(means[0]).toBeCloseTo(ref.means[0]!, 4);
    expect(means[1]).toBeCloseTo(ref.means[1]!, 4);
    const pi0 = 1 / (1 + Math.exp(-(await model.logit.data())[0]!));
    expect(pi0).toBeCloseTo(ref.pi0, 4);
    model.dispose();
    x.dispose();
  });

  it('stops as converged once the bound moves by less than tolerance', async () => {
    const { x, values } = await dataset();
    const ref = referenceEm(values, 200).bounds;
    const tolerance = 1e-4;
    const expected = ref.findIndex((b, i) => i > 0 && Math.abs(b - ref[i - 1]!) < tolerance) + 1;
    const model = new TwoMeansEm();
    const result = await fitEm(model, x, { steps: 200, tolerance });
    expect(result.stopReason).toBe('converged');
    // float32 bounds may cross the threshold one iteration apart from float64 ones.
    expect(Math.abs(result.step - expected)).toBeLessThanOrEqual(1);
    model.dispose();
    x.dispose();
  });

  it('an aborted run resumed from its checkpoint ends at the same step with the same weights', async () => {
    const { x } = await dataset();
    const options = { steps: 200, tolerance: 1e-5, logEvery: 1 };
    const straight = new TwoMeansEm();
    const full = await fitEm(straight, x, options);

    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const first = new TwoMeansEm();
    const part = await fitEm(first, x, {
      ...options,
      checkpoint: { store, every: 100 },
      signal: controller.signal,
      callbacks: [{ onStepEnd: (e) => void (e.step === 3 && controller.abort()) }],
    });
    expect(part).toMatchObject({ step: 3, stopReason: 'aborted' });
    const second = new TwoMeansEm();
    const rest = await fitEm(second, x, { ...options, resume: store });
    expect(second.initialized).toBe(0);
    expect(full).toMatchObject({ stopReason: 'converged' });
    expect(full.step).toBeGreaterThan(5);
    expect(rest).toMatchObject({ step: full.step, stopReason: 'converged' });
    expect(rest.history).toEqual(full.history);
    expect(Array.from(await second.means.data())).toEqual(Array.from(await straight.means.data()));
    // A run that had converged stays converged when resumed: no further step.
    const finished = memoryCheckpointStore();
    const once = new TwoMeansEm();
    await fitEm(once, x, { ...options, checkpoint: { store: finished, every: 100 } });
    once.dispose();
    const again = new TwoMeansEm();
    expect(await fitEm(again, x, { ...options, resume: finished })).toMatchObject({
      step: full.step,
      stopReason: 'converged',
    });
    again.dispose();
    tf.dispose([x]);
    for (const m of [straight, first, second]) m.dispose();
  });

  it('steps through createTrainer with kind detected from emStep', async () => {
    const { x } = await dataset();
    const model = new TwoMeansEm();
    const trainer = createTrainer(model, x, { tolerance: 0 });
    expect(trainer.kind).toBe('em');
    expect(trainer.status.totalSteps).toBe(100);
    expect((await trainer.run(2)).step).toBe(2);
    trainer.dispose();
    model.dispose();
    x.dispose();
  });

  it('refuses options that do not apply to EM, iterable data and bad tolerances', async () => {
    const { x } = await dataset();
    const model = new TwoMeansEm();
    await expect(fitEm(model, x, { batchSize: 10 } as never)).rejects.toThrow(
      /^fitEm: unknown option 'batchSize'/,
    );
    await expect(fitEm(model, [x] as never, {})).rejects.toThrow(
      /^fitEm: argument 'data' must be a tensor/,
    );
    await expect(fitEm(model, x, { tolerance: -1 })).rejects.toThrow(
      /^fitEm: argument 'tolerance'/,
    );
    await expect(fitEm({} as never, x, {})).rejects.toThrow(
      /^fitEm: argument 'model' must have emStep/,
    );
    const nan = tf.tensor2d([[1], [Number.NaN]]);
    await expect(fitEm(model, nan, {})).rejects.toThrow(
      /^fitEm: argument 'data' must not contain NaN/,
    );
    tf.dispose([x, nan]);
    model.dispose();
  });
});
