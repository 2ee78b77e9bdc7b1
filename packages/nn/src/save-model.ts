import { basename, dirname } from 'node:path';
import { invalidArgument } from '@gen/core';
import { removeStaleTemporaries, writeFileAtomic } from '@gen/core/node';
import { modelToSafetensorsAs, type SavableModel } from './model-to-safetensors.js';
import type { SafetensorsMetadata } from './safetensors.js';

/**
 * Writes `model` to `path` as a safetensors file (`modelToSafetensors`: weights, `gen.config`,
 * `gen.state`, your own string `metadata`), atomically: readers see the old file or the new one,
 * never a mix, and temporary files an earlier save of this path left behind (a kill mid-write)
 * are removed. `loadModel(path)` rebuilds the model; Python reads it with `safetensors`.
 *
 * ```ts
 * import { loadModel } from '@gen/nn';
 * import { saveModel } from '@gen/nn/node';
 * await saveModel(vae, 'vae.safetensors');
 * const again = await loadModel('vae.safetensors');
 * ```
 */
export async function saveModel(
  model: SavableModel,
  path: string,
  metadata?: SafetensorsMetadata,
): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw invalidArgument('saveModel', 'path', path, 'must be a non-empty string');
  }
  const bytes = modelToSafetensorsAs('saveModel', model, metadata);
  await removeStaleTemporaries(dirname(path), basename(path));
  await writeFileAtomic(path, bytes);
}
