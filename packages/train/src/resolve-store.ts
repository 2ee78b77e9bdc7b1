import { invalidArgument, isNode, NotImplementedError } from '@gen/core';
import { assertStore, type CheckpointStore } from './checkpoint/store.js';

// This file sits at the top of src/ so that './node.js' names the Node entry both here and in
// dist/, where every chunk lies flat. The specifier is a variable so that browser bundlers do not
// pull node:fs into the main entry.
const NODE_ENTRY = './node.js';

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
  const node = (await import(/* @vite-ignore */ NODE_ENTRY)) as typeof import('./node.js');
  return node.fileCheckpointStore(value);
}
