import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { backendInfo, initBackend } from '@gen/core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { type Command, Option } from 'commander';
import { printJson, printTable } from '../output.js';

const require = createRequire(import.meta.url);

/** Chromium's SwiftShader Vulkan driver, which Dawn accepts (docs/toolchain.md#webgpu-in-node). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const PACKAGES = [
  '@gen/core',
  '@gen/nn',
  '@gen/distributions',
  '@gen/divergences',
  '@gen/estimators',
  '@gen/data',
  '@gen/train',
  '@gen/mixture',
  '@gen/autoregressive',
  '@gen/flows',
  '@gen/vae',
  '@gen/gan',
  '@gen/experiments',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgpu',
  'webgpu',
];

/** What `gen info` says about one backend. */
interface BackendReport {
  status: 'ok' | 'unavailable';
  detail: string;
  hint?: string;
}

function versionOf(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

async function probeInProcess(name: 'wasm' | 'cpu'): Promise<BackendReport> {
  try {
    await initBackend(name);
  } catch (error) {
    return { status: 'unavailable', detail: (error as Error).message.split('\n')[0]! };
  }
  if (name === 'cpu') return { status: 'ok', detail: 'reference backend, JavaScript' };
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const info = backendInfo();
  const threads = info?.threads ?? getThreadsCount();
  const why =
    info?.threadsReason ?? "one by default in Node; more with initBackend('wasm', { threads })";
  return { status: 'ok', detail: `SIMD ${simd ? 'yes' : 'no'}, ${threads} thread(s) (${why})` };
}

function webgpuHint(): string {
  if (process.env.VK_ICD_FILENAMES !== undefined) {
    return `VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES} gave no adapter Dawn accepts (Mesa < 25 lavapipe lacks features Dawn needs)`;
  }
  if (existsSync(SWIFTSHADER_ICD)) {
    return `run with VK_ICD_FILENAMES=${SWIFTSHADER_ICD} to use Chromium's SwiftShader Vulkan driver (software: slower than wasm)`;
  }
  return 'install a Vulkan driver Dawn accepts (Mesa ≥ 25 lavapipe, or the chromium package for SwiftShader) and point VK_ICD_FILENAMES at its ICD file';
}

/**
 * Probes webgpu in a child `gen info --probe webgpu`, so that Dawn's and tfjs's diagnostics
 * (written straight to stderr by native code) are captured instead of printed.
 */
function probeWebgpu(): Promise<BackendReport> {
  const args = [...process.execArgv, process.argv[1]!, 'info', '--probe', 'webgpu'];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const result = JSON.parse(line) as { ok: boolean; detail: string };
        if (result.ok) return resolve({ status: 'ok', detail: result.detail });
        const noDriver = /Found no drivers/.test(stderr) ? 'no Vulkan driver found' : result.detail;
        resolve({ status: 'unavailable', detail: noDriver, hint: webgpuHint() });
      } catch {
        const why = error?.killed
          ? 'the probe timed out'
          : `the probe failed (${error?.message ?? 'no output'})`;
        resolve({ status: 'unavailable', detail: why, hint: webgpuHint() });
      }
    });
  });
}

/** The child side of {@link probeWebgpu}: one JSON line on stdout, then exit. */
async function runProbe(): Promise<void> {
  let result: { ok: boolean; detail: string };
  try {
    await initBackend('webgpu');
    const product = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
    const value = (await product.data())[0];
    const info = (
      tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }
    ).adapterInfo;
    result = {
      ok: value === 64,
      detail: `adapter ${info?.vendor || '?'} ${info?.architecture || '?'}${value === 64 ? '' : `, wrong matmul result ${value}`}`,
    };
  } catch (error) {
    result = { ok: false, detail: (error as Error).message.split('\n')[0]! };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

/** `gen info`: backends that initialise here (quietly), versions and threads. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the backends available here, package versions and threads')
    .option('--json', 'print one JSON document')
    .addOption(
      new Option('--probe <backend>', 'internal: probe one backend in this process').hideHelp(),
    )
    .action(async (opts: { json?: boolean; probe?: string }) => {
      if (opts.probe !== undefined) return runProbe();
      const webgpu = probeWebgpu(); // runs beside the in-process probes
      const backends: Record<string, BackendReport> = {
        wasm: await probeInProcess('wasm'),
        cpu: await probeInProcess('cpu'),
        webgpu: await webgpu,
      };
      const versions = Object.fromEntries(PACKAGES.map((p) => [p, versionOf(p)]));
      const report = {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        threads: availableParallelism(),
        tfjs: tf.version_core,
        backends,
        versions,
      };
      if (opts.json) return printJson(report);
      printTable(
        ['backend', 'status', 'detail'],
        Object.entries(backends).map(([name, b]) => [name, b.status, b.detail]),
      );
      for (const [name, b] of Object.entries(backends)) {
        if (b.hint !== undefined) process.stdout.write(`\n${name}: ${b.hint}\n`);
      }
      process.stdout.write(
        `\nnode ${report.node} (${report.platform}), ${report.threads} threads\n\n`,
      );
      printTable(
        ['package', 'version'],
        Object.entries(versions).map(([k, v]) => [k, v ?? '-']),
      );
    });
}
