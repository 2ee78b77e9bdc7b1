import * as tf from '@tensorflow/tfjs-core';
import { NotImplementedError } from './errors.js';
import { type ConvGradientAttrs, type WasmBackend, wasmMatMul } from './wasm-heap.js';

// tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, so the filter gradient of every
// convolution failed there. This one is im2col + one matmul: the patches of x, laid out as
// [kh·kw·inChannels, batch·outHeight·outWidth] on the wasm heap, times dy viewed as
// [batch·outHeight·outWidth, outChannels], which is the filter [kh, kw, inChannels, outChannels].
// At stride 1 the patches would copy x kh·kw times, so there it is instead wasm's own Conv2D of
// x and dy with batch and channel axes swapped (two transposes of tensor-sized copies).

interface Args {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  backend: unknown;
  attrs: ConvGradientAttrs & { filterShape: [number, number, number, number] };
}

/**
 * Transposed im2col: row (i, j, ch) holds x at tap (i, j) of channel ch for every output pixel.
 * Output rows outermost, so each pass reads one row of x, which stays in cache, and writes runs
 * of outWidth consecutive floats.
 */
function patchesByTap(
  xs: Float32Array,
  cols: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const pixels = batchSize * outHeight * outWidth;
  for (let b = 0; b < batchSize; b++) {
    for (let p = 0; p < outHeight; p++) {
      const first = (b * outHeight + p) * outWidth;
      for (let i = 0; i < filterHeight; i++) {
        const row = p * strideHeight - top + i;
        const inside = row >= 0 && row < h;
        const base = (b * h + row) * w;
        for (let j = 0; j < filterWidth; j++) {
          for (let ch = 0; ch < c; ch++) {
            const o = ((i * filterWidth + j) * c + ch) * pixels + first;
            if (!inside) {
              cols.fill(0, o, o + outWidth);
              continue;
            }
            for (let q = 0; q < outWidth; q++) {
              const col = q * strideWidth - left + j;
              cols[o + q] = col >= 0 && col < w ? xs[(base + col) * c + ch]! : 0;
            }
          }
        }
      }
    }
  }
}

/**
 * dW at stride 1 as conv2d(x', dy'), x' = pad(x) as [inChannels, h', w', batch] and
 * dy' = dy as [outHeight, outWidth, batch, outChannels]: the 'valid' output is
 * [inChannels, kh, kw, outChannels]. Undefined where wasm has no Conv2D or the stride is not 1.
 */
function byConvolution(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | undefined {
  const conv = tf.getKernel(tf.Conv2D, 'wasm');
  if (conv === undefined || info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outChannels: o } = info;
  const { outHeight, outWidth, filterHeight: kh, filterWidth: kw, padInfo } = info;
  const ph = h + padInfo.top + padInfo.bottom;
  const pw = w + padInfo.left + padInfo.right;
  const images = backend.makeOutput([c, ph, pw, n], 'float32');
  const kernel = backend.makeOutput([outHeight, outWidth, n, o], 'float32');
  const xs = backend.typedArrayFromHeap(x);
  const xt = backend.typedArrayFromHeap(images);
  xt.fill(0);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) {
        const from = ((b * h + r) * w + q) * c;
        const to = ((r + padInfo.top) * pw + q + padInfo.left) * n + b;
        for (let ch = 0; ch < c; ch++) xt[to + ch * ph * pw * n] = xs[from + ch]!;
      }
    }
  }
  const ys = backend.typedArrayFromHeap(dy);
  const yt = backend.typedArrayFromHeap(kernel);
  for (let b = 0; b < n; b++) {
    for (let pixel = 0; pixel < outHeight * outWidth; pixel++) {
      const from = (b * outHeight * outWidth + pixel) * o;
      yt.set(ys.subarray(from, from + o), (pixel * n + b) * o);
    }
  }
  const swapped = conv.kernelFunc({
    inputs: { x: images, filter: kernel },
    backend: backend as unknown as tf.KernelBackend,
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
  }) as tf.TensorInfo;
  backend.disposeData(images.dataId);
  backend.disposeData(kernel.dataId);
  const grad = backend.makeOutput([kh, kw, c, o], 'float32');
  const from = backend.typedArrayFromHeap(swapped);
  const to = backend.typedArrayFromHeap(grad);
  for (let ch = 0; ch < c; ch++) {
    for (let tap = 0; tap < kh * kw; tap++) {
      const source = (ch * kh * kw + tap) * o;
      to.set(from.subarray(source, source + o), (tap * c + ch) * o);
    }
  }
  backend.disposeData(swapped.dataId);
  return grad;
}

export function conv2dBackpropFilter(args: Args): tf.TensorInfo {
  const { x, dy } = args.inputs;
  const backend = args.backend as WasmBackend;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs;
  if (dataFormat !== 'NHWC') {
    throw new NotImplementedError(
      `conv2DBackpropFilter: argument 'dataFormat' must be 'NHWC' on the wasm backend (as for its Conv2D), got '${dataFormat}'`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const direct = byConvolution(backend, x, dy, info);
  if (direct !== undefined) return direct;
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const pixels = info.batchSize * info.outHeight * info.outWidth;
  const cols = backend.makeOutput([taps, pixels], 'float32');
  patchesByTap(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(cols), info);
  const grad = wasmMatMul(backend, cols, {
    dataId: dy.dataId,
    shape: [pixels, info.outChannels],
    dtype: 'float32',
  });
  backend.disposeData(cols.dataId);
  return { dataId: grad.dataId, shape: [...filterShape], dtype: 'float32' };
}
