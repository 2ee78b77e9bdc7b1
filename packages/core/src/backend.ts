import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';
import { registerFastMatMulGradient } from './fast-matmul-gradient.js';
import { registerHigherOrderGradients } from './higher-order-gradients.js';
import { assertOneOf } from './validate.js';
import { registerWasmKernels } from './wasm-kernels.js';

/** Backends `initBackend` knows; 'auto' picks the best one available here. */
export type BackendName = 'auto' | 'wasm' | 'cpu' | 'webgpu' | 'webgl';

const NAMES: readonly BackendName[] = ['auto', 'wasm', 'cpu', 'webgpu', 'webgl'];

/** True in Node.js (and runtimes that mimic it), false in browsers and workers. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return (
    typeof p?.versions?.node === 'string' &&
    typeof (globalThis as { window?: unknown }).window === 'undefined'
  );
}

let gradientsReady: Promise<void> | undefined;
let stockMatMulGradient: tf.GradConfig | undefined;

/**
 * Registers every tfjs-core gradient (neither tfjs-core entry point does), the fast BatchMatMul
 * gradient, and input-based gradients for Tanh, Sigmoid, Exp, Elu, Softmax, LogSoftmax and Pow
 * so that gradients of gradients are right (gradient penalties). Idempotent; `initBackend` calls it, so most users never need to.
 */
export function registerGradients(): Promise<void> {
  gradientsReady ??= (async () => {
    if (tf.getGradient(tf.Mean) === undefined) await import('./gradients.js');
    stockMatMulGradient = tf.getGradient(tf.BatchMatMul);
    registerFastMatMulGradient();
    registerHigherOrderGradients();
  })();
  return gradientsReady;
}

/**
 * Switches between @gen's BatchMatMul gradient (explicit transposes, the default) and tfjs's
 * stock one (transpose flags), e.g. to measure the difference. Call after `initBackend`.
 */
export function useFastMatMulGradient(enabled: boolean): void {
  if (gradientsReady === undefined) {
    throw new BackendError(
      'useFastMatMulGradient: call initBackend() (or registerGradients()) first',
    );
  }
  if (enabled) registerFastMatMulGradient();
  else if (stockMatMulGradient !== undefined) tf.registerGradient(stockMatMulGradient);
}

// A variable specifier keeps bundlers from insisting on optional packages.
function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

async function ensureNodeWebGpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu !== undefined) return;
  let mod: { create: (options: string[]) => unknown; globals: object };
  try {
    mod = (await importOptional('webgpu')) as typeof mod;
  } catch (cause) {
    throw new BackendError(
      "initBackend: backend 'webgpu' in Node needs the optional 'webgpu' package (npm i webgpu) and a Vulkan driver",
      { cause },
    );
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu },
      configurable: true,
      writable: true,
    });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
}

async function ensureRegistered(name: Exclude<BackendName, 'auto'>): Promise<void> {
  if (tf.findBackendFactory(name) !== null) return;
  if (name === 'webgpu' && isNode()) await ensureNodeWebGpu();
  try {
    await importOptional(`@tensorflow/tfjs-backend-${name}`);
  } catch (cause) {
    throw new BackendError(
      `initBackend: backend '${name}' is not available: install @tensorflow/tfjs-backend-${name}` +
        (isNode() ? '' : ' and import it in your app before calling initBackend'),
      { cause },
    );
  }
  if (tf.findBackendFactory(name) === null) {
    throw new BackendError(
      `initBackend: backend '${name}' did not register itself (for webgpu: no navigator.gpu here)`,
    );
  }
}

function failureHint(name: Exclude<BackendName, 'auto'>): string {
  if (name !== 'webgpu') return '';
  return isNode()
    ? ' (no WebGPU adapter: Node needs a Vulkan loader and driver, e.g. libvulkan1 with VK_ICD_FILENAMES pointing at lavapipe or SwiftShader)'
    : ' (no WebGPU adapter in this browser)';
}

async function activate(name: Exclude<BackendName, 'auto'>): Promise<void> {
  await ensureRegistered(name);
  // The backend's import registered its kernels, so @gen's wasm replacements go in now.
  registerWasmKernels();
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (cause) {
    throw new BackendError(
      `initBackend: backend '${name}' failed to initialise${failureHint(name)}`,
      {
        cause,
      },
    );
  }
  if (!ok || tf.getBackend() !== name) {
    throw new BackendError(
      `initBackend: backend '${name}' failed to initialise${failureHint(name)}`,
    );
  }
  if (name === 'cpu') {
    // tfjs-backend-cpu advertises tfjs-node on its first write in Node; @gen chose wasm/cpu knowingly.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
}

/**
 * Picks and readies a tfjs backend, registers every gradient (tfjs-core's entry points register
 * none), the fast BatchMatMul gradient and the kernels tfjs-backend-wasm lacks or has slow
 * (UnsortedSegmentSum, which `tf.gather`'s gradient needs, and the convolution gradients), and
 * returns the backend's name.
 *
 * 'auto' tries, in order, wasm then cpu in Node, and webgpu → webgl → wasm → cpu in a browser.
 * A named backend that cannot be used throws {@link BackendError}. In Node, backend packages
 * are imported on demand; in a browser, import the ones you want before calling this.
 *
 * ```ts
 * await initBackend();          // 'wasm' in Node
 * await initBackend('cpu');     // exact, deterministic reference backend
 * ```
 */
export async function initBackend(name: BackendName = 'auto'): Promise<string> {
  assertOneOf('initBackend', 'name', name, NAMES);
  await registerGradients();
  registerWasmKernels();
  if (name !== 'auto') {
    await activate(name);
    return tf.getBackend();
  }
  const order: Exclude<BackendName, 'auto'>[] = isNode()
    ? ['wasm', 'cpu']
    : ['webgpu', 'webgl', 'wasm', 'cpu'];
  const failures: string[] = [];
  for (const candidate of order) {
    try {
      await activate(candidate);
      return tf.getBackend();
    } catch (error) {
      failures.push(`${candidate}: ${(error as Error).message}`);
    }
  }
  throw new BackendError(`initBackend: no backend could be initialised (${failures.join('; ')})`);
}
