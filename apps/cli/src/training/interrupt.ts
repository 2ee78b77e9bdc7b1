import { signalExit } from '../errors.js';

/** The signal handlers of a training command; see {@link abortOnSignals}. */
export interface SignalGuard {
  /** Training is over: from now on a signal exits at once (the checkpoint is already saved). */
  trainingDone(): void;
  /** Removes the handlers. */
  release(): void;
}

/**
 * Turns the first SIGINT or SIGTERM into an abort of `controller` whose reason is the signal's
 * name (training stops at the next step boundary and saves a checkpoint); a second signal, or a
 * signal once training is over, exits at once with 130 (SIGINT) or 143 (SIGTERM).
 */
export function abortOnSignals(controller: AbortController): SignalGuard {
  let done = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (done || controller.signal.aborted) process.exit(signalExit(signal));
    process.stderr.write(`\ngen: ${signal} received, saving a checkpoint...\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    trainingDone: () => {
      done = true;
    },
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
