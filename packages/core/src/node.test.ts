import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processAlive, removeStaleTemporaries, writeFileAtomic } from './node.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gen-core-node-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A pid that no process has: above Linux's pid_max (4 194 304).
const DEAD_PID = 99_999_999;

async function age(path: string, seconds: number): Promise<void> {
  const then = new Date(Date.now() - seconds * 1000);
  await utimes(path, then, then);
}

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file', async () => {
    const path = join(dir, 'a.json');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, new TextEncoder().encode('new'));
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('rethrows the file-system error with its path and cleans up', async () => {
    const error = await writeFileAtomic(join(dir, 'missing', 'a.json'), 'x').catch((e) => e);
    expect(error).toMatchObject({ code: 'ENOENT' });
    await writeFile(join(dir, 'file'), 'x');
    await expect(writeFileAtomic(join(dir, 'file', 'a.json'), 'x')).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
    expect(await readdir(dir)).toEqual(['file']);
  });
});

describe('removeStaleTemporaries', () => {
  it('removes only old temporaries of dead writers, and of live ones only after an hour', async () => {
    const names = {
      deadOld: `.a.json.${DEAD_PID}.0123456789ab.tmp`,
      deadFresh: `.b.json.${DEAD_PID}.0123456789ab.tmp`,
      liveOld: `.c.json.${process.pid}.0123456789ab.tmp`,
      liveAncient: `.d.json.${process.pid}.0123456789ab.tmp`,
      other: 'notes.tmp',
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'x');
    await age(join(dir, names.deadOld), 120);
    await age(join(dir, names.liveOld), 120);
    await age(join(dir, names.liveAncient), 7200);
    await age(join(dir, names.other), 7200);
    const removed = await removeStaleTemporaries(dir);
    expect(removed.sort()).toEqual([names.deadOld, names.liveAncient].sort());
    expect((await readdir(dir)).sort()).toEqual(
      [names.deadFresh, names.liveOld, names.other].sort(),
    );
  });

  it('filters by target name and tolerates a missing directory', async () => {
    const ckpt = `.ckpt-000000000010.genc.${DEAD_PID}.0123456789ab.tmp`;
    const json = `.metrics.json.${DEAD_PID}.0123456789ab.tmp`;
    for (const name of [ckpt, json]) {
      await writeFile(join(dir, name), 'x');
      await age(join(dir, name), 120);
    }
    expect(await removeStaleTemporaries(dir, /^ckpt-\d{12}\.genc$/)).toEqual([ckpt]);
    expect(await removeStaleTemporaries(dir, 'other.json')).toEqual([]);
    expect(await removeStaleTemporaries(dir, 'metrics.json')).toEqual([json]);
    expect(await removeStaleTemporaries(join(dir, 'nope'))).toEqual([]);
  });

  it('tells live processes from dead ones', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(DEAD_PID)).toBe(false);
  });
});
