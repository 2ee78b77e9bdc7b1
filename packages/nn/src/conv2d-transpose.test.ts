import { InvalidArgumentError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectGradientsMatchFiniteDifferences } from '../test/support.js';
import { Conv2d } from './conv2d.js';
import { Conv2dTranspose } from './conv2d-transpose.js';

describeBackends('Conv2dTranspose', ({ tolerance }) => {
  const close = { atol: tolerance, rtol: tolerance };

  it('matches a hand-computed upsampling: stride = kernel stamps x[i][j]·K per block', () => {
    const up = new Conv2dTranspose({
      inChannels: 1,
      outChannels: 1,
      kernelSize: 2,
      stride: 2,
      padding: 'valid',
    });
    up.setWeights({
      'conv2dTranspose/kernel': tf.tensor4d([1, 10, 100, 1000], [2, 2, 1, 1]),
      'conv2dTranspose/bias': tf.tensor1d([0.5]),
    });
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = up.apply(x);
    const expected = [
      [1, 10, 2, 20],
      [100, 1000, 200, 2000],
      [3, 30, 4, 40],
      [300, 3000, 400, 4000],
    ]
      .flat()
      .map((v) => v + 0.5);
    expectClose(y, tf.tensor4d(expected, [1, 4, 4, 1]), close);
    tf.dispose([x, y]);
    up.dispose();
  });

  it("produces in·s ('same') and (in − 1)·s + k + outputPadding ('valid')", () => {
    const cases: [object, number[], number[]][] = [
      [{ kernelSize: 3, stride: 2 }, [2, 4, 5, 3], [2, 8, 10, 2]],
      [{ kernelSize: 3, stride: 2, padding: 'valid' }, [2, 4, 5, 3], [2, 9, 11, 2]],
      [
        { kernelSize: 3, stride: 2, padding: 'valid', outputPadding: 1 },
        [1, 4, 5, 3],
        [1, 10, 12, 2],
      ],
      [
        { kernelSize: [4, 2], stride: [2, 3], padding: 'valid', outputPadding: [1, 2] },
        [1, 3, 3, 3],
        [1, 9, 10, 2],
      ],
      [{ kernelSize: 1, stride: 3 }, [1, 2, 2, 3], [1, 6, 6, 2]],
    ];
    for (const [options, inShape, outShape] of cases) {
      const up = new Conv2dTranspose({ inChannels: 3, outChannels: 2, ...options } as never);
      const x = tf.ones(inShape);
      const y = up.apply(x);
      expect(y.shape).toEqual(outShape);
      expect(up.computeOutputShape(inShape)).toEqual(outShape);
      expect(up.kernel.shape).toEqual([...up.kernelSize, 2, 3]);
      tf.dispose([x, y]);
      up.dispose();
    }
  });

  const adjointCases: [string, object, number[]][] = [
    ['same, stride 1', { kernelSize: 3, stride: 1, padding: 'same' }, [2, 5, 6]],
    ['same, stride 2', { kernelSize: 3, stride: 2, padding: 'same' }, [2, 3, 4]],
    ['valid, stride 2', { kernelSize: 3, stride: 2, padding: 'valid' }, [1, 3, 3]],
    [
      'valid, stride 2, outputPadding 1',
      { kernelSize: 3, stride: 2, padding: 'valid', outputPadding: 1 },
      [1, 3, 2],
    ],
    ['valid, rectangular', { kernelSize: [2, 3], stride: [2, 1], padding: 'valid' }, [2, 4, 3]],
  ];

  for (const [title, options, [n, h, w]] of adjointCases) {
    it(`is the adjoint of Conv2d with the same kernel: ⟨conv(u), v⟩ = ⟨u, convT(v)⟩ (${title})`, async () => {
      const up = new Conv2dTranspose({
        inChannels: 4,
        outChannels: 3,
        useBias: false,
        seed: 1,
        ...options,
      } as never);
      const { outputPadding: _unused, ...forward } = options as { outputPadding?: unknown };
      const conv = new Conv2d({
        inChannels: 3,
        outChannels: 4,
        useBias: false,
        seed: 2,
        ...forward,
      } as never);
      conv.setWeights({ 'conv2d/kernel': up.kernel });
      const rng = Rng.fromSeed(5);
      const v = rng.normal([n!, h!, w!, 4]);
      const u = rng.normal(up.computeOutputShape(v.shape));
      const convU = conv.apply(u);
      const upV = up.apply(v);
      expect(convU.shape).toEqual(v.shape);
      const lhs = tf.sum(tf.mul(convU, v));
      const rhs = tf.sum(tf.mul(u, upV));
      const [a, b] = [(await lhs.data())[0]!, (await rhs.data())[0]!];
      expect(Math.abs(a - b)).toBeLessThan(1e-4 * (1 + Math.abs(a)));
      tf.dispose([v, u, convU, upV, lhs, rhs]);
      up.dispose();
      conv.dispose();
    });
  }

  for (const padding of ['same', 'valid'] as const) {
    it(`gradients match finite differences (${padding}, stride 2)`, () => {
      const up = new Conv2dTranspose({
        inChannels: 2,
        outChannels: 2,
        kernelSize: 3,
        stride: 2,
        padding,
        activation: 'tanh',
        biasInitializer: (shape, _fan, rng) => rng.normal(shape, 0, 0.1),
        seed: 3,
      });
      const x = Rng.fromSeed(4).normal([2, 3, 3, 2]);
      expectGradientsMatchFiniteDifferences(up, x);
      x.dispose();
      up.dispose();
    });
  }

  it('leaks nothing across construction, apply, gradients and dispose', async () => {
    await expectNoLeak(() => {
      const up = new Conv2dTranspose({ inChannels: 2, outChannels: 1, kernelSize: 3, stride: 2 });
      const x = tf.ones([1, 3, 3, 2]);
      tf.dispose(up.apply(x));
      tf.dispose(tf.variableGrads(() => tf.sum(up.apply(x)) as tf.Scalar, up.trainableVariables));
      tf.dispose(tf.grad((input) => tf.sum(up.apply(input)))(x));
      x.dispose();
      up.dispose();
    });
  });

  it('rejects bad inputs and options with typed errors naming them', () => {
    const up = new Conv2dTranspose({ inChannels: 3, outChannels: 1, kernelSize: 2 });
    const x = tf.zeros([1, 4, 4, 1]);
    expect(() => up.apply(x)).toThrow(ShapeMismatchError);
    expect(() => up.apply(x)).toThrow(
      "Conv2dTranspose.apply: argument 'x' must have shape [batch, height, width, 3], got [1, 4, 4, 1]",
    );
    x.dispose();
    up.dispose();
    const base = { inChannels: 1, outChannels: 1, kernelSize: 3, stride: 2 };
    const make = (o: object) => () => new Conv2dTranspose({ ...base, ...o } as never);
    expect(make({ outputPadding: 1 })).toThrow(InvalidArgumentError);
    expect(make({ outputPadding: 1 })).toThrow(
      "Conv2dTranspose: argument 'outputPadding' must be 0 with padding 'same', got 1",
    );
    expect(make({ padding: 'valid', outputPadding: 2 })).toThrow(
      /argument 'outputPadding' must be an integer \(or pair\) in \[0, stride − 1\], stride \[2, 2\], got 2/,
    );
    expect(make({ padding: 'valid', outputPadding: [1, -1] })).toThrow(/got \[1, -1\]/);
    expect(make({ kernelSize: [2] })).toThrow(/argument 'kernelSize'/);
    expect(make({ dilation: 2 })).toThrow(/Conv2dTranspose: unknown option 'dilation'/);
  });
});
