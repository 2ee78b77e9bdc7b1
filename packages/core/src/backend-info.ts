/** A backend that `initBackend('auto')` passed over, and why. */
export interface SkippedBackend {
  name: 'wasm' | 'cpu' | 'webgpu' | 'webgl';
  reason: string;
}

/** What the last `initBackend` call chose. */
export interface ActiveBackendInfo {
  /** The active backend's name. */
  name: string;
  /** CPU threads the backend computes on: wasm's thread pool, 1 for cpu; absent for GPUs. */
  threads?: number;
  /** Why fewer threads run than were asked for, when that happened. */
  threadsReason?: string;
  /** Backends `'auto'` tried or judged before this one, in order, with the reason each was passed over. */
  skipped: SkippedBackend[];
}

let latest: ActiveBackendInfo | undefined;

/** Records what `initBackend` chose (internal). */
export function recordBackendInfo(info: ActiveBackendInfo): void {
  latest = info;
}

/**
 * What the last {@link initBackend} call chose and why: the backend, its thread count, and the
 * backends `'auto'` skipped (a software WebGPU adapter, a software WebGL renderer, one that
 * failed to start) with their reasons, e.g. for an app to tell its users. `undefined` before
 * the first call. The returned object is a copy.
 *
 * ```ts
 * await initBackend();
 * backendInfo(); // { name: 'wasm', threads: 1, skipped: [] }
 * ```
 */
export function backendInfo(): ActiveBackendInfo | undefined {
  if (latest === undefined) return undefined;
  return { ...latest, skipped: latest.skipped.map((s) => ({ ...s })) };
}
