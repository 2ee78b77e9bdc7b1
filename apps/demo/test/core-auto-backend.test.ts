import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser } from './support/browser.js';
import { serveStatic } from './support/static-server.js';

// @gen/core's own 'auto' and wasm threads in Chromium, apart from the demo's backend chooser:
// a page bundling @gen/core's current sources with tfjs's four backends (unminified, so tfjs's
// threaded worker can evaluate its factory's text), served cross-origin isolated.
const demoDir = fileURLToPath(new URL('..', import.meta.url));
const coreSource = join(demoDir, '..', '..', 'packages', 'core', 'src', 'index.ts');
let site: string;
let server: { url: string; close: () => Promise<void> };
let browser: Browser;

const ENTRY = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backendInfo, initBackend } from ${JSON.stringify(coreSource)};
setWasmPaths('./');
globalThis.start = async (name, options) => {
  await initBackend(name, options);
  const a = tf.randomUniform([96, 80], -1, 1, 'float32', 1);
  const b = tf.randomUniform([80, 64], -1, 1, 'float32', 2);
  const product = Array.from(await tf.matMul(a, b).data());
  return { info: backendInfo(), product, cores: navigator.hardwareConcurrency };
};
`;

beforeAll(async () => {
  const cache = join(demoDir, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  site = mkdtempSync(join(cache, 'gen-core-auto-'));
  writeFileSync(join(site, 'entry.js'), ENTRY);
  writeFileSync(join(site, 'index.html'), '<!doctype html><script src="entry.global.js"></script>');
  await build({
    entry: [join(site, 'entry.js')],
    format: ['iife'],
    platform: 'browser',
    target: 'es2022',
    outDir: site,
    noExternal: [/.*/],
    config: false,
    silent: true,
    dts: false,
  });
  const wasmDist = dirname(
    createRequire(join(demoDir, 'package.json')).resolve('@tensorflow/tfjs-backend-wasm'),
  );
  for (const file of ['', '-simd', '-threaded-simd']) {
    const name = `tfjs-backend-wasm${file}.wasm`;
    copyFileSync(join(wasmDist, name), join(site, name));
  }
  server = await serveStatic(`${site}/`);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(site, { recursive: true, force: true });
});

interface Started {
  info: { name: string; threads?: number; skipped: { name: string; reason: string }[] };
  product: number[];
  cores: number;
}

async function start(name: string, options?: object): Promise<Started> {
  const page = await browser.newPage();
  try {
    await page.goto(server.url);
    return await page.evaluate(
      ([n, o]) =>
        (globalThis as unknown as { start(n: string, o?: object): Promise<Started> }).start(n, o),
      [name, options] as const,
    );
  } finally {
    await page.close();
  }
}

describe("@gen/core's backend choice in headless Chromium (no GPU: SwiftShader only)", () => {
  it("'auto' skips the fallback WebGPU adapter and SwiftShader WebGL, and runs wasm on every core", async () => {
    const auto = await start('auto');
    expect(auto.info.name).toBe('wasm');
    expect(auto.info.skipped.map((s) => s.name)).toEqual(['webgpu', 'webgl']);
    expect(auto.info.skipped[0]!.reason).toMatch(/software fallback/);
    expect(auto.info.skipped[1]!.reason).toMatch(/SwiftShader/);
    // tfjs alone would start half of navigator.hardwareConcurrency (1 on a 2-core machine).
    expect(auto.info.threads).toBe(Math.min(auto.cores, 8));
    const one = await start('auto', { threads: 1 });
    expect(one.info.threads).toBe(1);
    expect(auto.product).toEqual(one.product);
  });

  it('a backend named explicitly is used even on a fallback adapter', async () => {
    const webgpu = await start('webgpu');
    expect(webgpu.info).toEqual({ name: 'webgpu', skipped: [] });
  });
});
