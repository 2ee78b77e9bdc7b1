import { InvalidArgumentError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { expectGradientsMatchFiniteDifferences } from '../test/support.js';
import { Conv2d } from './conv2d.js';

const image = () => tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
// Kernel [[1, 2], [3, 4]] as [kh, kw, in, out].
const kernel = () => tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);

describeBackends('Conv2d', ({ tolerance }) => {
  const close = { atol: tolerance, rtol: tolerance };

  it("matches a hand-computed 'valid' convolution with bias", () => {
    const conv = new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 2, padding: 'valid' });
    conv.setWeights({ 'conv2d/kernel': kernel(), 'conv2d/bias': tf.tensor1d([0.5]) });
    const x = image();
    const y = conv.apply(x);
    // y[i][j] = Σ x[i+a][j+b]·K[a][b]: 1+4+12+20, 2+6+15+24, 4+10+21+32, 5+12+24+36.
    expectClose(y, tf.tensor4d([37.5, 47.5, 67.5, 77.5], [1, 2, 2, 1]), close);
    tf.dispose([x, y]);
    conv.dispose();
  });

  it("matches a hand-computed 'same' convolution with stride 2 (padding after)", () => {
    const conv = new Conv2d({
      inChannels: 1,
      outChannels: 1,
      kernelSize: 2,
      stride: 2,
      useBias: false,
    });
    conv.setWeights({ 'conv2d/kernel': kernel() });
    const x = image();
    const y = conv.apply(x);
    // TensorFlow pads 'same' with the odd row/column at the bottom/right.
    expectClose(y, tf.tensor4d([37, 3 + 18, 7 + 16, 9], [1, 2, 2, 1]), close);
    tf.dispose([x, y]);
    conv.dispose();
  });

  it('produces the documented shapes for square and rectangular kernels', () => {
    const cases: [object, number[], number[]][] = [
      [{ kernelSize: 3, stride: 2 }, [2, 7, 9, 3], [2, 4, 5, 4]],
      [{ kernelSize: 3, stride: 2, padding: 'valid' }, [2, 7, 9, 3], [2, 3, 4, 4]],
      [{ kernelSize: [3, 1], stride: [1, 2], padding: 'valid' }, [1, 5, 5, 3], [1, 3, 3, 4]],
      [{ kernelSize: 5 }, [1, 4, 4, 3], [1, 4, 4, 4]],
    ];
    for (const [options, inShape, outShape] of cases) {
      const conv = new Conv2d({ inChannels: 3, outChannels: 4, ...options } as never);
      const x = tf.zeros(inShape);
      const y = conv.apply(x);
      expect(y.shape).toEqual(outShape);
      expect(conv.computeOutputShape(inShape)).toEqual(outShape);
      expect(conv.kernel.shape).toEqual([...conv.kernelSize, 3, 4]);
      tf.dispose([x, y]);
      conv.dispose();
    }
  });

  for (const padding of ['same', 'valid'] as const) {
    it(`gradients match finite differences (${padding}, stride 2)`, () => {
      const conv = new Conv2d({
        inChannels: 2,
        outChannels: 3,
        kernelSize: 3,
        stride: 2,
        padding,
        activation: 'tanh',
        biasInitializer: (shape, _fan, rng) => rng.normal(shape, 0, 0.1),
        seed: 3,
      });
      const x = Rng.fromSeed(4).normal([2, 5, 5, 2]);
      expectGradientsMatchFiniteDifferences(conv, x);
      x.dispose();
      conv.dispose();
    });
  }

  it('leaks nothing across construction, apply, gradients and dispose', async () => {
    await expectNoLeak(() => {
      const conv = new Conv2d({ inChannels: 2, outChannels: 2, kernelSize: 3, stride: 2 });
      const x = tf.ones([1, 6, 6, 2]);
      tf.dispose(conv.apply(x));
      tf.dispose(
        tf.variableGrads(() => tf.sum(conv.apply(x)) as tf.Scalar, conv.trainableVariables),
      );
      tf.dispose(tf.grad((input) => tf.sum(conv.apply(input)))(x));
      x.dispose();
      conv.dispose();
    });
  });

  it('rejects bad inputs with typed errors naming Conv2d.apply, x and the shapes', () => {
    const conv = new Conv2d({ inChannels: 3, outChannels: 2, kernelSize: 3, padding: 'valid' });
    const wrongChannels = tf.zeros([1, 5, 5, 2]);
    const tooSmall = tf.zeros([1, 2, 5, 3]);
    const rank3 = tf.zeros([5, 5, 3]);
    expect(() => conv.apply(wrongChannels)).toThrow(ShapeMismatchError);
    expect(() => conv.apply(wrongChannels)).toThrow(
      "Conv2d.apply: argument 'x' must have shape [batch, height, width, 3] with height >= 3 and width >= 3, got [1, 5, 5, 2]",
    );
    expect(() => conv.apply(tooSmall)).toThrow(/got \[1, 2, 5, 3\]/);
    expect(() => conv.apply(rank3)).toThrow(/got \[5, 5, 3\]/);
    expect(() => conv.apply('x' as never)).toThrow(
      /Conv2d.apply: argument 'x' must be a live tf.Tensor/,
    );
    expect(() => conv.computeOutputShape([1, 5, 5])).toThrow(
      /Conv2d.computeOutputShape: argument 'inputShape'/,
    );
    tf.dispose([wrongChannels, tooSmall, rank3]);
    conv.dispose();
  });

  it('rejects bad options with typed errors naming the option and value', () => {
    const base = { inChannels: 1, outChannels: 1, kernelSize: 3 };
    const make = (o: object) => () => new Conv2d({ ...base, ...o } as never);
    expect(make({ kernelSize: 0 })).toThrow(InvalidArgumentError);
    expect(make({ kernelSize: 0 })).toThrow(
      /Conv2d: argument 'kernelSize' must be an integer >= 1 or a pair/,
    );
    expect(make({ stride: [1, 0] })).toThrow(/argument 'stride\[1\]'/);
    expect(make({ padding: 'full' })).toThrow(
      /argument 'padding' must be one of 'same', 'valid', got "full"/,
    );
    expect(make({ inChannels: -1 })).toThrow(/argument 'inChannels'/);
    expect(make({ activation: 'swish' })).toThrow(/argument 'activation'/);
    expect(make({ filters: 3 })).toThrow(/Conv2d: unknown option 'filters'/);
  });
});
