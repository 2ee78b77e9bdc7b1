import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasm-heap.js';

// tfjs-backend-wasm 4.22's Concat copies one run per (row, input) through a fresh `subarray`
// each time, so a concat along the last axis of narrow pieces (a spline's bin widths, heights
// and derivatives, [batch, 1] columns) cost about 1 µs per row: more than a 2-D spline flow's
// matmuls. This kernel copies the same runs straight on the heap, with a plain loop for runs
// shorter than a cache line. String tensors still go to tfjs's kernel.

interface Args {
  inputs: tf.TensorInfo[];
  backend: unknown;
  attrs: { axis: number };
}

const SHORT_RUN = 16;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Concat for wasm by direct heap copies, falling back to `original` for strings. */
export function concatKernel(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: Args) => {
    const { inputs } = args;
    const backend = args.backend as WasmBackend;
    if (inputs.length === 0 || inputs[0]!.dtype === 'string') return original(args as never);
    const axis = tf.util.parseAxisParam(args.attrs.axis, inputs[0]!.shape)[0]!;
    const shapes = inputs.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, axis);
    const live = inputs.filter((t) => product(t.shape) > 0);
    // One non-empty input: tfjs's kernel returns it as an identity (no copy).
    if (live.length <= 1) return original(args as never);
    const outShape = tf.backend_util.computeOutShape(shapes, axis);
    const out = backend.makeOutput(outShape, inputs[0]!.dtype);
    // Views after makeOutput: an allocation may grow (and detach) the heap.
    const to = backend.typedArrayFromHeap(out);
    // Integer views: element copies keep every float's bits (NaN payloads included).
    const size = to.BYTES_PER_ELEMENT;
    const heap = size === 4 ? new Int32Array(to.buffer) : new Uint8Array(to.buffer);
    const rows = product(live[0]!.shape.slice(0, axis));
    const runs = live.map((t) => product(t.shape.slice(axis)));
    const starts = live.map((t) => backend.typedArrayFromHeap(t).byteOffset / size);
    const width = runs.reduce((a, b) => a + b, 0);
    let column = to.byteOffset / size;
    for (let i = 0; i < live.length; i++) {
      const run = runs[i]!;
      const from = starts[i]!;
      if (run < SHORT_RUN) {
        for (let r = 0; r < rows; r++) {
          const src = from + r * run;
          const dst = column + r * width;
          for (let j = 0; j < run; j++) heap[dst + j] = heap[src + j]!;
        }
      } else {
        for (let r = 0; r < rows; r++) {
          const src = from + r * run;
          heap.copyWithin(column + r * width, src, src + run);
        }
      }
      column += run;
    }
    return out;
  }) as unknown as tf.KernelFunc;
}
