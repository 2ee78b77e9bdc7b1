import * as tf from '@tensorflow/tfjs-core';
import { type ActiveBackendInfo, recordBackendInfo, type SkippedBackend } from './backend-info.js';
import { BackendError } from './errors.js';
import { registerFastLeakyReluGradient } from './fast-leaky-relu-gradient.js';
import { registerFastMatMulGradient } from './fast-matmul-gradient.js';
import { registerHigherOrderGradients } from './higher-order-gradients.js';
import { webGlRenderer, webGlSkipReason, webGpuSkipReason } from './software-renderer.js';
import { assertKnownOptions, assertOneOf, invalidArgument } from './validate.js';
import { registerWasmKernels } from './wasm-kernels.js';
import { assertThreadsChangeable, startWasm, type ThreadsOption } from './wasm-threads.js';

/** Backends `initBackend` knows; 'auto' picks the best one available here. */
export type BackendName = 'auto' | 'wasm' | 'cpu' | 'webgpu' | 'webgl';

const NAMES: readonly BackendName[] = ['auto', 'wasm', 'cpu', 'webgpu', 'webgl'];

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Threads of the wasm backend: a positive integer, or `'auto'` for one per logical core (at
   * most 8, tfjs's limit). Left out: 1 in Node (measured faster where processes share the
   * cores, as tests do), `'auto'` in a browser. Fixed once wasm has started in a process.
   * Ignored by the other backends.
   */
  threads?: ThreadsOption;
}

type Concrete = Exclude<BackendName, 'auto'>;

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
 * and LeakyRelu gradients (same values, far fewer slow wasm kernels), and input-based gradients for Tanh, Sigmoid, Exp, Elu, Softmax, LogSoftmax and Pow
 * so that gradients of gradients are right (gradient penalties). Idempotent; `initBackend` calls it, so most users never need to.
 */
export function registerGradients(): Promise<void> {
  gradientsReady ??= (async () => {
    if (tf.getGradient(tf.Mean) === undefined) await import('./gradients.js');
    stockMatMulGradient = tf.getGradient(tf.BatchMatMul);
    registerFastMatMulGradient();
    registerFastLeakyReluGradient();
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

async function ensureRegistered(name: Concrete): Promise<void> {
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

function failureHint(name: Concrete): string {
  if (name !== 'webgpu') return '';
  return isNode()
    ? ' (no WebGPU adapter: Node needs a Vulkan loader and driver, e.g. libvulkan1 with VK_ICD_FILENAMES pointing at lavapipe or SwiftShader)'
    : ' (no WebGPU adapter in this browser)';
}

async function activate(
  name: Concrete,
  threads: ThreadsOption | undefined,
): Promise<Omit<ActiveBackendInfo, 'skipped'>> {
  await ensureRegistered(name);
  // The backend's import registered its kernels, so @gen's wasm replacements go in now.
  registerWasmKernels();
  if (name === 'wasm') return { name, ...(await startWasm(threads, isNode())) };
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
    return { name, threads: 1 };
  }
  return { name };
}

/** Why 'auto' should pass over a GPU backend that would run in software, before starting it. */
async function skipReason(name: Concrete): Promise<string | undefined> {
  if (name === 'webgpu') {
    return webGpuSkipReason((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu);
  }
  if (name === 'webgl') return webGlSkipReason(webGlRenderer());
  return undefined;
}

/**
 * The 'auto' walk: the first candidate that is not judged a software fallback and starts.
 * `judge` and `start` are parameters so the order can be tested without a browser.
 */
export async function pickBackend(
  candidates: readonly Concrete[],
  judge: (name: Concrete) => Promise<string | undefined>,
  start: (name: Concrete) => Promise<Omit<ActiveBackendInfo, 'skipped'>>,
): Promise<ActiveBackendInfo> {
  const skipped: SkippedBackend[] = [];
  for (const name of candidates) {
    const reason = await judge(name);
    if (reason !== undefined) {
      skipped.push({ name, reason });
      continue;
    }
    try {
      return { ...(await start(name)), skipped };
    } catch (error) {
      skipped.push({ name, reason: (error as Error).message });
    }
  }
  throw new BackendError(
    `initBackend: no backend could be initialised (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
  );
}

function assertInitOptions(options: InitBackendOptions | undefined): void {
  assertKnownOptions('initBackend', options, ['threads']);
  const threads = options?.threads;
  if (
    threads !== undefined &&
    threads !== 'auto' &&
    !(typeof threads === 'number' && Number.isInteger(threads) && threads >= 1)
  ) {
    throw invalidArgument(
      'initBackend',
      'options.threads',
      threads,
      "must be a positive integer or 'auto'",
    );
  }
}

/**
 * Picks and readies a tfjs backend, registers every gradient (tfjs-core's entry points register
 * none), the fast BatchMatMul gradient and the kernels tfjs-backend-wasm lacks (UnsortedSegmentSum,
 * which `tf.gather`'s gradient needs), and returns the backend's name.
 *
 * 'auto' tries, in order, wasm then cpu in Node, and webgpu → webgl → wasm → cpu in a browser,
 * passing over a GPU backend that would compute in software: WebGPU when there is no adapter or
 * only a fallback adapter (`isFallbackAdapter`, e.g. SwiftShader), WebGL when its renderer is
 * SwiftShader or llvmpipe (both measured 30–400× slower than wasm). A named backend is used even
 * then. {@link backendInfo} says what was chosen, on how many threads, and why others were
 * skipped. A named backend that cannot be used throws {@link BackendError}. In Node, backend
 * packages are imported on demand; in a browser, import the ones you want before calling this.
 *
 * `options.threads` sets the wasm backend's threads (a positive integer or 'auto', one per
 * logical core, at most 8). Left out it is 1 in Node, where processes and test files usually
 * share the cores, and 'auto' in a browser; threads need SharedArrayBuffer, so a browser page
 * must be cross-origin isolated (COOP/COEP headers). In Node it runs tfjs's threaded build,
 * which tfjs itself disables there, and falls back to one thread with the reason in
 * `backendInfo().threadsReason` if the installed tfjs-backend-wasm is not laid out as expected.
 * The worker threads never keep a finished Node process alive. The count is fixed once wasm has
 * started in a process: a different count later throws {@link BackendError}.
 *
 * ```ts
 * await initBackend();                      // 'wasm' in Node, one thread
 * await initBackend('wasm', { threads: 4 }); // four threads (first start only)
 * await initBackend('cpu');                 // exact, deterministic reference backend
 * ```
 */
export async function initBackend(
  name: BackendName = 'auto',
  options?: InitBackendOptions,
): Promise<string> {
  assertOneOf('initBackend', 'name', name, NAMES);
  assertInitOptions(options);
  if (name === 'wasm' || name === 'auto') assertThreadsChangeable(options?.threads);
  await registerGradients();
  registerWasmKernels();
  const threads = options?.threads;
  if (name !== 'auto') {
    recordBackendInfo({ ...(await activate(name, threads)), skipped: [] });
    return tf.getBackend();
  }
  const order: Concrete[] = isNode() ? ['wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
  const info = await pickBackend(order, skipReason, (candidate) => activate(candidate, threads));
  recordBackendInfo(info);
  return tf.getBackend();
}
