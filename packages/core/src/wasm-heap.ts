import * as tf from '@tensorflow/tfjs-core';

// Internal: what @gen's host-side wasm kernels use of tfjs-backend-wasm's backend object.

/** The members of tfjs-backend-wasm's `BackendWasm` that kernels written in JS need. */
export interface WasmBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
  /**
   * A view of a tensor's floats on the wasm heap, no copy. Any allocation may grow the heap
   * and detach it, so take views after the last `makeOutput` or kernel call they must outlive.
   */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

/** The attributes tfjs passes both convolution-gradient kernels. */
export interface ConvGradientAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * a·b for row-major matrices a: [m, k] and b: [k, n] on the wasm heap, through the backend's own
 * BatchMatMul (XNNPACK) without transpose flags, which are the slow path in 4.22. Only the
 * dataIds are read from `a` and `b`, so a tensor can be passed under a matrix shape.
 */
export function wasmMatMul(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
): tf.TensorInfo {
  const kernel = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (kernel === undefined)
    throw new Error("wasmMatMul: the wasm backend's BatchMatMul is not registered");
  return kernel.kernelFunc({
    inputs: { a, b },
    backend: backend as unknown as tf.KernelBackend,
    attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
}
