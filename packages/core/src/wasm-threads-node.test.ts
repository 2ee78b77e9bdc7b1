import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { armNodeWasmThreads } from './wasm-threads-node.js';

const fakes = mkdtempSync(join(os.tmpdir(), 'gen-wasm-layout-'));
afterAll(() => rmSync(fakes, { recursive: true, force: true }));

/** A package directory shaped like tfjs-backend-wasm with the given files. */
function fakePackage(name: string, files: Record<string, string>): string {
  const root = join(fakes, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return join(root, 'dist', 'tf-backend-wasm.node.js');
}

describe('armNodeWasmThreads', () => {
  it('refuses a tfjs-backend-wasm without the worker and glue scripts, with the reason', async () => {
    const entry = fakePackage('bare', { 'dist/tf-backend-wasm.node.js': '' });
    expect(await armNodeWasmThreads(2, entry)).toMatch(/has no wasm-out\/.*worker\.js/);
  });

  it('refuses a layout unlike 4.22 (a worker the bundle does not embed)', async () => {
    const entry = fakePackage('other', {
      'dist/tf-backend-wasm.node.js': 'locateFile("tfjs-backend-wasm-threaded-simd.worker.js")',
      'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js':
        'module.exports.wasmWorkerContents = "self.onmessage = () => {};";',
      'wasm-out/tfjs-backend-wasm-threaded-simd.js': 'var WasmBackendModuleThreadedSimd;',
    });
    expect(await armNodeWasmThreads(2, entry)).toMatch(/not laid out like 4\.22/);
  });

  it('arms the installed 4.22 package and undoes its patches', async () => {
    const cpus = os.cpus;
    const createObjectUrl = URL.createObjectURL;
    const disarm = await armNodeWasmThreads(3);
    expect(typeof disarm).toBe('function');
    // The C++ side takes half the cores it is told about.
    expect(os.cpus()).toHaveLength(6);
    const worker = URL.createObjectURL(new Blob([''], { type: 'application/javascript' }));
    expect(worker).toMatch(/gen-wasm-threads[/\\]worker-[0-9a-f]{16}\.cjs$/);
    // The worker file is the package's worker plus the redirect to the unbundled glue.
    const text = readFileSync(worker, 'utf8');
    const glue = createRequire(import.meta.url)
      .resolve('@tensorflow/tfjs-backend-wasm')
      .replace(/dist[/\\]tf-backend-wasm\.node\.js$/, 'wasm-out');
    expect(text).toContain('WasmBackendModuleThreadedSimd(Module)');
    expect(text).toContain(JSON.stringify(join(glue, 'tfjs-backend-wasm-threaded-simd.js')));
    (disarm as () => void)();
    expect(os.cpus).toBe(cpus);
    expect(URL.createObjectURL).toBe(createObjectUrl);
  });
});
