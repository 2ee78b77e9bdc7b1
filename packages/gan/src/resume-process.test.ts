import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@gen/core';
import { fitAdversarial } from '@gen/train';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDifference, STEPS, scenarios, weightValues } from '../test/resume-scenarios.js';

// Both halves of the interrupted run go through checkpoint directories (`checkpoint: { dir }`,
// `resume: dir`) in two fresh `node` processes that run a bundle of the current sources (never
// dist/, so the test sees the code under test and never races a build); the uninterrupted run
// is the one in this process.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(packageDir, 'test-fixtures');
const cache = join(packageDir, 'node_modules', '.cache');
const work = mkdtempSync(join(tmpdir(), 'gen-gan-resume-'));
let bundle: string;

beforeAll(async () => {
  mkdirSync(cache, { recursive: true });
  // A directory per run, so concurrent test runs never overwrite each other's bundle.
  bundle = mkdtempSync(join(cache, 'gen-gan-resume-'));
  await build({
    config: false,
    // train's `checkpoint: { dir }` loads its Node entry as './node.js' beside the bundle.
    entry: {
      index: join(fixtures, 'resume-entry.ts'),
      node: join(packageDir, '..', 'train', 'src', 'node.ts'),
    },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir: bundle,
    tsconfig: join(fixtures, 'tsconfig.bundle.json'),
    noExternal: [/^@gen\//],
    external: [/^@tensorflow\//],
    silent: true,
  });
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(bundle, { recursive: true, force: true });
});

function child(backend: string, name: string, dir: string, steps: number, mode: string) {
  const run = spawnSync(
    process.execPath,
    [join(fixtures, 'resume-child.mjs'), bundle, backend, name, dir, String(steps), mode],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    weights: Record<string, number[]>;
    state: { discriminatorUpdates: number };
    step: number;
  };
}

describe('GAN resume across processes', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [name, scenario] of Object.entries(scenarios)) {
      it(`${backend}, ${name}: N/2 steps in one process + N/2 in another = N here (max |Δ| = 0)`, async () => {
        await initBackend(backend);
        const data = scenario.data();
        const straight = scenario.build(0);
        await fitAdversarial(straight, data, { ...scenario.options(), steps: STEPS });
        const expected = await weightValues(straight);

        const dir = join(work, `${backend}-${Object.keys(scenarios).indexOf(name)}`);
        const half = child(backend, name, dir, STEPS / 2, 'start');
        expect(half.step).toBe(STEPS / 2);
        expect(maxAbsDifference(half.weights, expected)).toBeGreaterThan(0);
        const resumed = child(backend, name, dir, STEPS, 'resume');
        expect(resumed.step).toBe(STEPS);
        expect(resumed.state).toEqual(straight.getState());
        const maxDiff = maxAbsDifference(resumed.weights, expected);
        expect(maxDiff).toBe(0);
        expect(readdirSync(dir).filter((f) => f.endsWith('.genc'))).toHaveLength(4);
        data.dispose();
        straight.dispose();
      });
    }
  }
});
