/**
 * The worker side of the demo's training workers: starts the same tfjs backend as the page (the
 * page passes its active backend's name; `src/backend.ts` registers the backends and bundles the
 * wasm files, so the worker finds them as the page does) and exposes a view's API to the page
 * with Comlink. A backend that cannot start in a worker falls back in the page's order; the note
 * says so.
 */
import * as Comlink from 'comlink';
import { useBackend } from '../backend.js';
import { type BackendRequest, fallbackNote, parseBackendParam } from '../shell/backend-choice.js';

/** What the worker's backend start settled on. */
export interface WorkerBackend {
  /** The backend the worker trains on. */
  active: string;
  /** Empty when it is the page's backend, else a sentence saying which one is used instead. */
  note: string;
}

/** Every worker API has `start`, called once before anything else. */
export interface WorkerApi {
  start(backend: string): Promise<WorkerBackend>;
}

/** Starts `backend` (the page's active one) in this worker, falling back as the page does. */
export async function startWorkerBackend(backend: string): Promise<WorkerBackend> {
  const request: BackendRequest = parseBackendParam(backend);
  const choice = await useBackend(request);
  const note = fallbackNote(choice);
  return {
    active: choice.active,
    note: note === '' ? '' : `In the training worker: ${note}`,
  };
}

/** Exposes `api` (plus `start`) to the page that made this worker. */
export function exposeWorker<T extends object>(api: T): void {
  const exposed: T & WorkerApi = Object.assign(api, { start: startWorkerBackend });
  Comlink.expose(exposed);
}

/** Marks typed arrays (or any transferable) to be moved, not copied, to the page. */
export function moved<T>(value: T, buffers: readonly ArrayBufferLike[]): T {
  return Comlink.transfer(value, buffers as Transferable[]);
}
