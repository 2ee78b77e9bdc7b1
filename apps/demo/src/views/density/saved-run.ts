/**
 * The density playground's memory across page loads: each run checkpoints into IndexedDB under
 * a name made of its settings (@gen/train's `indexedDbCheckpointStore`), and localStorage
 * remembers the settings of the latest run, so a reload (or a backend switch, which remounts
 * the view) can offer to resume it.
 */
import { type IndexedDbCheckpointStore, indexedDbCheckpointStore } from '@gen/train';
import type { RunSettings } from './session.js';

const LAST_RUN = 'gen-demo/density/last-run';

/** A run that can be resumed: its settings and the step of its latest checkpoint. */
export interface SavedRun {
  settings: RunSettings;
  step: number;
}

/**
 * The store of the run with `settings`; undefined where the browser offers no IndexedDB, and for
 * drawn (custom) data.
 */
export function runStore(settings: RunSettings): IndexedDbCheckpointStore | undefined {
  // Drawn data are not part of the settings: such a run cannot be rebuilt, so it is not saved.
  if (typeof indexedDB === 'undefined' || settings.dataset === 'custom') return undefined;
  const keys = Object.keys(settings).sort() as (keyof RunSettings)[];
  const name = keys.map((key) => `${key}=${settings[key]}`).join('&');
  return indexedDbCheckpointStore(`density?${name}`, { keep: 2 });
}

function lastSettings(): RunSettings | undefined {
  try {
    const text = localStorage.getItem(LAST_RUN);
    return text === null ? undefined : (JSON.parse(text) as RunSettings);
  } catch {
    // Storage disabled, or a value another version of the demo wrote.
    return undefined;
  }
}

/** The latest run, when it left a checkpoint behind. */
export async function findSavedRun(): Promise<SavedRun | undefined> {
  const settings = lastSettings();
  const store = settings === undefined ? undefined : runStore(settings);
  const step = await store?.latest();
  return settings === undefined || step === undefined ? undefined : { settings, step };
}

/**
 * The store for a new run with `settings`: the checkpoints of the previous latest run and any
 * left under these settings are deleted (one saved run at a time), and these settings become
 * the latest run's.
 */
export async function freshRunStore(
  settings: RunSettings,
): Promise<IndexedDbCheckpointStore | undefined> {
  const previous = lastSettings();
  if (previous !== undefined) await runStore(previous)?.clear();
  const store = runStore(settings);
  await store?.clear();
  try {
    localStorage.setItem(LAST_RUN, JSON.stringify(settings));
  } catch {
    return undefined;
  }
  return store;
}
