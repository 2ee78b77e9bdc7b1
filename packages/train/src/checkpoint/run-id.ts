import { decodeCheckpointHeader } from './format.js';

/**
 * A fresh run id: 16 random bytes as hex. It only tells runs apart (checkpoint ownership), so
 * it comes from the platform's `crypto`, not from the run's seeded `Rng`: two runs with the same
 * seed are still two runs.
 */
export function newRunId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The run id in a checkpoint's header; undefined for a checkpoint written before run ids
 * existed, and for bytes that are not a readable checkpoint.
 */
export function runIdOf(bytes: Uint8Array): string | undefined {
  try {
    const header = decodeCheckpointHeader(bytes) as { runId?: unknown } | null;
    return typeof header?.runId === 'string' ? header.runId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The steps to delete so that, among the checkpoints of `runId` (`runOf` reads a step's run
 * id), only the `keep` most recent remain. Checkpoints of other runs are never selected.
 */
export async function stepsToPrune(
  steps: readonly number[],
  keep: number,
  runId: string | undefined,
  runOf: (step: number) => Promise<string | undefined>,
): Promise<number[]> {
  const candidates = steps.slice(0, -keep);
  if (candidates.length === 0) return [];
  const own: number[] = [];
  for (const step of steps) if ((await runOf(step)) === runId) own.push(step);
  return own.slice(0, -keep);
}
