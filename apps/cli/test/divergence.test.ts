import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gen, genJson, tempDir } from './support-b/run-gen.js';

interface Row {
  name: string;
  method: string;
  value: number | string;
  stdError?: number;
}
interface Report {
  kind: string;
  rows: Row[];
}

const rowValue = (report: Report, name: string) => report.rows.find((r) => r.name === name)?.value;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('gen divergence on vectors and distributions', () => {
  it('probability vectors: every f-divergence and W₁ equal the sums computed by hand', async () => {
    const p = [0.2, 0.5, 0.3];
    const q = [0.1, 0.3, 0.6];
    const report = await genJson<Report>([
      'divergence',
      '--p',
      '0.2,0.5,0.3',
      '--q',
      '0.1,0.3,0.6',
    ]);
    expect(report.kind).toBe('vector');
    const kl = sum(p.map((pi, i) => pi * Math.log(pi / q[i]!)));
    const rkl = sum(q.map((qi, i) => qi * Math.log(qi / p[i]!)));
    const m = p.map((pi, i) => (pi + q[i]!) / 2);
    const js =
      0.5 * sum(p.map((pi, i) => pi * Math.log(pi / m[i]!))) +
      0.5 * sum(q.map((qi, i) => qi * Math.log(qi / m[i]!)));
    const expected: Record<string, number> = {
      kl,
      'reverse-kl': rkl,
      js,
      jeffreys: kl + rkl,
      pearson: sum(p.map((pi, i) => (pi - q[i]!) ** 2 / q[i]!)),
      neyman: sum(p.map((pi, i) => (q[i]! - pi) ** 2 / pi)),
      'squared-hellinger': sum(p.map((pi, i) => (Math.sqrt(pi) - Math.sqrt(q[i]!)) ** 2)),
      'total-variation': 0.5 * sum(p.map((pi, i) => Math.abs(pi - q[i]!))),
      // |F_p − F_q| at 0 and 1: |0.2 − 0.1| + |0.7 − 0.4|
      'wasserstein-1': 0.4,
    };
    expect(report.rows.map((r) => r.name).sort()).toEqual(Object.keys(expected).sort());
    expect(kl).toBeCloseTo(0.186098, 6); // the @gen/divergences README value, as a check of the oracle
    for (const [name, value] of Object.entries(expected)) {
      expect(rowValue(report, name), name).toBeCloseTo(value, 5);
    }
  });

  it('prints a table, handles --name and --alpha, and reports an infinite KL as Infinity', async () => {
    const text = await gen(['divergence', '--p', '0.5,0.5', '--q', '0.25,0.75', '--name', 'kl']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^name\s+method\s+value/);
    const kl = 0.5 * Math.log(2) + 0.5 * Math.log(0.5 / 0.75);
    expect(text.stdout).toContain(String(Number(kl.toPrecision(4))));
    const alpha = await genJson<Report>([
      'divergence',
      '--p',
      '0.5,0.5',
      '--q',
      '0.25,0.75',
      '--name',
      'alpha',
      '--alpha',
      '2',
    ]);
    // α = 2 is half the Pearson χ²: ½ Σ (p − q)²/q
    expect(rowValue(alpha, 'alpha')).toBeCloseTo(0.5 * (0.25 ** 2 / 0.25 + 0.25 ** 2 / 0.75), 5);
    const infinite = await genJson<Report>([
      'divergence',
      '--p',
      '0.5,0.5',
      '--q',
      '1,0',
      '--name',
      'kl',
    ]);
    expect(rowValue(infinite, 'kl')).toBe('Infinity');
  });

  it('distributions: closed-form KL(N(0,1)‖N(1,2²)), Monte Carlo rows with a standard error', async () => {
    const report = await genJson<Report>([
      'divergence',
      '--p',
      'normal(0,1)',
      '--q',
      'normal(1,2)',
      '--samples',
      '20000',
    ]);
    // KL = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½
    const kl = Math.log(2) + (1 + 1) / 8 - 0.5;
    const rkl = Math.log(1 / 2) + (4 + 1) / 2 - 0.5;
    const row = (n: string) => report.rows.find((r) => r.name === n)!;
    expect(row('kl')).toMatchObject({ method: 'closed-form' });
    expect(row('kl').value).toBeCloseTo(kl, 5);
    expect(row('jeffreys').value).toBeCloseTo(kl + rkl, 5);
    // Total variation by an independent trapezoid rule on [−20, 20].
    const pdf = (x: number, m: number, s: number) =>
      Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    let tv = 0;
    for (let x = -20; x < 20; x += 1e-3) tv += 0.5 * Math.abs(pdf(x, 0, 1) - pdf(x, 1, 2)) * 1e-3;
    const mc = row('total-variation');
    expect(mc.method).toBe('monte-carlo');
    expect(Math.abs((mc.value as number) - tv)).toBeLessThan(4 * mc.stdError! + 1e-3);
  });
});

