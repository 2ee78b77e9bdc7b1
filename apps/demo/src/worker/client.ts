/**
 * The page side of the demo's training workers: wraps a module Worker with Comlink, starts the
 * page's active backend in it, and terminates it when the view's signal aborts (or on
 * `terminate()`). Errors thrown in the worker (e.g. @gen/train's `NumericalError`) reject the
 * page's call with their message and name.
 */
import * as Comlink from 'comlink';
import type { WorkerApi, WorkerBackend } from './host.js';

/** A started worker: its API, the backend it trains on and a way to stop it. */
export interface TrainingWorker<T> {
  api: Comlink.Remote<T & WorkerApi>;
  backend: WorkerBackend;
  /** Stops the worker at once (its tensors go with it); later calls reject. */
  terminate(): void;
  readonly terminated: boolean;
}

/**
 * Starts `worker` on `backend` (the page's active backend); `signal` aborting terminates it.
 * Made with `new Worker(new URL('./x.worker.ts', import.meta.url), { type: 'module' })` by the
 * caller, so Vite bundles the worker.
 */
export async function startTrainingWorker<T>(
  worker: Worker,
  backend: string,
  signal: AbortSignal,
): Promise<TrainingWorker<T>> {
  const api = Comlink.wrap<T & WorkerApi>(worker);
  let terminated = false;
  let failed: ((error: Error) => void) | undefined;
  const crashed = new Promise<never>((_, reject) => {
    failed = reject;
  });
  // Only the start races the crash; later errors reach the page through Comlink's calls.
  crashed.catch(() => undefined);
  // A worker that fails to load (a bundling error, an exception at its top level) never answers.
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    failed?.(new Error(`the training worker failed to start: ${event.message || 'load error'}`));
  });
  const terminate = () => {
    if (terminated) return;
    terminated = true;
    worker.terminate();
    failed?.(new Error('the training worker was stopped'));
  };
  signal.addEventListener('abort', terminate, { once: true });
  if (signal.aborted) terminate();
  try {
    const started = await Promise.race([api.start(backend), crashed]);
    return {
      api,
      backend: started,
      terminate,
      get terminated() {
        return terminated;
      },
    };
  } catch (error) {
    terminate();
    throw error;
  }
}
