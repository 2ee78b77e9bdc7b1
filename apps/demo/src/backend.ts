/**
 * Backend setup for the demo: registers the four tfjs browser backends, points the wasm backend
 * at its .wasm files (bundled by Vite with `?url`, so the static build works from any path), and
 * starts the requested backend through @gen/core's `initBackend`, falling back
 * webgpu → webgl → wasm → cpu.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { backendInfo, initBackend } from '@gen/core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import {
  type BackendChoice,
  type BackendRequest,
  chooseBackend,
  type DemoBackendName,
} from './shell/backend-choice.js';

// The threaded wasm build starts its pthread workers from an inlined script that breaks once the
// app is bundled and minified ("e is not defined" in every worker); it ran one thread here anyway.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths({
  'tfjs-backend-wasm.wasm': plainWasm,
  'tfjs-backend-wasm-simd.wasm': simdWasm,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm,
});

/**
 * Makes `request` the active tfjs backend, or the best one that starts instead. 'auto' is
 * @gen/core's `initBackend('auto')`, which passes over WebGPU and WebGL when they would run in
 * software (SwiftShader, llvmpipe: far slower than wasm); the choice lists what it skipped. A
 * named backend is used even in software. Tensors made on the previous backend stay there:
 * dispose views before switching.
 */
export async function useBackend(request: BackendRequest): Promise<BackendChoice> {
  if (request === 'auto') {
    await initBackend('auto');
    const info = backendInfo();
    return {
      requested: 'auto',
      active: (info?.name ?? tf.getBackend()) as DemoBackendName,
      failures: [],
      skipped: info?.skipped ?? [],
    };
  }
  return chooseBackend(request, async (name) => {
    await initBackend(name);
  });
}

/** The active tfjs backend's name. */
export function activeBackend(): string {
  return tf.getBackend();
}
