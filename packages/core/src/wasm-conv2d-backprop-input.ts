import * as tf from '@tensorflow/tfjs-core';
import { type ConvGradientAttrs, type WasmBackend, wasmMatMul } from './wasm-heap.js';

// tfjs-backend-wasm 4.22's Conv2DBackpropInput (the input gradient of every convolution and the
// forward pass of every transposed convolution) is a scalar loop that took most of a DCGAN,
// conv VAE or PixelCNN step. This one is one matmul + col2im: dy viewed as
// [batch·outHeight·outWidth, outChannels] times the filter transposed to
// [outChannels, kh·kw·inChannels] gives each output pixel's contribution to every tap, and
// col2im adds those into dx on the host. At stride 1 it is instead the backend's own Conv2D
// (XNNPACK) of dy with the filter flipped in space and its channel axes swapped, which writes no
// [pixels, taps] intermediate.

interface Args {
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  backend: unknown;
  attrs: ConvGradientAttrs & { inputShape: [number, number, number, number] };
}

/** [taps, outChannels] → [outChannels, taps], small (the filter). */
function transposeInto(from: Float32Array, to: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) to[c * rows + r] = from[r * cols + c]!;
  }
}

/** dx[b, row, col, ch] += taps[pixel, (i, j, ch)] over the pixels whose tap (i, j) reads it. */
function addPatches(taps: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const rowLength = filterWidth * c;
  dx.fill(0);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let p = 0; p < outHeight; p++) {
      for (let q = 0; q < outWidth; q++, o += filterHeight * rowLength) {
        for (let i = 0; i < filterHeight; i++) {
          const row = p * strideHeight - top + i;
          if (row < 0 || row >= h) continue;
          for (let j = 0; j < filterWidth; j++) {
            const col = q * strideWidth - left + j;
            if (col < 0 || col >= w) continue;
            const to = ((b * h + row) * w + col) * c;
            const from = o + i * rowLength + j * c;
            for (let ch = 0; ch < c; ch++) dx[to + ch]! += taps[from + ch]!;
          }
        }
      }
    }
  }
}

/**
 * dx at stride 1 as conv2d(dy, W'), W'[i, j, o, c] = W[kh − 1 − i, kw − 1 − j, c, o], padded by
 * k − 1 − p on each side; undefined where that does not apply (strides, padding beyond k − 1).
 */
function byConvolution(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | undefined {
  const { filterHeight: kh, filterWidth: kw, inChannels: c, outChannels: o, padInfo } = info;
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [kh - 1 - padInfo.top, kh - 1 - padInfo.bottom],
    [kw - 1 - padInfo.left, kw - 1 - padInfo.right],
    [0, 0],
  ];
  if (pad.flat().some((amount) => amount < 0)) return undefined;
  const conv = tf.getKernel(tf.Conv2D, 'wasm');
  if (conv === undefined) return undefined;
  const flipped = backend.makeOutput([kh, kw, o, c], 'float32');
  const from = backend.typedArrayFromHeap(filter);
  const to = backend.typedArrayFromHeap(flipped);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const source = ((kh - 1 - i) * kw + (kw - 1 - j)) * c * o;
      const target = (i * kw + j) * o * c;
      for (let ch = 0; ch < c; ch++) {
        for (let out = 0; out < o; out++) to[target + out * c + ch] = from[source + ch * o + out]!;
      }
    }
  }
  const dx = conv.kernelFunc({
    inputs: { x: dy, filter: flipped },
    backend: backend as unknown as tf.KernelBackend,
    attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] },
  }) as tf.TensorInfo;
  backend.disposeData(flipped.dataId);
  return dx;
}

/** The kernel; `stock` is tfjs's, kept for NCHW, which this one does not lay out. */
export function conv2dBackpropInputKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (raw) => {
    const args = raw as unknown as Args;
    const { dy, filter } = args.inputs;
    const backend = args.backend as WasmBackend;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs;
    if (dataFormat !== 'NHWC') return stock(raw);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const direct = byConvolution(backend, dy, filter, info);
    if (direct !== undefined) return direct;
    const taps = info.filterHeight * info.filterWidth * info.inChannels;
    const pixels = info.batchSize * info.outHeight * info.outWidth;
    const filterT = backend.makeOutput([info.outChannels, taps], 'float32');
    transposeInto(
      backend.typedArrayFromHeap(filter),
      backend.typedArrayFromHeap(filterT),
      taps,
      info.outChannels,
    );
    const contributions = wasmMatMul(
      backend,
      { dataId: dy.dataId, shape: [pixels, info.outChannels], dtype: 'float32' },
      filterT,
    );
    backend.disposeData(filterT.dataId);
    const dx = backend.makeOutput([...inputShape], 'float32');
    addPatches(backend.typedArrayFromHeap(contributions), backend.typedArrayFromHeap(dx), info);
    backend.disposeData(contributions.dataId);
    return dx;
  };
}
