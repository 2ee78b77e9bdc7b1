import { describe, expect, it } from 'vitest';
import { pickBackend } from './backend.js';
import { BackendError } from './errors.js';
import { webGlSkipReason, webGpuSkipReason } from './software-renderer.js';

type Adapter = {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; description?: string };
};

/** A stand-in for navigator.gpu whose requestAdapter resolves to `adapter`. */
function fakeGpu(adapter: Adapter | null) {
  const requests: unknown[] = [];
  return {
    requests,
    requestAdapter: async (options?: unknown) => {
      requests.push(options);
      return adapter;
    },
  };
}

const SWIFTSHADER =
  'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const NVIDIA =
  'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002504) Direct3D11 vs_5_0 ps_5_0, D3D11)';

describe('software GPU judgement', () => {
  it('skips WebGPU without navigator.gpu, without an adapter, or with only a fallback adapter', async () => {
    expect(await webGpuSkipReason(undefined)).toMatch(/no navigator\.gpu/);
    expect(await webGpuSkipReason(fakeGpu(null))).toMatch(/no WebGPU adapter/);
    expect(await webGpuSkipReason(fakeGpu({ isFallbackAdapter: true }))).toMatch(
      /software fallback/,
    );
    // Newer Chrome reports the flag on adapter.info only.
    expect(
      await webGpuSkipReason(
        fakeGpu({ info: { isFallbackAdapter: true, description: 'SwiftShader Device' } }),
      ),
    ).toMatch(/software fallback \(SwiftShader Device\)/);
    const failing = { requestAdapter: async () => Promise.reject(new Error('denied')) };
    expect(await webGpuSkipReason(failing)).toMatch(
      /requesting a WebGPU adapter failed \(denied\)/,
    );
  });

  it('keeps WebGPU with a hardware adapter, requested like tfjs-backend-webgpu does', async () => {
    const gpu = fakeGpu({ isFallbackAdapter: false, info: { isFallbackAdapter: false } });
    expect(await webGpuSkipReason(gpu)).toBeUndefined();
    expect(gpu.requests).toEqual([{ powerPreference: 'high-performance' }]);
  });

  it('skips WebGL on SwiftShader, llvmpipe or without a context, keeps a hardware renderer', () => {
    expect(webGlSkipReason(SWIFTSHADER)).toMatch(/renders in software \(ANGLE \(Google/);
    expect(webGlSkipReason('llvmpipe (LLVM 15.0.6, 256 bits)')).toMatch(/software/);
    expect(webGlSkipReason(undefined)).toBe('no WebGL context');
    expect(webGlSkipReason(NVIDIA)).toBeUndefined();
  });
});

describe("the 'auto' walk", () => {
  const order = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

  async function walk(adapter: Adapter | null, renderer: string, failing: string[] = []) {
    const started: string[] = [];
    const info = await pickBackend(
      order,
      async (name) =>
        name === 'webgpu'
          ? webGpuSkipReason(fakeGpu(adapter))
          : name === 'webgl'
            ? webGlSkipReason(renderer)
            : undefined,
      async (name) => {
        started.push(name);
        if (failing.includes(name)) throw new Error(`${name} did not start`);
        return { name };
      },
    );
    return { info, started };
  }

  it('a fallback WebGPU adapter and a SwiftShader WebGL lead to wasm, never started', async () => {
    const { info, started } = await walk({ isFallbackAdapter: true }, SWIFTSHADER);
    expect(info.name).toBe('wasm');
    expect(started).toEqual(['wasm']);
    expect(info.skipped.map((s) => s.name)).toEqual(['webgpu', 'webgl']);
    expect(info.skipped[0]!.reason).toMatch(/software fallback/);
    expect(info.skipped[1]!.reason).toMatch(/SwiftShader/);
  });

  it('no adapter moves on to the next backend; a hardware adapter picks webgpu', async () => {
    expect((await walk(null, NVIDIA)).info).toEqual({
      name: 'webgl',
      skipped: [{ name: 'webgpu', reason: 'no WebGPU adapter' }],
    });
    expect((await walk({ isFallbackAdapter: false }, SWIFTSHADER)).info).toEqual({
      name: 'webgpu',
      skipped: [],
    });
  });

  it('a backend that fails to start is recorded and skipped; none left is a BackendError', async () => {
    const { info } = await walk(null, SWIFTSHADER, ['wasm']);
    expect(info.name).toBe('cpu');
    expect(info.skipped[2]).toEqual({ name: 'wasm', reason: 'wasm did not start' });
    const error = await walk(null, SWIFTSHADER, ['wasm', 'cpu']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(
      /initBackend: no backend could be initialised \(webgpu: no WebGPU adapter; webgl: .*; wasm: wasm did not start; cpu: cpu did not start\)/,
    );
  });
});
