import type * as tf from '@tensorflow/tfjs-core';

// tfjs-backend-wasm 4.22's Identity copies its input into a new buffer. tfjs runs Identity for
// every tensor a gradient tape saves for the backward pass (and for tf.clone, tf.keep through
// tidy), so a training step copied each layer's activations once more: 90 copies per step of a
// VAE, a fifth of a DCGAN step's kernel time. Tensors are immutable, so sharing the buffer under
// a reference count is what tfjs's cpu backend does and what wasm's own Reshape already does;
// the buffer is freed when its last tensor is disposed. Strings keep tfjs's kernel.

interface SharingBackend {
  incRef(dataId: object): void;
}

/** Identity for wasm that shares the input's buffer, falling back to `original` for strings. */
export function identityKernel(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: { inputs: { x: tf.TensorInfo }; backend: unknown }) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return original(args as never);
    (args.backend as SharingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }) as unknown as tf.KernelFunc;
}
