import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gen } from './support-b/run-gen.js';

interface InfoJson {
  node: string;
  threads: number;
  tfjs: string;
  backends: Record<string, { status: string; detail: string; hint?: string }>;
  versions: Record<string, string | null>;
}

describe('gen info', () => {
  it('--json: wasm (SIMD, threads) and cpu work; webgpu is probed quietly, with a hint when absent', async () => {
    const env = { ...process.env };
    delete env.VK_ICD_FILENAMES;
    const result = await gen(['info', '--json'], env);
    expect(result.code).toBe(0);
    // Dawn's Vulkan warnings and tfjs's stack traces stay in the probe's captured stderr.
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as InfoJson;
    expect(report.node).toBe(process.version);
    expect(report.tfjs).toBe('4.22.0');
    expect(report.threads).toBeGreaterThanOrEqual(1);
    expect(report.backends.wasm).toMatchObject({ status: 'ok' });
    expect(report.backends.wasm!.detail).toMatch(/SIMD (yes|no), \d+ thread/);
    expect(report.backends.cpu).toMatchObject({ status: 'ok' });
    const webgpu = report.backends.webgpu!;
    expect(['ok', 'unavailable']).toContain(webgpu.status);
    if (webgpu.status === 'unavailable') {
      expect(webgpu.hint).toMatch(/VK_ICD_FILENAMES/);
      if (existsSync('/usr/lib/chromium/vk_swiftshader_icd.json')) {
        expect(webgpu.hint).toContain('VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json');
      }
    }
    expect(report.versions['@gen/core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.versions['@tensorflow/tfjs-core']).toBe('4.22.0');
  });

  it('prints tables of backends and versions', async () => {
    const result = await gen(['info']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^backend\s+status\s+detail/);
    expect(result.stdout).toMatch(/wasm\s+ok/);
    expect(result.stdout).toMatch(/@gen\/divergences\s+\d/);
    expect(result.stdout).toMatch(/node v\d+/);
  });

  it('--help exits 0 without the internal --probe flag; unknown flags exit 2', async () => {
    const help = await gen(['info', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--json');
    expect(help.stdout).not.toContain('--probe');
    const bad = await gen(['info', '--verbose']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--verbose'");
  });
});
