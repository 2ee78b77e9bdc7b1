import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { Conv2d } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { logAbsDet, numericalJacobian } from '../../test/support.js';
import type { LearnedBijector } from '../learned-bijector.js';
import { ConvAffineCoupling } from './conv-affine-coupling.js';
import { Squeeze } from './squeeze.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The Jacobian of `f` (`[h, w, C]` → same size) at `x` by reverse-mode autodiff, one row per output. */
function jacobian(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): number[][] {
  const d = x.size;
  return Array.from({ length: d }, (_, i) =>
    tf.tidy(() => {
      const pick = tf.reshape(tf.oneHot(tf.tensor1d([i], 'int32'), d), [d]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.reshape(f(v), [d]), pick)))(x);
      return Array.from(g.dataSync());
    }),
  );
}

/** Replaces every weight of `layer` by N(0, std²) draws (seeded), so couplings are not the identity. */
function randomize<L extends LearnedBijector>(layer: L, seed: number, std = 0.3): L {
  const rng = Rng.fromSeed(seed);
  const weights = layer.getWeights();
  const fresh = Object.fromEntries(
    Object.entries(weights).map(([name, w]) => [name, rng.normal([...w.shape], 0, std)]),
  );
  layer.setWeights(fresh);
  tf.dispose([Object.values(weights), Object.values(fresh)]);
  return layer;
}

/**
 * log-det per image against log |det J| of the whole map (by autodiff, and by central differences
 * with step 1e-2 as in the vector bijectors' suite), round trip and the inverse log-det.
 */
function expectExactLogDet(layer: LearnedBijector, x: tf.Tensor): void {
  const { y, logDet } = layer.forwardAndLogDet(x);
  expect(logDet.shape).toEqual([]);
  expectClose(logDet, logAbsDet(jacobian((v) => layer.forward(v), x)), { atol: 1e-3, rtol: 0 });
  const flat = (v: tf.Tensor) =>
    tf.tidy(() => tf.reshape(layer.forward(tf.reshape(v, x.shape)), [x.size]));
  expectClose(logDet, logAbsDet(numericalJacobian(flat, Array.from(x.dataSync()))), {
    atol: 2e-3,
    rtol: 0,
  });
  const back = layer.inverseAndLogDet(y);
  expectClose(back.x, x, { atol: 1e-4, rtol: 1e-4 });
  expectClose(back.logDet, -logDet.dataSync()[0]!, { atol: 1e-4, rtol: 0 });
  expectClose(logAbsDet(jacobian((v) => layer.inverse(v), y)), back.logDet, {
    atol: 1e-3,
    rtol: 0,
  });
  tf.dispose([y, logDet, back.x, back.logDet]);
}

describe('Squeeze', () => {
  it('moves each 2×2 block into channels (a permutation: log-det 0) and back', () => {
    const squeeze = new Squeeze({ dim: 2 });
    const x = Rng.fromSeed(1).normal([4, 4, 2]);
    const { y, logDet } = squeeze.forwardAndLogDet(x);
    expect(y.shape).toEqual([2, 2, 8]);
    const xs = x.arraySync() as number[][][];
    const ys = y.arraySync() as number[][][];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 2; b++)
            for (let c = 0; c < 2; c++)
              expect(ys[i]![j]![(2 * a + b) * 2 + c]).toBe(xs[2 * i + a]![2 * j + b]![c]);
    expectClose(logDet, 0, { atol: 0, rtol: 0 });
    expectExactLogDet(squeeze, x);
    const batch = Rng.fromSeed(2).normal([2, 3, 4, 6, 2]);
    expectClose(squeeze.inverse(squeeze.forward(batch)), batch, { atol: 0, rtol: 0 });
    expect(squeeze.forwardAndLogDet(batch).logDet.shape).toEqual([2, 3]);
    expect(squeeze.getWeights()).toEqual({});
    tf.dispose([x, y, logDet, batch]);
  });

  it('refuses odd sizes and wrong channels with typed errors', () => {
    const squeeze = new Squeeze({ dim: 1 });
    const odd = tf.zeros([2, 7, 4, 1]);
    expect(() => squeeze.forward(odd)).toThrow(
      "Squeeze.forward: argument 'x' must have shape [..., h, w, 1] with h and w even, got [2, 7, 4, 1]",
    );
    expect(() => squeeze.inverse(odd)).toThrow(ShapeMismatchError);
    expect(() => new Squeeze({ dim: 0 })).toThrow(
      "Squeeze: argument 'dim' must be an integer >= 1",
    );
    expect(() => new Squeeze({ dim: 1, channels: 2 } as never)).toThrow(/Squeeze.*channels/);
    odd.dispose();
  });
});

