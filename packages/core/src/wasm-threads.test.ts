import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { backendInfo } from './backend-info.js';
import { BackendError } from './errors.js';
import { expectNoLeak } from './testing/index.js';

// The children run @gen/core bundled from the current sources (tfjs-core's gradient registrations
// bundled in, as the package build does) into node_modules/.cache, a directory per run.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const child = join(packageDir, 'test-fixtures', 'wasm-threads-child.mjs');
let bundle: string;

interface ChildResult {
  info: { name: string; threads: number; threadsReason?: string };
  matMul: number[];
  conv: number[];
  losses: number[];
  weights: number[][];
  leaked: number;
}

function runChild(threads: string): ChildResult {
  const run = spawnSync(process.execPath, [child, bundle, threads], {
    cwd: packageDir,
    encoding: 'utf8',
    // Generous: the verdict is "exited by itself", a hang shows as the kill.
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.signal, `child with ${threads} threads was killed: it did not exit by itself`).toBe(
    null,
  );
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ChildResult;
}

beforeAll(async () => {
  const cache = join(packageDir, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  bundle = mkdtempSync(join(cache, 'gen-core-wasm-threads-'));
  await build({
    entry: { index: join(packageDir, 'src', 'index.ts') },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir: bundle,
    external: ['@tensorflow/tfjs-core', /^@tensorflow\/tfjs-backend-/],
    noExternal: [/^@tensorflow\/tfjs-core\/dist\/register_all_gradients/],
    config: false,
    silent: true,
    dts: false,
  });
}, 60_000);

afterAll(() => {
  rmSync(bundle, { recursive: true, force: true });
});

describe('wasm threads in Node', () => {
  it('two threads give bitwise the numbers of one, leak nothing, and let the process exit', () => {
    const one = runChild('1');
    const two = runChild('2');
    expect(one.info).toEqual({ name: 'wasm', threads: 1, skipped: [] });
    expect(two.info).toEqual({ name: 'wasm', threads: 2, skipped: [] });
    // XNNPACK splits the output into tiles, each computed whole by one thread, so threading
    // changes no sum's order: equality is exact, not within a tolerance.
    expect(two.matMul).toEqual(one.matMul);
    expect(two.conv).toEqual(one.conv);
    expect(two.losses).toEqual(one.losses);
    expect(two.weights).toEqual(one.weights);
    expect(one.losses[4]!).toBeLessThan(one.losses[0]!);
    expect([one.leaked, two.leaked]).toEqual([0, 0]);
  }, 180_000);

  it('runs threaded in this process and refuses a different count later', async () => {
    await initBackend('wasm', { threads: 2 });
    expect(backendInfo()).toEqual({ name: 'wasm', threads: 2, skipped: [] });
    const x = tf.randomUniform([64, 48], -1, 1, 'float32', 5);
    const w = tf.variable(tf.randomUniform([48, 32], -1, 1, 'float32', 6));
    const optimizer = tf.train.sgd(0.1);
    const step = () =>
      tf.tidy(() => {
        optimizer.minimize(() => tf.mean(tf.square(tf.matMul(x, w))));
      });
    step();
    await expectNoLeak(step);
    // The matmul on two threads against the same product on the exact cpu reference backend.
    const product = tf.matMul(x, w);
    const values = await product.data();
    await initBackend('cpu');
    const exact = tf.matMul(x, w);
    const reference = await exact.data();
    expect(values.every((v, i) => Math.abs(v - reference[i]!) <= 1e-4)).toBe(true);
    tf.dispose([x, w, product, exact]);
    optimizer.dispose();
    const error = await initBackend('wasm', { threads: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/initBackend: option 'threads' 1 .*2 thread/);
    expect(await initBackend('wasm', { threads: 2 })).toBe('wasm');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(backendInfo()?.threads).toBe(2);
  });
});
