import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, readJson, tempDir } from './support/gen.js';

let dir: string;
let run: string;
let trained: Record<string, number>;
beforeAll(async () => {
  dir = await tempDir();
  run = join(dir, 'run');
  const r = await gen(
    [
      'train',
      'mixture',
      '--data',
      'grid25',
      '--limit',
      '500',
      '--steps',
      '30',
      '--out',
      run,
      '--json',
    ],
    dir,
  );
  expect(r.code, r.stderr).toBe(0);
  trained = (JSON.parse(r.stdout) as { evaluation: Record<string, number> }).evaluation;
});

describe('gen sample and gen eval on a trained run', () => {
  it('prints n samples as CSV, the same for the same seed', async () => {
    const a = await gen(['sample', run, '-n', '5', '--seed', '3'], dir);
    expect(a.code, a.stderr).toBe(0);
    const rows = a.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row).toHaveLength(2);
      for (const v of row) expect(Math.abs(v)).toBeLessThan(10);
    }
    const b = await gen(['sample', run, '-n', '5', '--seed', '3'], dir);
    expect(b.stdout).toBe(a.stdout);
    const c = await gen(['sample', run, '-n', '5', '--seed', '4'], dir);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('writes samples to a JSON file and reports it with --json', async () => {
    const file = join(dir, 'draws.json');
    const r = await gen(['sample', run, '-n', '7', '--out', file, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ n: 7, out: file, model: 'mixture' });
    const doc = JSON.parse(await readFile(file, 'utf8')) as { samples: number[][] };
    expect(doc.samples).toHaveLength(7);
  });

  it('evaluates to the metrics the training run reported (same held-out data and seed)', async () => {
    const r = await gen(['eval', run, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { metrics: Record<string, number> };
    expect(report.metrics).toEqual(trained);
    expect(report.metrics.modesTotal).toBe(25);
    // A 25-component EM fit of grid25 is close to the data's entropy (0.0653 nats).
    expect(report.metrics.nll).toBeLessThan(0.5);
    const table = await gen(['eval', run], dir);
    expect(table.stdout).toMatch(/nll\s+-?\d/);
    expect(table.stdout).toContain('slicedWasserstein');
  });

  it('evaluates on another data set of the same dimension with --data', async () => {
    const r = await gen(['eval', run, '--data', 'ring8', '--limit', '300', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { rows: number; metrics: Record<string, number> };
    expect(report.rows).toBe(300);
    // The grid model puts little mass on the unit ring: far worse than on its own data.
    expect(report.metrics.nll).toBeGreaterThan(trained.nll! + 1);
    const metrics = await readJson(join(run, 'metrics.json'));
    expect(metrics).toMatchObject({ status: 'completed' });
  });
});
