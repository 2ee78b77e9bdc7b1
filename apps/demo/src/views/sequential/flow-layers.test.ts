import { initBackend, Rng } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import type { Flow } from '@gen/flows';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLOW_LAYERS,
  FLOW_STEPS_PER_CHUNK,
  FlowRun,
  GRID_VALUES,
  gridLines,
  layerSnapshot,
  makeFlow,
  PUSHED_SAMPLES,
  pushForward,
} from './flow-layers.js';

describe('the flow opened layer by layer (cpu)', () => {
  let flow: Flow;
  let z: tf.Tensor2D;
  beforeAll(async () => {
    await initBackend('cpu');
    flow = makeFlow(7);
    // A fresh coupling is the identity (zero last layer): random weights make every layer act.
    const rng = Rng.fromSeed(11);
    const weights = flow.getWeights();
    const random = Object.fromEntries(
      Object.entries(weights).map(([name, w]) => [name, tf.mul(rng.normal(w.shape), 0.4)]),
    );
    flow.setWeights(random);
    tf.dispose([...Object.values(weights), ...Object.values(random)]);
    z = Rng.fromSeed(1).normal([64, 2]) as tf.Tensor2D;
  });
  afterAll(() => {
    flow.dispose();
    z.dispose();
  });

  it('composes, layer by layer, to the flow’s forward map and back by its inverse', async () => {
    const { stages, logDets } = pushForward(flow, z);
    expect(stages).toHaveLength(FLOW_LAYERS + 1);
    expect(logDets).toHaveLength(FLOW_LAYERS);
    await expectClose(stages[0]!, z, { atol: 0 });
    const { y, logDet } = flow.bijector.forwardAndLogDet(z);
    await expectClose(stages.at(-1)!, y, { atol: 1e-5 });
    // Σ_k log|det J_k| is the whole chain's log-det.
    const sum = tf.addN(logDets);
    await expectClose(sum, logDet, { atol: 1e-5 });
    // The layers really move the points (a test that cannot pass with identity layers).
    const moved = tf.max(tf.abs(tf.sub(stages.at(-1)!, z)));
    expect((await moved.data())[0]).toBeGreaterThan(1e-2);
    const logDetSpread = tf.max(tf.abs(sum));
    expect((await logDetSpread.data())[0]).toBeGreaterThan(1e-3);
    // Round trip: the flow's inverse takes the data-space points back to z.
    const back = flow.bijector.inverse(stages.at(-1)!);
    await expectClose(back, z, { atol: 1e-4 });
    // Each layer's inverse undoes it, with the opposite log-det.
    for (let k = 0; k < FLOW_LAYERS; k++) {
      const inv = flow.transforms[k]!.inverseAndLogDet(stages[k + 1]!);
      await expectClose(inv.x, stages[k]!, { atol: 1e-4 });
      await expectClose(tf.neg(inv.logDet), logDets[k]!, { atol: 1e-4 });
      tf.dispose([inv.x, inv.logDet]);
    }
    // Change of variables: log p(x) = log p(z) − Σ log|det J| equals the flow's logProb.
    const cov = tf.sub(flow.base.logProb(z), sum);
    await expectClose(cov, flow.logProb(stages.at(-1)!), { atol: 1e-4 });
    tf.dispose([...stages, ...logDets, y, logDet, sum, moved, logDetSpread, back, cov]);
  });

  it('matches a finite-difference Jacobian determinant for each layer', async () => {
    const point = tf.tensor2d([[0.3, -0.7]]);
    const { stages, logDets } = pushForward(flow, point);
    const eps = 1e-2;
    for (let k = 0; k < FLOW_LAYERS; k++) {
      const at = (await stages[k]!.data()) as Float32Array;
      const f = async (dx: number, dy: number) => {
        const out = flow.transforms[k]!.forward(tf.tensor2d([[at[0]! + dx, at[1]! + dy]]));
        const v = await out.data();
        out.dispose();
        return [v[0]!, v[1]!];
      };
      const [px, mx, py, my] = await Promise.all([f(eps, 0), f(-eps, 0), f(0, eps), f(0, -eps)]);
      const j11 = (px![0]! - mx![0]!) / (2 * eps);
      const j21 = (px![1]! - mx![1]!) / (2 * eps);
      const j12 = (py![0]! - my![0]!) / (2 * eps);
      const j22 = (py![1]! - my![1]!) / (2 * eps);
      const fd = Math.log(Math.abs(j11 * j22 - j12 * j21));
      expect((await logDets[k]!.data())[0]).toBeCloseTo(fd, 2);
    }
    tf.dispose([point, ...stages, ...logDets]);
  });

  it('snapshots every stage, the grid and the change of variables without leaking', async () => {
    const snapshot = await layerSnapshot(flow, z);
    expect(snapshot.samples).toHaveLength(FLOW_LAYERS + 1);
    expect(snapshot.grid).toHaveLength(FLOW_LAYERS + 1);
    expect(snapshot.samples[0]).toEqual(await z.data());
    const grid = gridLines();
    expect(snapshot.grid[0]).toEqual(grid.points);
    expect(new Set(grid.line).size).toBe(2 * GRID_VALUES.length);
    expect(snapshot.meanLogDet).toHaveLength(FLOW_LAYERS);
    const { logDets } = pushForward(flow, z);
    for (let k = 0; k < FLOW_LAYERS; k++) {
      const mean = tf.mean(logDets[k]!);
      expect(snapshot.meanLogDet[k]).toBeCloseTo((await mean.data())[0]!, 5);
      mean.dispose();
    }
    tf.dispose(logDets);
    expect(snapshot.meanChangeOfVariables).toBeCloseTo(snapshot.meanFlowLogProb, 4);
    const sumLogDet = snapshot.meanLogDet.reduce((a, b) => a + b, 0);
    expect(snapshot.meanChangeOfVariables).toBeCloseTo(snapshot.meanBaseLogProb - sumLogDet, 4);
    await expectNoLeak(() => layerSnapshot(flow, z).then(() => undefined));
  });
});

