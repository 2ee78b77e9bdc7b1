import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { loadModel, modelToSafetensors } from '@gen/nn';
import { fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { logAbsDet } from '../../test/support.js';
import { MultiscaleFlow } from './multiscale-flow.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const ALPHA = 0.05;
const small = { shape: [4, 4, 1], levels: 2, stepsPerLevel: 1, hiddenChannels: 4 } as const;

/** Pixels level/255 `[n, 16]` of a 4×4 image family: a bright bar at a random row, plus noise. */
function bars(n: number, seed: number): tf.Tensor2D {
  const rng = Rng.fromSeed(seed);
  const rows: number[][] = [];
  for (let k = 0; k < n; k++) {
    const bar = rng.int(4);
    rows.push(
      Array.from({ length: 16 }, (_, i) => (Math.floor(i / 4) === bar ? 230 : 20) + rng.int(10)),
    );
  }
  return tf.div(tf.tensor2d(rows), 255) as tf.Tensor2D;
}

/** Every weight but the permutations redrawn from N(0, 0.2²): a flow far from the identity. */
function randomize(flow: MultiscaleFlow, seed: number): void {
  const rng = Rng.fromSeed(seed);
  const weights = flow.getWeights();
  const fresh = Object.fromEntries(
    Object.entries(weights).map(([name, w]) => [
      name,
      name.endsWith('/permutation') ? tf.clone(w) : rng.normal([...w.shape], 0, 0.2),
    ]),
  );
  flow.setWeights(fresh);
  tf.dispose([Object.values(weights), Object.values(fresh)]);
}

type Internals = {
  encode(v: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor };
  decode(z: tf.Tensor): tf.Tensor;
};

/** log N(0, 1) of a float64 value. */
const logNormal = (v: number) => -0.5 * v * v - 0.5 * Math.log(2 * Math.PI);

describe('MultiscaleFlow', () => {
  it('log p(y) = log N(z) + log |det ∂z/∂y| from the full Jacobian of y ↦ z, and decode inverts encode', () => {
    const flow = new MultiscaleFlow({ ...small, shape: [4, 4, 2], seed: 1 });
    randomize(flow, 2);
    const inner = flow as unknown as Internals;
    const x = tf.slice(bars(2, 3), 0, 1);
    const pixels = tf.concat([x, tf.sub(1, x)], 1); // [1, 32] (channels interleave: any pixels do)
    // The oracle: y at the bin centres, and the map y ↦ z written here from the definition.
    const y = tf.div(tf.add(tf.round(tf.mul(pixels, 255)), 0.5), 256);
    const toNoise = (yv: tf.Tensor) => {
      const s = tf.add(ALPHA, tf.mul(1 - 2 * ALPHA, yv));
      const v = tf.sub(tf.log(s), tf.log(tf.sub(1, s)));
      return inner.encode(tf.reshape(v, [-1, 4, 4, 2])).z;
    };
    // Images are independent (no batch statistics once ActNorm is set), so one backward pass
    // through d copies of y gives the whole Jacobian: row i of ∂z/∂y from Σ_i z[i, i].
    const d = 32;
    const rows = tf.tidy(() => {
      const copies = tf.tile(y, [d, 1]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(toNoise(v), tf.eye(d))))(copies);
      return g.arraySync() as number[][];
    });
    const z = Array.from(toNoise(y).dataSync());
    const want = z.reduce((t, v) => t + logNormal(v), 0) + logAbsDet(rows);
    expectClose(flow.logProb(pixels), [want], { atol: 2e-3, rtol: 0 });
    // decode ∘ encode is the identity on logits.
    const v = Rng.fromSeed(4).normal([3, 4, 4, 2]);
    expectClose(inner.decode(inner.encode(v).z), v, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([x, pixels, y, v]);
    flow.dispose();
  });

  it('bits/dim is (−log p(y) + D ln 256)/(D ln 2): closed form when the flow is a permutation', () => {
    const flow = new MultiscaleFlow({ ...small, seed: 0 });
    // A new flow permutes the logits (couplings and ActNorm start as the identity, the 1×1
    // convolutions as permutations); setWeights marks ActNorm initialised, so it stays so.
    const weights = flow.getWeights();
    flow.setWeights(weights);
    tf.dispose(weights);
    const x = bars(3, 5);
    const values = Array.from(x.dataSync());
    const want = [0, 1, 2].map((r) =>
      values.slice(16 * r, 16 * r + 16).reduce((t, p) => {
        const s = ALPHA + (1 - 2 * ALPHA) * ((Math.round(255 * p) + 0.5) / 256);
        const logit = Math.log(s / (1 - s));
        return t + logNormal(logit) + Math.log(1 - 2 * ALPHA) - Math.log(s) - Math.log(1 - s);
      }, 0),
    );
    expectClose(flow.logProb(x), want, { atol: 1e-3, rtol: 0 });
    const bits = want.map((l) => (-l + 16 * Math.log(256)) / (16 * Math.LN2));
    expectClose(flow.bitsPerDim(x), bits, { atol: 1e-4, rtol: 0 });
    // Images [n, h, w, C] are the same data as rows [n, D].
    expectClose(flow.bitsPerDim(tf.reshape(x, [3, 4, 4, 1])), bits, { atol: 1e-4, rtol: 0 });
    x.dispose();
    flow.dispose();
  });

  it('trains with fit on rows: bits/dim falls; samples are pixels; weights and loadModel round-trip', async () => {
    const flow = new MultiscaleFlow({ ...small, seed: 2 });
    const data = bars(64, 6);
    const before = tf.tidy(() => tf.mean(flow.bitsPerDim(data)).dataSync()[0]!);
    await fit(flow, data, { steps: 15, batchSize: 32, learningRate: 2e-2, rng: Rng.fromSeed(7) });
    const after = tf.tidy(() => tf.mean(flow.bitsPerDim(data)).dataSync()[0]!);
    // 7.8 → 5.7 bits/dim when written; a drop of 1 leaves room for backend rounding.
    expect(after).toBeLessThan(before - 1);
    const drawn = flow.sample(5, Rng.fromSeed(8));
    expect(drawn.shape).toEqual([5, 4, 4, 1]);
    for (const p of drawn.dataSync()) {
      expect(p >= 0 && p <= 1 && Number.isInteger(Math.round(p * 255 * 1e3) / 1e3)).toBe(true);
    }
    const copy = new MultiscaleFlow({ ...small, seed: 9 });
    const weights = flow.getWeights();
    copy.setWeights(weights);
    expectClose(copy.logProb(data), flow.logProb(data), { atol: 0, rtol: 0 });
    const loaded = await loadModel<MultiscaleFlow>(modelToSafetensors(flow));
    expect(loaded).toBeInstanceOf(MultiscaleFlow);
    expect(loaded.toConfig()).toEqual(flow.toConfig());
    expectClose(loaded.logProb(data), flow.logProb(data), { atol: 0, rtol: 0 });
    expectClose(loaded.sample(5, Rng.fromSeed(8)), drawn, { atol: 0, rtol: 0 });
    // Temperature 0.7 scales the same noise draws: other images, still pixels.
    const cool = flow.sample(5, Rng.fromSeed(8), { temperature: 0.7 });
    expect(cool.shape).toEqual([5, 4, 4, 1]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(cool, drawn))).dataSync()[0]!)).toBeGreaterThan(0);
    cool.dispose();
    tf.dispose([data, drawn, weights]);
    for (const f of [flow, copy, loaded]) f.dispose();
  });

  it('does not leak in loss, gradients, logProb, bitsPerDim or sample', async () => {
    const flow = new MultiscaleFlow({ ...small, seed: 3 });
    const x = bars(4, 1);
    const rng = Rng.fromSeed(2);
    flow.logProb(x).dispose(); // ActNorm's data-dependent init creates its values once
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => flow.loss(x, rng), flow.trainableVariables);
      return [value, Object.values(grads)];
    }, 'loss and gradients');
    await expectNoLeak(() => [flow.logProb(x, { rng }), flow.bitsPerDim(x), flow.sample(2, rng)]);
    await expectNoLeak(() => new MultiscaleFlow({ ...small, seed: 4 }).dispose(), 'build');
    x.dispose();
    flow.dispose();
  });

  it('refuses bad options, shapes and data with typed errors naming function, argument and value', () => {
    expect(() => new MultiscaleFlow({ ...small, level: 2 } as never)).toThrow(
      /MultiscaleFlow.*level/,
    );
    expect(() => new MultiscaleFlow({ shape: [28, 28, 1], levels: 3 })).toThrow(
      "MultiscaleFlow: argument 'levels' must be at most 2 for shape [28, 28, 1] (each level squeezes 2×2, so h and w must be divisible by 2^levels), got 3",
    );
    expect(() => new MultiscaleFlow({ shape: [7, 8, 1] })).toThrow(
      "MultiscaleFlow: argument 'shape' must have even h and w (each level squeezes 2×2), got [7, 8, 1]",
    );
    expect(() => new MultiscaleFlow({ shape: [28, 28] })).toThrow(
      /argument 'shape' must be \[h, w, C\]/,
    );
    expect(() => new MultiscaleFlow({ ...small, alpha: 0.5 })).toThrow(
      "MultiscaleFlow: argument 'alpha' must be a number in (0, 0.5), got 0.5",
    );
    expect(() => new MultiscaleFlow({ ...small, stepsPerLevel: 0 })).toThrow(/'stepsPerLevel'/);
    const flow = new MultiscaleFlow(small);
    const rng = Rng.fromSeed(0);
    const wrong = tf.zeros([2, 15]);
    const bright = tf.fill([2, 16], 2);
    const x = tf.zeros([2, 16]);
    expect(() => flow.logProb(wrong)).toThrow(ShapeMismatchError);
    expect(() => flow.logProb(wrong)).toThrow(
      "MultiscaleFlow.logProb: argument 'x' must have shape [n, 16] or [n, 4, 4, 1], got [2, 15]",
    );
    expect(() => flow.loss(bright, rng)).toThrow(
      "MultiscaleFlow.loss: argument 'batch' must hold pixels in [0, 1] (level/255), got values from 2 to 2",
    );
    expect(() => flow.loss(x, undefined as never)).toThrow(
      /MultiscaleFlow.loss: argument 'rng' must be an Rng/,
    );
    expect(() => flow.loss({ x, condition: x }, rng)).toThrow(/argument 'batch'.*unconditional/);
    expect(() => flow.sample(2, rng, { condition: x })).toThrow(InvalidArgumentError);
    expect(() => flow.sample(2, rng, { temperature: 0 })).toThrow(
      "MultiscaleFlow.sample: argument 'options.temperature' must be a number in (0, 10], got 0",
    );
    expect(() => flow.logProb(x, { seed: 1 } as never)).toThrow(/MultiscaleFlow.logProb.*seed/);
    tf.dispose([wrong, bright, x]);
    flow.dispose();
    expect(() => flow.sample(1, rng)).toThrow('MultiscaleFlow.sample: the flow has been disposed');
  });
});
