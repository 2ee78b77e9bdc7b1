import { initBackend, Rng } from '@gen/core';
import { expectClose } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { curvedData, logAbsDet } from '../../test/support.js';
import { MaskedAutoregressiveSpline } from '../autoregressive/masked-autoregressive-spline.js';
import { Flow } from '../flow/flow.js';
import { standardNormal } from '../flow/standard-normal.js';
import { LuLinear } from './lu-linear.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Sets every weight of `layer` but P to N(0, 0.5²) draws. */
function randomise(layer: LuLinear | MaskedAutoregressiveSpline, seed: number): void {
  const rng = Rng.fromSeed(seed);
  const weights = layer.getWeights();
  const fresh = Object.fromEntries(
    Object.entries(weights).map(([name, w]) => [
      name,
      name.endsWith('/permutation') ? tf.clone(w) : rng.normal([...w.shape], 0, 0.5),
    ]),
  );
  layer.setWeights(fresh);
  tf.dispose([Object.values(weights), Object.values(fresh)]);
}

describe('LuLinear', () => {
  it('is y = W x with W = P L (U + diag s) and log |det W| = Σ log s', () => {
    const lu = new LuLinear({ dim: 4, permutation: 'random', seed: 3 });
    randomise(lu, 1);
    const w = lu.matrix().arraySync() as number[][];
    // W is P times a lower-unit-triangular times an upper-triangular matrix with diagonal s.
    const s = (lu.getWeights()['luLinear/logScale']!.arraySync() as number[]).map(Math.exp);
    const sumLog = s.reduce((a, v) => a + Math.log(v), 0);
    expect(logAbsDet(w)).toBeCloseTo(sumLog, 4);
    const x = curvedData(5, 4, 2);
    const rows = x.arraySync() as number[][];
    const want = rows.map((r) => w.map((wi) => wi.reduce((a, v, j) => a + v * r[j]!, 0)));
    const { y, logDet } = lu.forwardAndLogDet(x);
    expectClose(y, want, { atol: 1e-4, rtol: 1e-4 });
    expectClose(logDet, Array(5).fill(sumLog), { atol: 1e-4, rtol: 1e-5 });
    expectClose(lu.inverse(y), x, { atol: 1e-4, rtol: 1e-4 });
    expect([...lu.permutation].sort()).toEqual([0, 1, 2, 3]);
    tf.dispose([x, y, logDet]);
    lu.dispose();
  });

  it('a Flow of LuLinear and NSF-AR layers is rebuilt by loadModel with its permutation', async () => {
    const layers = [
      new MaskedAutoregressiveSpline({ dim: 3, hiddenSizes: [8], bins: 4, seed: 1 }),
      new LuLinear({ dim: 3, permutation: 'random', seed: 2 }),
      new MaskedAutoregressiveSpline({
        dim: 3,
        hiddenSizes: [8],
        bins: 4,
        conditionSize: 2,
        seed: 3,
      }),
    ];
    for (const [i, layer] of layers.entries()) randomise(layer, 10 + i);
    const flow = new Flow({ base: standardNormal(3), transforms: layers });
    const x = curvedData(6, 3, 1);
    const c = Rng.fromSeed(2).normal([6, 2]);
    const before = flow.logProb(x, { condition: c });
    const loaded = await loadModel<Flow>(modelToSafetensors(flow));
    expect((loaded.transforms[1] as LuLinear).permutation).toEqual(
      (layers[1] as LuLinear).permutation,
    );
    expectClose(loaded.logProb(x, { condition: c }), before, { atol: 0, rtol: 0 });
    const head = tf.slice(c, [0, 0], [4, -1]);
    const { x: s, logProb } = flow.sampleAndLogProb(4, Rng.fromSeed(5), {
      condition: head,
    });
    expectClose(flow.logProb(s, { condition: head }), logProb, { atol: 1e-3, rtol: 1e-3 });
    tf.dispose([x, c, before, s, logProb, head]);
    flow.dispose();
    loaded.dispose();
  });

  it('refuses a weight set whose P is not a permutation', () => {
    const lu = new LuLinear({ dim: 3 });
    const weights = lu.getWeights();
    const bad = tf.tensor1d([0, 0, 2]);
    expect(() => lu.setWeights({ ...weights, 'luLinear/permutation': bad })).toThrow(
      "LuLinear.setWeights: argument 'weights['luLinear/permutation']' must be a permutation of 0..2",
    );
    expect(() => new LuLinear({ dim: 3, permutation: 'shuffle' as never })).toThrow(
      "LuLinear: argument 'permutation'",
    );
    tf.dispose([Object.values(weights), bad]);
    lu.dispose();
  });
});
