import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@gen/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fileCheckpointStore } from './node.js';

const failRename = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (failRename.on) throw new Error('ENOSPC: no space left on device');
      return actual.rename(from, to);
    },
  };
});

const work = mkdtempSync(join(tmpdir(), 'gen-train-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bytes = (...values: number[]) => Uint8Array.from(values);

describe('fileCheckpointStore', () => {
  it('creates its directory, lists, loads and prunes to the latest `keep` files', async () => {
    const dir = join(work, 'runs', 'a');
    const store = fileCheckpointStore(dir, { keep: 2 });
    expect(await store.list()).toEqual([]);
    expect(await store.latest()).toBeUndefined();
    expect(await store.load()).toBeUndefined();
    await store.save(5, bytes(5));
    await store.save(100, bytes(1, 0, 0));
    await store.save(20, bytes(2, 0));
    expect(await store.list()).toEqual([20, 100]);
    expect(await store.latest()).toBe(100);
    expect(await store.load()).toEqual(bytes(1, 0, 0));
    expect(await store.load(20)).toEqual(bytes(2, 0));
    expect(await store.load(5)).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['ckpt-000000000020.genc', 'ckpt-000000000100.genc']);
    // Other files in the directory are ignored, and a second store sees the same checkpoints.
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(await fileCheckpointStore(dir).list()).toEqual([20, 100]);
  });

  it('writes atomically: a failed write leaves the old checkpoints and no temporary file', async () => {
    const dir = join(work, 'b');
    const store = fileCheckpointStore(dir);
    await store.save(10, bytes(1, 2, 3));
    failRename.on = true;
    try {
      await expect(store.save(20, bytes(4, 5, 6))).rejects.toThrow(/ENOSPC/);
      await expect(store.save(10, bytes(7))).rejects.toThrow(/ENOSPC/);
    } finally {
      failRename.on = false;
    }
    expect(readdirSync(dir)).toEqual(['ckpt-000000000010.genc']);
    expect(await store.load()).toEqual(bytes(1, 2, 3));
  });

  it('rejects bad arguments with typed errors', async () => {
    expect(() => fileCheckpointStore('')).toThrow(
      'fileCheckpointStore: argument \'dir\' must be a non-empty string, got ""',
    );
    expect(() => fileCheckpointStore(work, { keep: 0 })).toThrow(InvalidArgumentError);
    expect(() => fileCheckpointStore(work, { kepp: 2 } as never)).toThrow(
      "fileCheckpointStore: unknown option 'kepp'",
    );
    const store = fileCheckpointStore(join(work, 'c'));
    await expect(store.save(1.5, bytes(1))).rejects.toThrow(
      "fileCheckpointStore.save: argument 'step'",
    );
    await expect(store.save(1, [1] as never)).rejects.toThrow(
      /argument 'bytes' must be a Uint8Array/,
    );
  });
});
