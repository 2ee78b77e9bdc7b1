import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, tempDir } from './support/gen.js';

let dir: string;
let run: string;
let huge: string;
beforeAll(async () => {
  dir = await tempDir();
  run = join(dir, 'run');
  const r = await gen(
    ['train', 'flow', '--data', 'moons', '--limit', '200', '--steps', '10', '--out', run],
    dir,
  );
  if (r.code !== 0) throw new Error(`gen train failed: ${r.stderr}`);
  // Finite data whose squares overflow float32: the first loss is not finite.
  huge = join(dir, 'huge.csv');
  const rows = Array.from({ length: 200 }, (_, i) => `${(i % 7) - 3}e30,${(i % 5) - 2}e30`);
  writeFileSync(huge, `${rows.join('\n')}\n`);
});

/** Every file of a directory tree with its bytes, to show a run was left untouched. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(root.length)] = readFileSync(path).toString('base64');
  }
  return out;
}

/** What `gen` left beside `out` in its parent (staging and replaced runs included). */
const siblings = (out: string) =>
  readdirSync(dir).filter((n) => n.startsWith(`${out.slice(dir.length + 1)}.`));

const noTrace = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at |RangeError|TypeError/);

const TRAIN = ['train', 'flow', '--data', 'moons', '--limit', '200'];
const cases: { name: string; args: string[]; flag: string }[] = [
  {
    name: 'steps beyond 1e9',
    args: [...TRAIN, '--steps', '99999999999999999999'],
    flag: '--steps',
  },
  {
    name: 'epochs beyond 1e9 steps',
    // 2 batches of 100 per epoch: 1.2e9 steps, though the flag alone is in range.
    args: [...TRAIN, '--batch-size', '100', '--epochs', '600000000'],
    flag: '--epochs',
  },
  { name: 'limit beyond the row cap', args: [...TRAIN, '--limit', '9999999999'], flag: '--limit' },
  { name: 'learning rate 1e30', args: [...TRAIN, '--lr', '1e30'], flag: '--lr' },
  { name: 'infinite learning rate', args: [...TRAIN, '--lr', 'Infinity'], flag: '--lr' },
  { name: 'seed beyond 32 bits', args: [...TRAIN, '--seed', '1e20'], flag: '--seed' },
  { name: 'fractional batch size', args: [...TRAIN, '--batch-size', '2.5'], flag: '--batch-size' },
  {
    name: 'checkpoint-every beyond 1e9',
    args: [...TRAIN, '--checkpoint-every', '1e12'],
    flag: '--checkpoint-every',
  },
  {
    name: 'eval-samples beyond the cap',
    args: [...TRAIN, '--eval-samples', '1e9'],
    flag: '--eval-samples',
  },
];

describe('numbers are checked before anything is written', () => {
  for (const c of cases) {
    it(`gen train: ${c.name}`, async () => {
      const out = join(dir, `out-${c.name.replace(/\W+/g, '-')}`);
      const r = await gen([...c.args, '--out', out], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(c.flag);
      noTrace(r.stderr);
      expect(existsSync(out)).toBe(false);
      expect(siblings(out)).toEqual([]);
    });
  }

  it('model options in --config: absurd sizes and numbers', async () => {
    for (const [name, options] of [
      ['hiddenSizes', { hiddenSizes: [1e9] }],
      ['layers', { layers: 1e300 }],
    ] as const) {
      const file = join(dir, `options-${name}.json`);
      writeFileSync(file, JSON.stringify({ options }));
      const out = join(dir, `out-options-${name}`);
      const r = await gen([...TRAIN, '--steps', '2', '--config', file, '--out', out], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`options.${name}`);
      noTrace(r.stderr);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('an absurd flag with --force leaves the existing run untouched', async () => {
    const before = snapshot(run);
    const r = await gen(
      [...TRAIN, '--steps', '99999999999999999999', '--force', '--out', run],
      dir,
    );
    expect(r.code, r.stderr).toBe(2);
    expect(snapshot(run)).toEqual(before);
  });

  it('gen sample -n, --seed and gen eval --limit', async () => {
    for (const args of [
      ['sample', run, '-n', '99999999999'],
      ['sample', run, '-n', '9999999'], // within the flag's cap, too many numbers for 2 columns
      ['sample', run, '--seed', '-1'],
      ['eval', run, '--limit', '9999999999'],
    ]) {
      const r = await gen(args, dir);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(args[2]);
      expect(r.stdout).toBe('');
      noTrace(r.stderr);
    }
  });

  it('gen divergence --samples and gen estimators --samples × --repeats', async () => {
    const divergence = await gen(
      ['divergence', '--p', 'normal(0,1)', '--q', 'normal(1,1)', '--samples', '1e9'],
      dir,
    );
    expect(divergence.code, divergence.stderr).toBe(2);
    expect(divergence.stderr).toContain('--samples');
    const estimators = await gen(['estimators', '--samples', '1000000', '--repeats', '1000'], dir);
    expect(estimators.code, estimators.stderr).toBe(2);
    expect(estimators.stderr).toContain('--repeats');
  });
});

describe('a run that fails before its first checkpoint leaves nothing behind', () => {
  const failing = (out: string, ...extra: string[]) => [
    'train',
    'flow',
    '--data',
    huge,
    '--steps',
    '100',
    '--checkpoint-every',
    '1000',
    '--out',
    out,
    ...extra,
  ];

  it('a NaN loss: no run directory, no staging directory, exit 1 naming the step', async () => {
    const out = join(dir, 'nan-run');
    const r = await gen(failing(out), dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/NaN or infinite at step \d+/);
    noTrace(r.stderr);
    expect(existsSync(out)).toBe(false);
    expect(siblings(out)).toEqual([]);
  });

  it('--force over a run: the old run stays as it was', async () => {
    const before = snapshot(run);
    const r = await gen(failing(run, '--force'), dir);
    expect(r.code, r.stderr).toBe(1);
    expect(snapshot(run)).toEqual(before);
    expect(siblings(run)).toEqual([]);
  });
});

describe('--force replaces a run once the new one has a checkpoint', () => {
  it('swaps the new run in and the old one out', async () => {
    const out = join(dir, 'replaced');
    const first = await gen([...TRAIN, '--steps', '4', '--out', out], dir);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'from the old run');
    const r = await gen([...TRAIN, '--steps', '6', '--seed', '3', '--force', '--out', out], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'notes.txt'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({
      steps: 6,
      seed: 3,
    });
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))).toMatchObject({
      status: 'completed',
      step: 6,
      run: out,
    });
    expect(siblings(out)).toEqual([]);
  });

  it('removes what a killed gen train left beside --out', async () => {
    // The pid of a process that has exited stands for a gen train killed with SIGKILL.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const out = join(dir, 'after-crash');
    const stale = `${out}.tmp-${dead}-0badc0de`;
    mkdirSync(join(stale, 'checkpoints'), { recursive: true });
    writeFileSync(join(stale, 'config.json'), '{}');
    const r = await gen([...TRAIN, '--steps', '2', '--out', out], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(siblings(out)).toEqual([]);
  });
});