describe('FlowRun (cpu)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('trains through createTrainer, lowers the NLL and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const run = new FlowRun({ dataset: 'moons', learningRate: 5e-3, batchSize: 128, seed: 0 });
    const start = await run.nll();
    let last = Number.NaN;
    for (let i = 0; i < 20; i++) last = await run.train();
    expect(run.step).toBe(20 * FLOW_STEPS_PER_CHUNK);
    expect(Number.isFinite(last)).toBe(true);
    const end = await run.nll();
    expect(end).toBeLessThan(start - 0.1);
    const snapshot = await run.snapshot();
    expect(snapshot.samples[0]).toHaveLength(2 * PUSHED_SAMPLES);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('continues from a checkpoint with the same losses and weights as an uninterrupted run', async () => {
    const settings = { dataset: 'moons' as const, learningRate: 5e-3, batchSize: 64, seed: 3 };
    const before = tf.memory().numTensors;
    const straight = new FlowRun(settings);
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) losses.push(await straight.train());

    const first = new FlowRun(settings);
    for (let i = 0; i < 2; i++) await first.train();
    const saved = await first.checkpoint();
    expect(saved.step).toBe(2 * FLOW_STEPS_PER_CHUNK);
    // More training after the checkpoint does not change what it holds.
    await first.train();
    first.dispose();

    const resumed = new FlowRun(settings, saved);
    await resumed.start();
    expect(resumed.step).toBe(2 * FLOW_STEPS_PER_CHUNK);
    const more: number[] = [];
    for (let i = 0; i < 2; i++) more.push(await resumed.train());
    expect(resumed.step).toBe(4 * FLOW_STEPS_PER_CHUNK);
    expect(more).toEqual(losses.slice(2));
    // A fresh run would differ: the comparison means something.
    expect(more[0]).not.toBe(losses[0]);
    const a = await straight.nll();
    const b = await resumed.nll();
    expect(b).toBe(a);
    straight.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
