import { InvalidArgumentError } from '@gen/core';
import { decodeCheckpointHeader } from './format.js';
import { runIdOf } from './run-id.js';
import type { CheckpointStore } from './store.js';

/**
 * Refuses to let a run write into a checkpoint store that holds another run's checkpoints, so
 * two runs never mix (pruning one's files, resuming the other's higher step). A fresh run needs
 * an empty store; a resumed run (`runId` from its checkpoint) accepts only its own checkpoints.
 * Unreadable checkpoints are left to the reader that needs them. `target` is the directory or
 * the store the user gave as `checkpoint`.
 */
export async function assertStoreBelongsToRun(
  fn: string,
  target: string | CheckpointStore,
  store: CheckpointStore,
  runId: string | undefined,
  resumed: boolean,
): Promise<void> {
  const steps = await store.list();
  const foreign: number[] = [];
  for (const step of steps) {
    if (!resumed) {
      foreign.push(step);
      continue;
    }
    const bytes = await store.load(step);
    if (bytes !== undefined && readable(bytes) && runIdOf(bytes) !== runId) foreign.push(step);
  }
  if (foreign.length === 0) return;
  const where =
    typeof target === 'string'
      ? `argument 'checkpoint.dir' ('${target}')`
      : "argument 'checkpoint.store'";
  const shown = foreign.length > 5 ? `${foreign.slice(0, 5).join(', ')}, …` : foreign.join(', ');
  const advice = resumed
    ? 'checkpoint the resumed run to its own directory or store'
    : `resume that run (resume: ${typeof target === 'string' ? `'${target}'` : 'the store'}) or use an empty ${typeof target === 'string' ? 'directory' : 'store'}`;
  throw new InvalidArgumentError(
    `${fn}: ${where} already holds checkpoints of another run (steps ${shown}); ${advice}`,
  );
}

function readable(bytes: Uint8Array): boolean {
  try {
    decodeCheckpointHeader(bytes);
    return true;
  } catch {
    return false;
  }
}
