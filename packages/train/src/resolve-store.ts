import { invalidArgument, isNode, NotImplementedError } from '@gen/core';
import { assertStore, type CheckpointStore } from './checkpoint/store.js';

// This file sits at the top of src/ so that './node.js' names the Node entry both here and in
// dist/, where every chunk lies flat. The specifier is a variable so that browser bundlers do not
// pull node:fs into the main entry. Run from the TypeScript sources by a tool that does not map
// '.js' to '.ts' for such an import (vitest, when another package's test imports @gen/train's
// sources), the entry is './node.ts'.
const NODE_ENTRY = './node.js';
const NODE_SOURCE = './node.ts';

type NodeEntry = typeof import('./node.js');

async function importNodeEntry(): Promise<NodeEntry> {
  try {
    return (await import(/* @vite-ignore */ NODE_ENTRY)) as NodeEntry;
  } catch (error) {
    try {
      return (await import(/* @vite-ignore */ NODE_SOURCE)) as NodeEntry;
    } catch {
      throw error;
    }
  }
}

/**
 * Turns `checkpoint.dir` / `resume` (a directory or a store) into a {@link CheckpointStore}. A
 * directory means `fileCheckpointStore(dir)` from `@gen/train/node`, loaded on demand, so the
 * main entry stays browser-safe; in a browser pass a store instead.
 */
export async function resolveStore(
  fn: string,
  arg: string,
  value: string | CheckpointStore,
): Promise<CheckpointStore> {
  if (typeof value !== 'string') {
    assertStore(fn, arg, value);
    return value;
  }
  if (value.length === 0) throw invalidArgument(fn, arg, value, 'must be a non-empty directory');
  if (!isNode()) {
    throw new NotImplementedError(
      `${fn}: argument '${arg}' is a directory, which needs Node; in a browser pass a CheckpointStore (e.g. memoryCheckpointStore())`,
    );
  }
  return (await importNodeEntry()).fileCheckpointStore(value);
}
