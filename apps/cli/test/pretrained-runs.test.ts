import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gen, tempDir } from './support/gen.js';

// The trained runs committed under pretrained/ (released runs: config.json + model.safetensors +
// metrics.json) must load and evaluate exactly as when their numbers were recorded. Each run's
// eval-check.json holds the output of `gen eval <run> --limit <limit> --json` on the machine that
// trained it; the full test-set numbers in metrics.json come from the same command with
// --limit 10000 (minutes, so not rerun here).

const ROOT = fileURLToPath(new URL('../../../pretrained/', import.meta.url));

interface Check {
  limit: number;
  step: number;
  metrics: Record<string, number>;
}

const runs = existsSync(ROOT)
  ? readdirSync(ROOT).filter((name) => existsSync(join(ROOT, name, 'eval-check.json')))
  : [];

describe('pretrained runs', () => {
  it('are committed: the VAE, the MADE and the DCGAN of the MNIST benchmarks', () => {
    expect(runs).toEqual(expect.arrayContaining(['vae-mnist', 'made-mnist', 'dcgan-mnist']));
  });

  for (const name of runs) {
    const run = join(ROOT, name);
    it(`${name}: gen eval reproduces the recorded numbers and gen sample draws images`, async () => {
      const check = JSON.parse(readFileSync(join(run, 'eval-check.json'), 'utf8')) as Check;
      const cwd = await tempDir();
      const evaluated = await gen(['eval', run, '--limit', String(check.limit), '--json'], cwd);
      expect(evaluated.stderr).toBe('');
      expect(evaluated.code).toBe(0);
      const report = JSON.parse(evaluated.stdout) as Check & { rows: number };
      expect(report.step).toBe(check.step);
      expect(report.rows).toBe(check.limit);
      expect(Object.keys(report.metrics).sort()).toEqual(Object.keys(check.metrics).sort());
      for (const [key, value] of Object.entries(check.metrics)) {
        // Same backend (wasm), same seeds: equal up to float32 summation order.
        expect(report.metrics[key], key).toBeCloseTo(value, 4);
      }
      const sampled = await gen(['sample', run, '-n', '4', '--json'], cwd);
      expect(sampled.code).toBe(0);
      const { samples } = JSON.parse(sampled.stdout) as { samples: number[][] };
      expect(samples).toHaveLength(4);
      for (const row of samples) {
        expect(row).toHaveLength(784);
        expect(row.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
      }
    });
  }
});