/** ⟨P_ε, C⟩ of POT's sinkhorn2 with uniform weights and C = (x − y)², in float64. */
function entropicCost(x: number[], y: number[], epsilon: number): number {
  const cost = x.map((a) => y.map((b) => (a - b) ** 2));
  const kernel = cost.map((row) => row.map((c) => Math.exp(-c / epsilon)));
  let u = x.map(() => 1);
  let v = y.map(() => 1);
  for (let it = 0; it < 20000; it++) {
    u = u.map((_, i) => 1 / x.length / sum(kernel[i]!.map((k, j) => k * v[j]!)));
    v = v.map((_, j) => 1 / y.length / sum(kernel.map((row, i) => row[j]! * u[i]!)));
  }
  return sum(cost.flatMap((row, i) => row.map((c, j) => u[i]! * kernel[i]![j]! * v[j]! * c)));
}

describe('gen divergence on sample files and bad input', () => {
  it('CSV samples: W₁, energy distance, MMD² and Sinkhorn equal their formulas', async () => {
    const dir = tempDir();
    const x = [0, 1, 2, 3];
    const y = [1, 2, 3, 4];
    writeFileSync(join(dir, 'x.csv'), `${x.join('\n')}\n`);
    writeFileSync(join(dir, 'y.csv'), `# comment line\n${y.join('\n')}\n`);
    const report = await genJson<Report>([
      'divergence',
      '--p',
      join(dir, 'x.csv'),
      '--q',
      join(dir, 'y.csv'),
      '--epsilon',
      '0.5',
    ]);
    expect(report.kind).toBe('samples');
    const mean = (f: (a: number, b: number) => number, a: number[], b: number[]) =>
      sum(a.flatMap((u) => b.map((v) => f(u, v)))) / (a.length * b.length);
    const abs = (u: number, v: number) => Math.abs(u - v);
    const energy = 2 * mean(abs, x, y) - mean(abs, x, x) - mean(abs, y, y);
    const k = (u: number, v: number) => Math.exp(-((u - v) ** 2) / 2);
    const offDiagonal = (a: number[]) =>
      (sum(a.flatMap((u) => a.map((v) => k(u, v)))) - a.length) / (a.length * (a.length - 1));
    const mmd2 = offDiagonal(x) + offDiagonal(y) - 2 * mean(k, x, y);
    expect(rowValue(report, 'wasserstein-1')).toBeCloseTo(1, 5);
    expect(rowValue(report, 'energy')).toBeCloseTo(energy, 5);
    expect(rowValue(report, 'mmd')).toBeCloseTo(mmd2, 5);
    expect(rowValue(report, 'sinkhorn')).toBeCloseTo(entropicCost(x, y, 0.5), 4);
    expect(rowValue(report, 'sliced-wasserstein')).toBeCloseTo(1, 4); // 1-D: every direction is ±1
  });

  it('says when Sinkhorn stops before converging at a small --epsilon (and only then)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.csv'), '0\n1\n2\n3\n');
    writeFileSync(join(dir, 'y.csv'), '1\n2\n3\n4\n');
    const args = ['divergence', '--p', join(dir, 'x.csv'), '--q', join(dir, 'y.csv')];
    const slow = await gen([...args, '--name', 'sinkhorn', '--epsilon', '0.1', '--json']);
    expect(slow.code).toBe(0);
    expect(slow.stderr).toMatch(/sinkhorn did not converge at --epsilon 0\.1 in 1000 iterations/);
    // The unconverged plan still costs within 2e-3 of the float64 value.
    const value = JSON.parse(slow.stdout).rows[0].value as number;
    expect(Math.abs(value - entropicCost([0, 1, 2, 3], [1, 2, 3, 4], 0.1))).toBeLessThan(2e-3);
    const fast = await gen([...args, '--name', 'sinkhorn', '--epsilon', '0.5', '--json']);
    expect(fast.code).toBe(0);
    expect(fast.stderr).not.toMatch(/did not converge/);
  });

  it('2-column samples leave out wasserstein-1 and refuse it by name', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.csv'), '0,0\n1,0\n0,1\n1,1\n');
    writeFileSync(join(dir, 'b.csv'), '2,0\n3,0\n2,1\n3,1\n');
    const report = await genJson<Report>([
      'divergence',
      '--p',
      join(dir, 'a.csv'),
      '--q',
      join(dir, 'b.csv'),
    ]);
    expect(report.rows.map((r) => r.name)).toEqual([
      'sliced-wasserstein',
      'sinkhorn',
      'mmd',
      'energy',
    ]);
    const refused = await gen([
      'divergence',
      '--p',
      join(dir, 'a.csv'),
      '--q',
      join(dir, 'b.csv'),
      '--name',
      'wasserstein-1',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--name');
  });

  it('bad input exits 2 naming the flag, the value or the file', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--p', '0.2,0.5', '--q', '0.5,0.5'],
        /--p: probabilities must sum to 1, "0\.2,0\.5" sums to 0\.7/,
      ],
      [['--p', '0.5,0.5', '--q', '0.5,0.6'], /--q: .*sums to 1\.1/],
      [
        ['--p', '0.5,0.5', '--q', '0.5,0.5', '--name', 'kll'],
        /--name: unknown name "kll".*valid: all, kl, reverse-kl/,
      ],
      [
        ['--p', '/no/such/p.csv', '--q', '/no/such/q.csv'],
        /--p: cannot use CSV file '\/no\/such\/p\.csv'/,
      ],
      [
        ['--p', 'cauchy(0,1)', '--q', 'normal(0,1)'],
        /--p: unknown distribution "cauchy".*normal\(loc,scale\)/,
      ],
      [['--p', 'normal(0,1)', '--q', 'normal(0,-1)'], /--q: invalid "normal\(0,-1\)".*scale/],
      [['--p', '0.5,0.5', '--q', 'normal(0,1)'], /--p and --q must be the same kind/],
      [['--p', '0.5,0.5', '--q', '0.2,0.3,0.5'], /same length, got 2 \(--p\) and 3 \(--q\)/],
      [['--q', '0.5,0.5'], /--p: required/],
      [['--p', '0.5,0.5', '--q', '0.5,0.5', '--name', 'alpha'], /--alpha: required/],
      [
        ['--p', 'normal(0,1)', '--q', 'normal(1,1)', '--samples', 'many'],
        /--samples: expected an integer/,
      ],
      [['--p', '0.5,0.5', '--q', '0.5,0.5', '--bogus'], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const result = await gen(['divergence', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stdout, args.join(' ')).toBe('');
    }
    const bad = tempDir();
    writeFileSync(join(bad, 'bad.csv'), '1\nx\n');
    const malformed = await gen([
      'divergence',
      '--p',
      join(bad, 'bad.csv'),
      '--q',
      join(bad, 'bad.csv'),
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(join(bad, 'bad.csv'));
    expect(existsSync(join(bad, 'bad.csv'))).toBe(true);
  });

  it('--help exits 0 and documents the flags', async () => {
    const help = await gen(['divergence', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--p <spec>[\s\S]*--q <spec>[\s\S]*--name[\s\S]*--json/);
  });
});
