import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gen, genJson, tempDir } from './support-b/run-gen.js';

interface FganJson {
  names: string[];
  optima: Record<string, { mu: number; sigma: number; gradient: number }>;
  variational: Record<
    string,
    { mu: number; sigma: number; bound: number; se: number; divergence: number }
  >;
  optimaMatrix: number[][];
  variationalMatrix: number[][];
  published: Record<string, number[]>;
  steps: number;
}

describe('gen fgan (a tiny --steps budget; tests/fgan checks the full training)', () => {
  it('--json: the quadrature table has its column minima on the diagonal; the KL fit is moment matching', async () => {
    const dir = tempDir();
    const out = join(dir, 'fits.png');
    const report = await genJson<FganJson>(['fgan', '--steps', '10', '--out', out]);
    expect(report.names).toEqual(['kl', 'reverse-kl', 'js', 'jeffreys', 'pearson']);
    expect(report.steps).toBe(10);
    // Moment matching of 0.5 N(−2, 0.7²) + 0.3 N(1.5, 0.8²) + 0.2 N(4, 1²), by hand.
    const mu = 0.5 * -2 + 0.3 * 1.5 + 0.2 * 4;
    const second = 0.5 * (0.49 + 4) + 0.3 * (0.64 + 2.25) + 0.2 * (1 + 16);
    expect(Math.abs(report.optima.kl!.mu - mu)).toBeLessThan(2e-3);
    expect(Math.abs(report.optima.kl!.sigma - Math.sqrt(second - mu * mu))).toBeLessThan(2e-3);
    const m = report.optimaMatrix;
    m.forEach((row, i) => {
      row.forEach((v, j) => {
        if (i !== j) expect(m[j]![j]!, `row ${i}, column ${j}`).toBeLessThan(v);
      });
    });
    // Each f-GAN fit's critic bound F̂ is a lower bound of D_f at that fit (within its error).
    for (const name of report.names) {
      const fit = report.variational[name]!;
      expect(fit.bound, name).toBeLessThanOrEqual(fit.divergence + 4 * fit.se);
    }
    expect(report.variationalMatrix).toHaveLength(5);
    expect(report.published.kl).toEqual([0.2808, 0.3423, 0.1314, 0.5447, 0.7345]);
    expect([...readFileSync(out).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('prints its tables next to the published one', async () => {
    const result = await gen(['fgan', '--steps', '5']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Train/test matrix at the f-GAN fits');
    expect(result.stdout).toContain('Train/test matrix at the quadrature optima');
    expect(result.stdout).toMatch(/Published[\s\S]*KL-rev\s+0\.3518\s+0\.2414/);
    expect(result.stderr).toContain('gen fgan: pearson: f-GAN training, 5 steps');
  });

  it('bad flags exit 2 naming the flag, and write no plot', async () => {
    const dir = tempDir();
    const out = join(dir, 'never.png');
    for (const [args, message] of [
      [['--steps', '0'], /--steps: expected an integer in \[5,/],
      [['--seed', '-3'], /--seed: expected an integer in \[0,/],
      [['--out', join(dir, 'never.svg')], /--out: expected a path ending in \.png/],
    ] as [string[], RegExp][]) {
      const result = await gen(['fgan', ...args, ...(args[0] === '--out' ? [] : ['--out', out])]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'never.svg'))).toBe(false);
  });

  it('--help exits 0 and documents the flags', async () => {
    const help = await gen(['fgan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--steps[\s\S]*--seed[\s\S]*--out[\s\S]*--json/);
  });
});
