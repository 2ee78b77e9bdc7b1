import { assertTensor } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertImageShape, conv2d, convOutputSize, type Padding } from './conv-ops.js';
import { CONV_OPTIONS, type ConvOptionsBase, parseConvOptions } from './conv-options.js';
import { Module } from './module.js';

export type Conv2dOptions = ConvOptionsBase;

/**
 * 2-D convolution on NHWC images: y = act(conv(x, W) + b) with x: [n, h, w, inChannels],
 * kernel W: [kh, kw, inChannels, outChannels], bias b: [outChannels] and
 * y: [n, h', w', outChannels], where h' = ⌈h/s⌉ for 'same' and ⌊(h − kh)/s⌋ + 1 for 'valid'
 * (likewise w'). Gradients reach the kernel on every backend, wasm included (first order there:
 * second derivatives through the kernel need cpu, webgl or webgpu).
 *
 * ```ts
 * const conv = new Conv2d({ inChannels: 1, outChannels: 16, kernelSize: 3, stride: 2, seed: 0 });
 * conv.apply(images); // [n, 14, 14, 16] for 28×28 images
 * ```
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;
  private readonly activate: (x: tf.Tensor) => tf.Tensor;

  constructor(options: Conv2dOptions) {
    const parsed = parseConvOptions('Conv2d', options, CONV_OPTIONS);
    super(options.name ?? 'conv2d');
    const { inChannels, outChannels, kernelSize, rng } = parsed;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.strides = parsed.strides;
    this.padding = parsed.padding;
    this.activate = parsed.activate;
    this.kernel = this.addWeight(
      'kernel',
      [...kernelSize, inChannels, outChannels],
      parsed.kernelInit,
      rng,
    );
    this.bias = parsed.useBias ? this.addWeight('bias', [outChannels], parsed.biasInit, rng) : null;
  }

  /** Output shape [n, h', w', outChannels] for an input of shape [n, h, w, inChannels]. */
  computeOutputShape(inputShape: readonly number[]): number[] {
    return this.outputShapeOf('Conv2d.computeOutputShape', 'inputShape', inputShape);
  }

  /** Convolves `x: [n, h, w, inChannels]`; returns [n, h', w', outChannels]. */
  apply(x: tf.Tensor): tf.Tensor {
    const fn = 'Conv2d.apply';
    this.assertLive(fn);
    assertTensor(fn, 'x', x);
    this.outputShapeOf(fn, 'x', x.shape);
    return tf.tidy(() => {
      let y: tf.Tensor = conv2d(
        x as tf.Tensor4D,
        this.effectiveKernel() as tf.Tensor4D,
        [...this.strides],
        this.padding,
      );
      if (this.bias !== null) y = tf.add(y, this.bias);
      return this.activate(y);
    });
  }

  /**
   * The kernel `apply` convolves with: the variable itself here; subclasses (masked
   * convolutions, weight normalisation) return a tensor computed from it inside `apply`'s tidy.
   */
  protected effectiveKernel(): tf.Tensor {
    return this.kernel;
  }

  private outputShapeOf(fn: string, arg: string, shape: readonly number[]): number[] {
    const [kh, kw] = this.kernelSize;
    const min = this.padding === 'valid' ? ([kh, kw] as const) : ([1, 1] as const);
    const [n, h, w] = assertImageShape(fn, arg, shape, this.inChannels, min);
    return [
      n,
      convOutputSize(h, kh, this.strides[0], this.padding),
      convOutputSize(w, kw, this.strides[1], this.padding),
      this.outChannels,
    ];
  }
}
