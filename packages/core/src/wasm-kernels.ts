import * as tf from '@tensorflow/tfjs-core';
import { concatKernel } from './wasm-concat.js';
import { conv2dBackpropFilter } from './wasm-conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './wasm-conv2d-backprop-input.js';
import { gatherKernel } from './wasm-gather.js';
import type { WasmBackend } from './wasm-heap.js';
import { identityKernel } from './wasm-identity.js';

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

const replacements = new Map<string, tf.KernelConfig>();

/**
 * Puts `make(tfjs's kernel)` in place of tfjs-backend-wasm's kernel `name`, once that kernel is
 * registered (the backend's import would overwrite an earlier replacement); idempotent.
 */
function replaceWasmKernel(name: string, make: (own: tf.KernelFunc) => tf.KernelFunc): void {
  const current = tf.getKernel(name, 'wasm');
  if (current === undefined || current === replacements.get(name)) return;
  const replacement: tf.KernelConfig = {
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: make(current.kernelFunc),
    // tfjs's kernel, kept for the cases the replacement passes on, needs its setup to have run.
    ...(current.setupFunc === undefined ? {} : { setupFunc: current.setupFunc }),
  };
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(replacement);
  replacements.set(name, replacement);
}

/**
 * Registers the kernels @gen needs that tfjs-backend-wasm lacks (UnsortedSegmentSum,
 * Conv2DBackpropFilter) and replaces its slow Conv2DBackpropInput, GatherV2, Concat and (copying) Identity. Idempotent; the
 * replacements happen once tfjs-backend-wasm has registered its own kernels (it would overwrite
 * earlier ones), so `initBackend` calls this again after importing a backend.
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
  replaceWasmKernel(tf.Conv2DBackpropInput, conv2dBackpropInputKernel);
  replaceWasmKernel(tf.GatherV2, gatherKernel);
  replaceWasmKernel(tf.Concat, concatKernel);
  replaceWasmKernel(tf.Identity, identityKernel);
}
