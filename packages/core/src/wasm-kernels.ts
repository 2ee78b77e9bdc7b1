import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilter } from './wasm-conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './wasm-conv2d-backprop-input.js';
import type { WasmBackend } from './wasm-heap.js';

// tfjs-backend-wasm 4.22 has no UnsortedSegmentSum kernel, and tfjs-core's gradient of
// `tf.gather` (GatherV2) is built on it, so on wasm every gradient through a gather (sorting in
// sliced Wasserstein, permutations, embedding lookups) failed with "Kernel 'UnsortedSegmentSum'
// not registered". This kernel computes it on the host from the wasm heap: one pass over x.

function unsortedSegmentSum(args: {
  inputs: { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  backend: unknown;
  attrs: { numSegments: number };
}): tf.TensorInfo {
  const { x, segmentIds } = args.inputs;
  const backend = args.backend as WasmBackend;
  const { numSegments } = args.attrs;
  const ids = backend.readSync(segmentIds.dataId) as Int32Array | Float32Array;
  const values = backend.readSync(x.dataId) as Float32Array | Int32Array;
  const inner = x.shape.slice(segmentIds.shape.length);
  const width = inner.reduce((a, b) => a * b, 1);
  const out =
    x.dtype === 'int32'
      ? new Int32Array(numSegments * width)
      : new Float32Array(numSegments * width);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i]!;
    // Like TensorFlow: ids outside [0, numSegments) are dropped.
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * width;
    const to = segment * width;
    for (let j = 0; j < width; j++) out[to + j]! += values[from + j]!;
  }
  return backend.makeOutput([numSegments, ...inner], x.dtype, undefined, out);
}

let ownInput: tf.KernelConfig | undefined;

/**
 * Registers the kernels @gen needs that tfjs-backend-wasm lacks (UnsortedSegmentSum,
 * Conv2DBackpropFilter) and replaces its slow Conv2DBackpropInput. Idempotent; the replacement
 * happens once tfjs-backend-wasm has registered its own kernel (it would overwrite an earlier
 * one), so `initBackend` calls this again after importing a backend.
 */
export function registerWasmKernels(): void {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: tf.UnsortedSegmentSum,
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
    });
  }
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: tf.Conv2DBackpropFilter,
      backendName: 'wasm',
      kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
    });
  }
  const input = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  if (input === undefined || input === ownInput) return;
  ownInput = {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: conv2dBackpropInputKernel(input.kernelFunc),
    // tfjs's kernel, kept for NCHW, needs its setup to have run on the backend.
    ...(input.setupFunc === undefined ? {} : { setupFunc: input.setupFunc }),
  };
  tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
  tf.registerKernel(ownInput);
}
