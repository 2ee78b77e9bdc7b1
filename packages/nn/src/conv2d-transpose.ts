import { assertTensor, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertImageShape, conv2dTranspose, type Padding } from './conv-ops.js';
import { CONV_OPTIONS, type ConvOptionsBase, parseConvOptions } from './conv-options.js';
import { Module } from './module.js';

export interface Conv2dTransposeOptions extends ConvOptionsBase {
  /**
   * Extra rows/columns at the bottom/right of the output for 'valid' padding, in [0, stride)
   * (default 0): picks which of the input sizes that a strided 'valid' Conv2d maps to the same
   * output size this layer produces. Must be 0 for 'same'.
   */
  outputPadding?: number | [number, number];
}

/**
 * Transposed 2-D convolution ("deconvolution") on NHWC images, the adjoint of {@link Conv2d}
 * with the same kernel: for x: [n, h, w, inChannels] it returns
 * y = act(convᵀ(x, W) + b): [n, h', w', outChannels] with kernel
 * W: [kh, kw, outChannels, inChannels] and
 * h' = h·s ('same') or (h − 1)·s + kh + outputPadding ('valid') (likewise w').
 * Without bias and activation, ⟨Conv2d_W(u), v⟩ = ⟨u, Conv2dTranspose_W(v)⟩.
 *
 * ```ts
 * const up = new Conv2dTranspose({ inChannels: 16, outChannels: 1, kernelSize: 4, stride: 2 });
 * up.apply(features); // [n, 28, 28, 1] for [n, 14, 14, 16]
 * ```
 */
export class Conv2dTranspose extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly outputPadding: readonly [number, number];
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;
  private readonly activate: (x: tf.Tensor) => tf.Tensor;

  constructor(options: Conv2dTransposeOptions) {
    const fn = 'Conv2dTranspose';
    const parsed = parseConvOptions(fn, options, [...CONV_OPTIONS, 'outputPadding']);
    const outputPadding = parseOutputPadding(fn, options.outputPadding, parsed);
    super(options.name ?? 'conv2dTranspose');
    const { inChannels, outChannels, kernelSize, rng } = parsed;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.strides = parsed.strides;
    this.padding = parsed.padding;
    this.outputPadding = outputPadding;
    this.activate = parsed.activate;
    this.kernel = this.addWeight(
      'kernel',
      [...kernelSize, outChannels, inChannels],
      parsed.kernelInit,
      rng,
    );
    this.bias = parsed.useBias ? this.addWeight('bias', [outChannels], parsed.biasInit, rng) : null;
  }

  /** Output shape [n, h', w', outChannels] for an input of shape [n, h, w, inChannels]. */
  computeOutputShape(inputShape: readonly number[]): number[] {
    return this.outputShapeOf('Conv2dTranspose.computeOutputShape', 'inputShape', inputShape);
  }

  /** Transposed convolution of `x: [n, h, w, inChannels]`; returns [n, h', w', outChannels]. */
  apply(x: tf.Tensor): tf.Tensor {
    const fn = 'Conv2dTranspose.apply';
    this.assertLive(fn);
    assertTensor(fn, 'x', x);
    const outputShape = this.outputShapeOf(fn, 'x', x.shape);
    return tf.tidy(() => {
      let y: tf.Tensor = conv2dTranspose(
        x as tf.Tensor4D,
        this.kernel as tf.Tensor4D,
        outputShape as [number, number, number, number],
        [...this.strides],
        this.padding,
      );
      if (this.bias !== null) y = tf.add(y, this.bias);
      return this.activate(y);
    });
  }

  private outputShapeOf(fn: string, arg: string, shape: readonly number[]): number[] {
    const [n, h, w] = assertImageShape(fn, arg, shape, this.inChannels, [1, 1]);
    const size = (m: number, axis: 0 | 1) =>
      this.padding === 'same'
        ? m * this.strides[axis]
        : (m - 1) * this.strides[axis] + this.kernelSize[axis] + this.outputPadding[axis];
    return [n, size(h, 0), size(w, 1), this.outChannels];
  }
}

function parseOutputPadding(
  fn: string,
  value: unknown,
  { strides, padding }: { strides: [number, number]; padding: Padding },
): [number, number] {
  if (value === undefined) return [0, 0];
  const pair: unknown[] = Array.isArray(value) && value.length === 2 ? value : [value, value];
  const max = (axis: number) => (padding === 'same' ? 0 : strides[axis]! - 1);
  const ok = pair.every(
    (p, axis) => Number.isInteger(p) && (p as number) >= 0 && (p as number) <= max(axis),
  );
  if (!ok) {
    const expectation =
      padding === 'same'
        ? "must be 0 with padding 'same'"
        : `must be an integer (or pair) in [0, stride − 1], stride [${strides.join(', ')}]`;
    throw invalidArgument(fn, 'outputPadding', value, expectation);
  }
  return pair as [number, number];
}
