import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gen, genJson, tempDir } from './support-b/run-gen.js';

interface Row {
  k: number;
  param: string;
  estimator: string;
  mean: number;
  stdError: number;
  variance: number;
  exact?: number;
}

const find = (rows: Row[], estimator: string, param: string, k?: number) =>
  rows.find(
    (r) => r.estimator === estimator && r.param === param && (k === undefined || r.k === k),
  )!;

describe('gen estimators', () => {
  // Exact variances: docs/references.md#estimator-variances-on-gaussian-test-costs
  it('(x − 3)² under N(1, 1): unbiased means and the exact single-sample variances', async () => {
    const repeats = 2000;
    const { rows } = await genJson<{ rows: Row[] }>([
      'estimators',
      '--cost',
      'square',
      '--k',
      '3',
      '--repeats',
      String(repeats),
      '--seed',
      '1',
    ]);
    expect(rows).toHaveLength(6);
    // d = μ − k = −2, σ = 1: ∂μ = 2d = −4, ∂σ = 2σ = 2.
    for (const row of rows) {
      expect(row.exact).toBe(row.param === 'mu' ? -4 : 2);
      expect(Math.abs(row.mean - row.exact!), JSON.stringify(row)).toBeLessThan(4 * row.stdError);
    }
    // Pathwise: Var ∂μ = 4σ² = 4 (2(x − k) is Gaussian: relative SE of the variance √(2/(R−1)));
    // coupled measure-valued: Var ∂μ = 4d²(4 − π)/π = 4.372.
    const relative = 5 * Math.sqrt(2 / (repeats - 1));
    expect(Math.abs(find(rows, 'pathwise', 'mu').variance / 4 - 1)).toBeLessThan(relative);
    const mvd = (4 * 4 * (4 - Math.PI)) / Math.PI;
    expect(Math.abs(find(rows, 'measure-valued', 'mu').variance / mvd - 1)).toBeLessThan(0.25);
    // The ordering the paper reports at k = 3 for ∂σ: score function ≫ pathwise (24) ≈ MVD (20).
    expect(find(rows, 'score-function', 'sigma').variance).toBeGreaterThan(
      3 * find(rows, 'pathwise', 'sigma').variance,
    );
  });

  it('exponential rate, cos(kx): the exact gradient 2λk²/(λ² + k²)² is within the standard error', async () => {
    const { rows } = await genJson<{ rows: Row[] }>([
      'estimators',
      '--dist',
      'exponential',
      '--rate',
      '2',
      '--cost',
      'cos',
      '--k',
      '1',
      '--repeats',
      '1000',
      '--param',
      'rate',
    ]);
    expect(rows.map((r) => r.estimator)).toEqual(['score-function', 'pathwise', 'measure-valued']);
    for (const row of rows) {
      expect(row.exact).toBeCloseTo((2 * 2 * 1) / 25, 10);
      expect(Math.abs(row.mean - row.exact!), JSON.stringify(row)).toBeLessThan(4 * row.stdError);
    }
  });

  it('prints the table and writes a PNG plot of variance against k', async () => {
    const dir = tempDir();
    const out = join(dir, 'plots', 'variance.png');
    const result = await gen([
      'estimators',
      '--cost',
      'exp',
      '--k',
      '0.1,1,10',
      '--repeats',
      '200',
      '--param',
      'sigma',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/k\s+param\s+estimator\s+mean\s+std err\s+exact\s+variance/);
    expect(result.stdout.split('\n').filter((l) => /^\d.*sigma/.test(l))).toHaveLength(9);
    expect(result.stdout).not.toMatch(/ mu /);
    expect([...readFileSync(out).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('bad flags exit 2 naming the flag, and write no plot', async () => {
    const dir = tempDir();
    const out = join(dir, 'never.png');
    const cases: [string[], RegExp][] = [
      [['--cost', 'cube'], /--cost: expected one of square, cos, exp, got "cube"/],
      [['--dist', 'cauchy'], /--dist: expected one of normal, exponential/],
      [['--k', '1,x'], /--k: expected a comma-separated list/],
      [['--rate', '2'], /--rate: not a parameter of --dist normal/],
      [['--sigma', '-1'], /--sigma: expected a number from 1e-30 to 1000000, got "-1"/],
      [['--param', 'rate'], /--param: expected one of all, mu, sigma/],
      [['--repeats', '1'], /--repeats: expected an integer in \[2,/],
      [['--baseline', 'leaveOneOut'], /--baseline: 'leaveOneOut' needs --samples of at least 2/],
      [['--bogus'], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const result = await gen(['estimators', ...args, '--out', out]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
    const txt = await gen(['estimators', '--out', join(dir, 'plot.txt')]);
    expect(txt.code).toBe(2);
    expect(txt.stderr).toMatch(/--out: expected a path ending in \.png/);
  });

  it('--help exits 0 and documents the flags', async () => {
    const help = await gen(['estimators', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--dist[\s\S]*--cost[\s\S]*--k[\s\S]*--out[\s\S]*--json/);
  });
});
