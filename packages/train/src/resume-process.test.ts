import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, Rng } from '@gen/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaussianModel } from '../test/models.js';
import { fit } from './fit.js';
import { fileCheckpointStore } from './node.js';
import { cosineDecay } from './schedules.js';

// The resumed half runs in a new `node` process against built code: @gen/core from its dist
// (built here if missing) and @gen/train bundled from the current sources into node_modules/.cache
// (never touching dist/, so the test always sees the code under test and never races a build).
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const coreDir = join(packageDir, '..', 'core');
const cache = join(packageDir, 'node_modules', '.cache');
let bundle: string;
const child = join(packageDir, 'test-fixtures', 'resume-child.mjs');
const work = mkdtempSync(join(tmpdir(), 'gen-train-resume-'));
const STEPS = 40;

beforeAll(() => {
  mkdirSync(cache, { recursive: true });
  // A directory per run, so concurrent test runs never overwrite each other's bundle.
  bundle = mkdtempSync(join(cache, 'gen-train-resume-'));
  if (!existsSync(join(coreDir, 'dist', 'index.js'))) {
    execFileSync('pnpm', ['build'], { cwd: coreDir, stdio: 'pipe' });
  }
  const tsup = join(packageDir, '..', '..', 'node_modules', '.bin', 'tsup');
  execFileSync(
    tsup,
    [
      'src/index.ts',
      'src/node.ts',
      '--no-config',
      '--format',
      'esm',
      '--platform',
      'node',
      '--target',
      'node20',
      '--out-dir',
      bundle,
      '--silent',
      '--external',
      '@gen/core',
      '--external',
      '@tensorflow/tfjs-core',
    ],
    { cwd: packageDir, stdio: 'pipe' },
  );
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(bundle, { recursive: true, force: true });
});

const options = (steps: number) => ({
  steps,
  batchSize: 8,
  rng: Rng.fromSeed(7),
  logEvery: 5,
  learningRate: cosineDecay({ initial: 0.05, steps: STEPS }),
});

describe('resume in a new process', () => {
  for (const [backend, tolerance] of [
    ['cpu', 0],
    ['wasm', 1e-6],
  ] as const) {
    it(`${backend}: N/2 steps here, N/2 more in a fresh node process = N steps in one go (max |Δ| ≤ ${tolerance})`, async () => {
      await initBackend(backend);
      const data = Rng.fromSeed(4).normal([50, 2], 1, 2);
      const straight = new GaussianModel(2);
      const full = await fit(straight, data, {
        ...options(STEPS),
        checkpoint: { store: fileCheckpointStore(join(work, `${backend}-full`)), every: 10 },
      });

      const dir = join(work, backend);
      const half = new GaussianModel(2);
      await fit(half, data, { ...options(STEPS / 2), checkpoint: { dir, every: 10 } });
      const run = spawnSync(process.execPath, [child, bundle, backend, dir, String(STEPS)], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const resumed = JSON.parse(run.stdout.trim().split('\n').at(-1)!);

      const expected = {
        mean: Array.from(await straight.mean.data()),
        logScale: Array.from(await straight.logScale.data()),
      };
      const diffs = (['mean', 'logScale'] as const).flatMap((k) =>
        expected[k].map((v, i) => Math.abs(v - resumed.weights[k][i])),
      );
      const maxDiff = Math.max(...diffs);
      console.log(`resume across processes on ${backend}: max |Δweight| = ${maxDiff}`);
      expect(maxDiff).toBeLessThanOrEqual(tolerance);
      if (tolerance === 0) expect(resumed.weights).toEqual(expected);
      expect(resumed.result.step).toBe(STEPS);
      expect(resumed.result.history.map((h: { step: number }) => h.step)).toEqual(
        full.history.map((h) => h.step),
      );
      expect(await fileCheckpointStore(dir).list()).toEqual([10, 20, 30, 40]);
      data.dispose();
      straight.dispose();
      half.dispose();
    });
  }
});
