import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, tempDir } from './support/gen.js';

let dir: string;
let run: string;
let fileParent: string;
beforeAll(async () => {
  dir = await tempDir();
  run = join(dir, 'run');
  const r = await gen(
    ['train', 'flow', '--data', 'moons', '--limit', '200', '--steps', '10', '--out', run],
    dir,
  );
  if (r.code !== 0) throw new Error(`gen train failed: ${r.stderr}`);
  fileParent = join(dir, 'a-file');
  writeFileSync(fileParent, 'not a directory\n');
});

/**
 * Paths this process cannot create a file in: under a regular file always, and in a 0500
 * directory where permissions bind (root ignores them, so there the list has one entry).
 */
function unwritable(name: string): string[] {
  const paths = [join(fileParent, name)];
  if (process.getuid?.() !== 0) {
    const locked = join(dir, `locked-${name}`.replace(/\W/g, '-'));
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    paths.push(join(locked, name));
  }
  return paths;
}

/** Exit 2, one line naming `path`, no stack trace, nothing on stdout. */
function expectRefused(r: { code: number | null; stdout: string; stderr: string }, path: string) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(path);
  expect(r.stderr).not.toMatch(/\n\s+at |EACCES.*\n.*at /);
  expect(r.stdout).toBe('');
}

describe('--out files', () => {
  it('gen sample --out refuses to overwrite a file without --force', async () => {
    const out = join(dir, 'samples.csv');
    writeFileSync(out, 'keep me\n');
    const r = await gen(['sample', run, '-n', '4', '--out', out], dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(out);
    expect(r.stderr).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    const forced = await gen(['sample', run, '-n', '4', '--out', out, '--force'], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('gen sample --out to an unwritable place exits 2 naming the path', async () => {
    for (const out of unwritable('samples.csv')) {
      expectRefused(await gen(['sample', run, '-n', '4', '--out', out], dir), out);
    }
  });

  it('gen sample --out that is a directory exits 2', async () => {
    const out = join(dir, 'folder.csv');
    mkdirSync(out);
    expectRefused(await gen(['sample', run, '--out', out], dir), out);
  });

  // The computations below would take hours: exiting at all shows --out was checked first.
  it('gen estimators checks --out before computing', async () => {
    const slow = ['estimators', '--samples', '10', '--repeats', '10000000'];
    for (const out of unwritable('variance.png')) {
      expectRefused(await gen([...slow, '--out', out], dir), out);
    }
    const taken = join(dir, 'taken.png');
    writeFileSync(taken, 'x');
    const r = await gen([...slow, '--out', taken], dir);
    expectRefused(r, taken);
    expect(r.stderr).toContain('--force');
  });

  it('gen fgan checks --out before computing', async () => {
    for (const out of unwritable('fits.png')) {
      expectRefused(await gen(['fgan', '--steps', '1000000', '--out', out], dir), out);
    }
  });

  it('gen train --out in an unwritable place exits 2 and writes nothing', async () => {
    for (const out of unwritable('new-run')) {
      const r = await gen(
        ['train', 'flow', '--data', 'moons', '--limit', '200', '--steps', '2', '--out', out],
        dir,
      );
      expectRefused(r, out);
      expect(existsSync(out)).toBe(false);
    }
  });

  // procfs passes the up-front check (root may write to /proc) and fails at the write itself,
  // like a full disk would: the error still becomes exit 2 naming the path.
  it('an I/O error at write time exits 2 naming the path', async () => {
    const samples = await gen(['sample', run, '-n', '4', '--out', '/proc/gen-samples.csv'], dir);
    expectRefused(samples, '/proc/gen-samples.csv');
    const train = await gen(
      [
        'train',
        'flow',
        '--data',
        'moons',
        '--limit',
        '200',
        '--steps',
        '2',
        '--out',
        '/proc/gen-run',
      ],
      dir,
    );
    expectRefused(train, '/proc/gen-run');
  });
});
