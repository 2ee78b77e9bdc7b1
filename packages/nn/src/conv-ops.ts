import { assertInteger, invalidArgument, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

// Internal: geometry and differentiable ops shared by Conv2d and Conv2dTranspose.

export type Padding = 'same' | 'valid';
type Pair = [number, number];
type Shape4 = [number, number, number, number];

/** A positive integer or a pair of them, as [height, width]. */
export function toPair(fn: string, arg: string, value: unknown): Pair {
  if (Array.isArray(value) && value.length === 2) {
    assertInteger(fn, `${arg}[0]`, value[0], 1);
    assertInteger(fn, `${arg}[1]`, value[1], 1);
    return [value[0], value[1]];
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return [value, value];
  throw invalidArgument(fn, arg, value, 'must be an integer >= 1 or a pair of them');
}

/**
 * Throws unless `shape` is [batch, height, width, channels] with height ≥ min[0] and
 * width ≥ min[1]; returns it.
 */
export function assertImageShape(
  fn: string,
  arg: string,
  shape: readonly number[],
  channels: number,
  min: readonly [number, number],
): Shape4 {
  const ok =
    shape.length === 4 &&
    shape.every((d) => Number.isInteger(d) && d >= 1) &&
    shape[1]! >= min[0] &&
    shape[2]! >= min[1] &&
    shape[3] === channels;
  if (!ok) {
    const sizes =
      min[0] > 1 || min[1] > 1 ? ` with height >= ${min[0]} and width >= ${min[1]}` : '';
    throw new ShapeMismatchError(
      `${fn}: argument '${arg}' must have shape [batch, height, width, ${channels}]${sizes}, ` +
        `got [${shape.join(', ')}]`,
    );
  }
  return shape as Shape4;
}

/** Output size of a convolution along one axis: ⌈n/s⌉ ('same') or ⌊(n − k)/s⌋ + 1 ('valid'). */
export function convOutputSize(n: number, k: number, s: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

/** Zero rows added before and after an axis, as TensorFlow pads for 'same'. */
function padAmounts(n: number, out: number, k: number, s: number, padding: Padding): Pair {
  if (padding === 'valid') return [0, 0];
  const total = Math.max(0, (out - 1) * s + k - n);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * ∂L/∂W of y = conv2d(x, W) from dy = ∂L/∂y, written as a dilated convolution of x with dy so
 * that it runs where a backend has no Conv2DBackpropFilter kernel: tfjs-backend-wasm 4.22 set up
 * without @gen/core's `initBackend` (which registers one). Batch and channel axes swap roles,
 * and the stride becomes the dilation. First order only: tfjs has no gradient for dilated
 * convolutions, so second derivatives through a kernel need the native kernel.
 */
export function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly number[],
  strides: Pair,
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filterShape as Shape4;
    const [top, bottom] = padAmounts(x.shape[1], dy.shape[1], kh, strides[0], padding);
    const [left, right] = padAmounts(x.shape[2], dy.shape[2], kw, strides[1], padding);
    const padded = tf.pad(x, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
    const full = tf.conv2d(
      tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D,
      tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D,
      1,
      'valid',
      'NHWC',
      strides,
    );
    return tf.transpose(tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]), [1, 2, 0, 3]);
  });
}

function hasNativeFilterGradient(): boolean {
  return tf.getKernel(tf.Conv2DBackpropFilter, tf.getBackend()) !== undefined;
}

/**
 * tf.conv2d (NHWC), differentiable in the filter on every backend: tfjs's own gradient wherever
 * the backend has Conv2DBackpropFilter (all of them after `initBackend`), else the fallback.
 */
export function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: Pair,
  padding: Padding,
): tf.Tensor4D {
  if (hasNativeFilterGradient()) return tf.conv2d(x, filter, strides, padding);
  const op = tf.customGrad((...args) => {
    const [input, kernel, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, kernel]);
    return {
      value: tf.conv2d(input, kernel, strides, padding),
      gradFunc: (dy: tf.Tensor4D, [a, k]: tf.Tensor[]) => [
        tf.conv2dTranspose(dy, k as tf.Tensor4D, a!.shape as Shape4, strides, padding),
        filterGradient(a as tf.Tensor4D, dy, k!.shape, strides, padding),
      ],
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

/**
 * tf.conv2dTranspose (NHWC) onto `outputShape`, differentiable in the filter on every backend.
 * `filter` is [kh, kw, outChannels, inChannels], the kernel of the matching forward conv.
 */
export function conv2dTranspose(
  y: tf.Tensor4D,
  filter: tf.Tensor4D,
  outputShape: Shape4,
  strides: Pair,
  padding: Padding,
): tf.Tensor4D {
  if (hasNativeFilterGradient()) {
    return tf.conv2dTranspose(y, filter, outputShape, strides, padding);
  }
  const op = tf.customGrad((...args) => {
    const [input, kernel, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, kernel]);
    return {
      value: tf.conv2dTranspose(input, kernel, outputShape, strides, padding),
      gradFunc: (dz: tf.Tensor4D, [a, k]: tf.Tensor[]) => [
        tf.conv2d(dz, k as tf.Tensor4D, strides, padding),
        filterGradient(dz, a as tf.Tensor4D, k!.shape, strides, padding),
      ],
    };
  });
  return op(y, filter) as tf.Tensor4D;
}
