/**
 * Turns the first SIGINT or SIGTERM into an abort of `controller` (training stops at the next
 * step boundary and saves a checkpoint); a second signal exits at once with code 130. Returns a
 * function that removes the handlers.
 */
export function abortOnSignals(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\ngen: ${signal} received, saving a checkpoint...\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
