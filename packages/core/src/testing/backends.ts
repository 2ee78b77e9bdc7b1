import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe } from 'vitest';
import { initBackend } from '../backend.js';

/** Numerical precision of a backend, for tolerances: float32 everywhere, float16-ish on WebGL. */
export interface BackendInfo {
  name: 'cpu' | 'wasm' | 'webgpu';
  /** A relative/absolute tolerance suited to float32 kernels on this backend. */
  tolerance: number;
}

function hasVulkanDriver(): boolean {
  if (process.env.VK_ICD_FILENAMES) return true;
  for (const dir of ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d']) {
    if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json'))) return true;
  }
  return false;
}

/**
 * Whether the webgpu backend can be tested in this Node process: the optional `webgpu` package
 * resolves and a Vulkan ICD is installed (or `GEN_TEST_WEBGPU=1` forces it; `=0` disables it).
 */
export function webgpuTestable(): boolean {
  const flag = process.env.GEN_TEST_WEBGPU;
  if (flag === '0') return false;
  if (flag === '1') return true;
  try {
    createRequire(import.meta.url).resolve('webgpu');
  } catch {
    return false;
  }
  return hasVulkanDriver();
}

/**
 * The backends a numeric suite runs on here: cpu and wasm always; webgpu only where tensors can
 * be read synchronously (assertions read with `dataSync`), which tfjs-backend-webgpu 4.22 cannot
 * do in Node (its sync read needs `OffscreenCanvas`), so in Node webgpu is covered by
 * asynchronous smoke tests instead (see `webgpuTestable`).
 */
export function testBackends(): BackendInfo[] {
  const list: BackendInfo[] = [
    { name: 'cpu', tolerance: 1e-5 },
    { name: 'wasm', tolerance: 1e-5 },
  ];
  if (
    typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'function' &&
    webgpuTestable()
  ) {
    list.push({ name: 'webgpu', tolerance: 1e-4 });
  }
  return list;
}

/**
 * Runs the same suite once per backend (tfjs's `describeWithFlags`, for @gen): each block
 * initialises its backend before its tests. `fn` gets the backend's name and tolerance.
 *
 * ```ts
 * describeBackends('softplus', ({ tolerance }) => {
 *   it('matches log1p(exp(x))', () => expectClose(softplus(x), expected, { atol: tolerance }));
 * });
 * ```
 */
export function describeBackends(title: string, fn: (backend: BackendInfo) => void): void {
  for (const backend of testBackends()) {
    describe(`${title} [${backend.name}]`, () => {
      beforeAll(async () => {
        await initBackend(backend.name);
      });
      fn(backend);
    });
  }
}
