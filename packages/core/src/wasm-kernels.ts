import * as tf from '@tensorflow/tfjs-core';

// tfjs-backend-wasm 4.22 has no UnsortedSegmentSum kernel, and tfjs-core's gradient of
// `tf.gather` (GatherV2) is built on it, so on wasm every gradient through a gather (sorting in
// sliced Wasserstein, permutations, embedding lookups) failed with "Kernel 'UnsortedSegmentSum'
// not registered". This kernel computes it on the host from the wasm heap: one pass over x.

interface WasmBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
}

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

/** Registers the kernels @gen needs that tfjs-backend-wasm lacks (idempotent). */
export function registerWasmKernels(): void {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: tf.UnsortedSegmentSum,
    backendName: 'wasm',
    kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
  });
}