describe('ConvAffineCoupling', () => {
  const cases = [
    { name: 'channel mask, parity 0', options: { dim: 2 }, shape: [2, 2, 2] },
    {
      name: 'channel mask, parity 1, softplus',
      options: { dim: 3, parity: 1 as const, scale: 'softplus' as const },
      shape: [2, 2, 3],
    },
    {
      name: 'checkerboard, parity 1',
      options: { dim: 1, mask: 'checkerboard' as const, parity: 1 as const },
      shape: [4, 4, 1],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: log-det equals log |det J|, inverse round-trips`, () => {
      const fresh = new ConvAffineCoupling({ ...c.options, hiddenChannels: 4, seed: 3 });
      const x = Rng.fromSeed(4).normal(c.shape);
      // A new layer is the identity (zero-initialised last convolution; softplus's s(0) = 1 up
      // to float32 rounding).
      expectClose(fresh.forward(x), x, { atol: 1e-6, rtol: 0 });
      const layer = randomize(fresh, 5);
      const moved = layer.forward(x);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(moved, x))).dataSync()[0]!)).toBeGreaterThan(0.05);
      expectExactLogDet(layer, x);
      tf.dispose([x, moved]);
      layer.dispose();
    });
  }

  it('takes your own conditioner, checks what it returns, and does not leak', async () => {
    const conditioner = new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3, seed: 1 });
    const layer = new ConvAffineCoupling({ dim: 2, parity: 1, conditioner });
    expect(Object.keys(layer.getWeights())).toEqual([
      'convAffineCoupling/conv2d/kernel',
      'convAffineCoupling/conv2d/bias',
    ]);
    const x = Rng.fromSeed(6).normal([3, 4, 4, 2]);
    expectExactLogDet(layer, tf.reshape(tf.slice(x, 0, 1), [4, 4, 2]));
    await expectNoLeak(() => {
      const out = layer.forwardAndLogDet(x);
      return [out.y, out.logDet, layer.inverseAndLogDet(out.y)];
    });
    const wrong = new ConvAffineCoupling({
      dim: 2,
      conditioner: new Conv2d({ inChannels: 1, outChannels: 3, kernelSize: 1 }),
    });
    expect(() => wrong.forward(x)).toThrow(
      'ConvAffineCoupling: the conditioner must map [3, 4, 4, 1] to [3, 4, 4, 2], got [3, 4, 4, 3]',
    );
    tf.dispose(x);
    layer.dispose();
    wrong.dispose();
  });

  it('refuses bad options and shapes with typed errors naming the argument', () => {
    expect(() => new ConvAffineCoupling({ dim: 1 })).toThrow(
      "ConvAffineCoupling: argument 'dim' must be >= 2 for mask 'channel' (use 'checkerboard'), got 1",
    );
    expect(() => new ConvAffineCoupling({ dim: 2, hiddenSizes: [4] } as never)).toThrow(
      /hiddenSizes/,
    );
    expect(() => new ConvAffineCoupling({ dim: 2, mask: 'stripes' as never })).toThrow(/'mask'/);
    expect(() => new ConvAffineCoupling({ dim: 2, hiddenChannels: 0 })).toThrow(
      "ConvAffineCoupling: argument 'hiddenChannels' must be an integer >= 1",
    );
    const conditioner = new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 1 });
    expect(() => new ConvAffineCoupling({ dim: 2, conditioner, hiddenChannels: 8 })).toThrow(
      InvalidArgumentError,
    );
    conditioner.dispose();
    const layer = new ConvAffineCoupling({ dim: 2, hiddenChannels: 2 });
    const flat = tf.zeros([4, 2]);
    expect(() => layer.inverse(flat)).toThrow(
      "ConvAffineCoupling.inverse: argument 'y' must have shape [..., h, w, 2], got [4, 2]",
    );
    flat.dispose();
    layer.dispose();
  });
});
