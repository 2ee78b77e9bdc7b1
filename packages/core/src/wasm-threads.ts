import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';
import { armNodeWasmThreads, nodeImport, releasePthreadWorkers } from './wasm-threads-node.js';

/** The `threads` option of `initBackend`: a count, or `'auto'` for one per logical core. */
export type ThreadsOption = number | 'auto';

/** tfjs-backend-wasm starts 8 pthread workers and never uses more threads than that. */
export const MAX_WASM_THREADS = 8;

/**
 * Threads for wasm in Node when the option is left out. Measured on a 2-core machine: a second
 * thread sped a 784-256-256-784 MLP step up by too little to pay for the oversubscription when
 * two test files (or two processes) already share the cores, so Node stays single-threaded
 * unless asked.
 */
export const NODE_DEFAULT_THREADS = 1;

interface WasmBackendLike {
  wasm?: { tfjs?: { getThreadsCount?: () => number } };
}

/** The thread count of a started wasm backend. */
export function wasmThreadsCount(): number {
  const backend = tf.findBackend('wasm') as WasmBackendLike | null;
  return backend?.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

/** Logical cores here (Node: os.availableParallelism, browsers: navigator.hardwareConcurrency). */
async function logicalCores(node: boolean): Promise<number> {
  if (node) {
    const os = await nodeImport<{ availableParallelism?: () => number; cpus(): unknown[] }>(
      'node:os',
    );
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof n === 'number' && n > 0 ? n : 1;
}

/** The thread count to ask tfjs for: the option resolved, capped at tfjs's maximum. */
export async function resolveThreads(
  option: ThreadsOption | undefined,
  node: boolean,
): Promise<number> {
  if (typeof option === 'number') return Math.min(option, MAX_WASM_THREADS);
  if (option === undefined && node) return NODE_DEFAULT_THREADS;
  return Math.min(await logicalCores(node), MAX_WASM_THREADS);
}

/**
 * In a browser tfjs chooses the threaded build itself (crossOriginIsolated, SharedArrayBuffer),
 * but its C++ side takes half of navigator.hardwareConcurrency (assuming hyper-threading): on a
 * 2-core machine that is one thread. It is told twice the wanted count while it starts.
 */
async function armBrowserWasmThreads(threads: number): Promise<(() => void) | string> {
  const supported = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  if (!supported || !simd) {
    return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
      ? 'the threaded wasm build is turned off here (WASM_HAS_MULTITHREAD_SUPPORT or WASM_HAS_SIMD_SUPPORT is false)'
      : 'wasm threads need a cross-origin isolated page (serve it with COOP: same-origin and COEP: require-corp)';
  }
  const navigator = (globalThis as { navigator?: object }).navigator;
  if (navigator === undefined) return 'no navigator to read the core count from';
  Object.defineProperty(navigator, 'hardwareConcurrency', {
    value: 2 * threads,
    configurable: true,
  });
  return () => {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

async function setWasm(): Promise<void> {
  let ok = false;
  let cause: unknown;
  try {
    ok = await tf.setBackend('wasm');
  } catch (error) {
    cause = error;
  }
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new BackendError("initBackend: backend 'wasm' failed to initialise", { cause });
  }
}

/**
 * Throws when `option` asks for a thread count other than that of the wasm backend already
 * started in this process: tfjs cannot rebuild its thread pool.
 */
export function assertThreadsChangeable(option: ThreadsOption | undefined): void {
  if (typeof option !== 'number' || tf.findBackend('wasm') === null) return;
  const current = wasmThreadsCount();
  if (Math.min(option, MAX_WASM_THREADS) !== current) {
    throw new BackendError(
      `initBackend: option 'threads' ${option} cannot take effect: the wasm backend already runs with ${current} thread(s) in this process and tfjs cannot change that (pass threads to the first initBackend call)`,
    );
  }
}

/**
 * Starts the wasm backend with `threads` threads where it can (the tfjs-backend-wasm package
 * must be registered), else with one, and says why. The count is fixed once wasm has started in
 * this process (see {@link assertThreadsChangeable}).
 */
export async function startWasm(
  option: ThreadsOption | undefined,
  node: boolean,
): Promise<{ threads: number; threadsReason?: string }> {
  if (tf.findBackend('wasm') !== null) {
    const current = wasmThreadsCount();
    await setWasm();
    return { threads: current };
  }
  const wanted = await resolveThreads(option, node);
  let reason: string | undefined;
  if (typeof option === 'number' && option > MAX_WASM_THREADS) {
    reason = `tfjs-backend-wasm uses at most ${MAX_WASM_THREADS} threads`;
  }
  if (wanted <= 1) {
    // The single-threaded build: the threaded one would start 8 idle workers for one thread.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await setWasm();
    return { threads: wasmThreadsCount(), ...(reason ? { threadsReason: reason } : {}) };
  }
  const armed = node ? await armNodeWasmThreads(wanted) : await armBrowserWasmThreads(wanted);
  if (typeof armed === 'string') {
    if (node) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await setWasm();
    return { threads: wasmThreadsCount(), threadsReason: armed };
  }
  if (node) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  try {
    await setWasm();
  } catch (error) {
    armed();
    const detail = ((error as Error).cause as Error | undefined)?.message ?? 'no detail';
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await setWasm();
    return {
      threads: wasmThreadsCount(),
      threadsReason: `the threaded wasm build failed to start (${detail}); running single-threaded`,
    };
  }
  armed();
  if (node) releasePthreadWorkers((tf.backend() as { wasm?: unknown }).wasm);
  const threads = wasmThreadsCount();
  if (threads < wanted && reason === undefined) {
    reason = `tfjs-backend-wasm started ${threads} of ${wanted} threads`;
  }
  return { threads, ...(reason ? { threadsReason: reason } : {}) };
}
