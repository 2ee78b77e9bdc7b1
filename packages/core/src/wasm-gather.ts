import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasm-heap.js';

// tfjs-backend-wasm 4.22's GatherV2 walks the output element by element through generic strides
// (about 30 ns per element): gathering a batch of 128 MNIST rows took 3 ms, a quarter of an MLP
// training step. Without batch dimensions a gather is a copy of contiguous runs (everything
// after the gathered axis), so this kernel copies those runs on the heap, one `copyWithin` per
// gathered slice. Anything else (batchDims, an index out of range) goes to tfjs's kernel, so
// its behaviour there is unchanged.

interface Args {
  inputs: { x: tf.TensorInfo; indices: tf.TensorInfo };
  backend: unknown;
  attrs: { axis: number; batchDims: number };
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** GatherV2 for wasm by contiguous copies, falling back to `original` outside batchDims = 0. */
export function gatherKernel(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: Args) => {
    const { x, indices } = args.inputs;
    const backend = args.backend as WasmBackend;
    const { batchDims } = args.attrs;
    if (batchDims !== 0 || indices.dtype !== 'int32') return original(args as never);
    const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0]!;
    const axisSize = x.shape[axis]!;
    const ids = backend.typedArrayFromHeap(indices) as unknown as Int32Array;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!(id >= 0 && id < axisSize)) return original(args as never);
    }
    const outer = product(x.shape.slice(0, axis));
    const inner = product(x.shape.slice(axis + 1));
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const chosen = Array.from(ids);
    const out = backend.makeOutput(shape, x.dtype);
    if (product(shape) === 0) return out;
    // Views after makeOutput: an allocation may grow (and detach) the heap.
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    const heap = new (from.constructor as Float32ArrayConstructor)(from.buffer);
    const elementSize = from.BYTES_PER_ELEMENT;
    const fromStart = from.byteOffset / elementSize;
    const toStart = to.byteOffset / elementSize;
    let target = toStart;
    for (let o = 0; o < outer; o++) {
      const base = fromStart + o * axisSize * inner;
      for (const id of chosen) {
        const start = base + id * inner;
        heap.copyWithin(target, start, start + inner);
        target += inner;
      }
    }
    return out;
  }) as unknown as tf.KernelFunc;
}
