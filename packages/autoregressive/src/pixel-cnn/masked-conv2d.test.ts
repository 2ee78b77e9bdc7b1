import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { values } from '../../test/support.js';
import { MaskedConv2d, rasterMask } from './masked-conv2d.js';

beforeAll(async () => {
  await initBackend('wasm');
});

it('rasterMask opens the rows above and the pixels to the left (and the centre for B)', async () => {
  const a = rasterMask(3, 5, 1, 1, 'A');
  const b = rasterMask(3, 5, 1, 1, 'B');
  // biome-ignore format: the mask as a picture
  expect(await values(a)).toEqual([
    1, 1, 1, 1, 1,
    1, 1, 0, 0, 0,
    0, 0, 0, 0, 0,
  ]);
  // biome-ignore format: the mask as a picture
  expect(await values(b)).toEqual([
    1, 1, 1, 1, 1,
    1, 1, 1, 0, 0,
    0, 0, 0, 0, 0,
  ]);
  const wide = rasterMask(3, 3, 2, 3, 'A');
  expect(wide.shape).toEqual([3, 3, 2, 3]);
  expect((await values(wide)).slice(3 * 6, 4 * 6)).toEqual([1, 1, 1, 1, 1, 1]);
  expect((await values(wide)).slice(4 * 6, 5 * 6)).toEqual([0, 0, 0, 0, 0, 0]);
  tf.dispose([a, b, wide]);
});

describeBackends('MaskedConv2d', ({ tolerance }) => {
  it('convolves with the masked kernel W ⊙ M', () => {
    const conv = new MaskedConv2d({
      inChannels: 2,
      outChannels: 3,
      kernelSize: 3,
      maskType: 'B',
      seed: 1,
    });
    const x = Rng.fromSeed(2).normal([2, 5, 4, 2]);
    const y = conv.apply(x);
    const expected = tf.tidy(() =>
      tf.add(tf.conv2d(x as tf.Tensor4D, conv.maskedKernel(), 1, 'same'), conv.bias!),
    );
    expectClose(y, expected, { atol: tolerance, rtol: tolerance });
    expect(conv.kernel.isDisposed).toBe(false);
    expect(Object.keys(conv.namedWeights())).toEqual(['maskedConv2d/kernel', 'maskedConv2d/bias']);
    tf.dispose([x, y, expected]);
    conv.dispose();
  });

  it('masked kernel entries get zero gradient; the others match finite differences', async () => {
    const conv = new MaskedConv2d({
      inChannels: 1,
      outChannels: 2,
      kernelSize: 3,
      maskType: 'A',
      activation: 'softplus',
      seed: 3,
    });
    const x = Rng.fromSeed(4).normal([2, 4, 4, 1]);
    const r = Rng.fromSeed(5).normal([2, 4, 4, 2]);
    const loss = () => tf.sum(tf.mul(conv.apply(x), r)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, [conv.kernel]);
    const g = grads[conv.kernel.name]!;
    const mask = await values(conv.mask);
    const analytic = await values(g);
    mask.forEach((m, k) => {
      if (m === 0) expect(Math.abs(analytic[k]!), `entry ${k}`).toBe(0);
    });
    const original = tf.clone(conv.kernel);
    const numeric = numericalGradient(
      (w) => {
        conv.kernel.assign(w);
        return loss();
      },
      original,
      1e-2,
    );
    conv.kernel.assign(original);
    expectClose(g, tf.mul(numeric, conv.mask), { atol: 5e-3, rtol: 5e-3 });
    tf.dispose([x, r, value, g, original, numeric]);
    conv.dispose();
  });

  it('leaks nothing, also when built inside tf.tidy', async () => {
    const x = tf.ones([1, 3, 3, 1]);
    await expectNoLeak(() => {
      let conv: MaskedConv2d | undefined;
      tf.tidy(() => {
        conv = new MaskedConv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, maskType: 'A' });
      });
      if (conv === undefined) throw new Error('not built');
      const y = conv.apply(x);
      conv.dispose();
      return y;
    });
    x.dispose();
  });
});

it('MaskedConv2d rejects bad options and inputs with typed errors', () => {
  const base = { inChannels: 1, outChannels: 1, kernelSize: 3 };
  expect(() => new MaskedConv2d({ ...base, maskType: 'C' as never })).toThrow(InvalidArgumentError);
  expect(() => new MaskedConv2d({ ...base, maskType: 'C' as never })).toThrow(
    /MaskedConv2d: argument 'maskType' must be one of 'A', 'B', got "C"/,
  );
  expect(() => new MaskedConv2d({ ...base, kernelSize: 4, maskType: 'A' })).toThrow(
    /MaskedConv2d: argument 'kernelSize' must be an odd integer or a pair of them, got 4/,
  );
  expect(() => new MaskedConv2d({ ...base, stride: 2, maskType: 'A' } as never)).toThrow(
    /MaskedConv2d: argument 'stride' is not an option/,
  );
  const conv = new MaskedConv2d({ ...base, maskType: 'B' });
  const x = tf.zeros([1, 3, 3, 2]);
  expect(() => conv.apply(x)).toThrow(
    /MaskedConv2d.apply: argument 'x' must have shape \[batch, height, width, 1\], got \[1, 3, 3, 2\]/,
  );
  x.dispose();
  conv.dispose();
  expect(() => conv.maskedKernel()).toThrow(/has been disposed/);
});
