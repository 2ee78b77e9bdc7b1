type Scheduler = { yield?: () => Promise<void> };

/**
 * Resolves on a later turn of the event loop (a macrotask, not a microtask), so timers, signal
 * handlers, `AbortSignal`s and, in a browser, input and rendering run before the next step.
 * Node and Deno: `setImmediate`; browsers: `scheduler.yield()` where it exists, else a
 * `MessageChannel` message (not `setTimeout(0)`, which browsers clamp to 4 ms).
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown; scheduler?: Scheduler };
  if (typeof g.setImmediate === 'function') {
    const immediate = g.setImmediate;
    return new Promise((resolve) => {
      immediate(resolve);
    });
  }
  if (typeof g.scheduler?.yield === 'function') return g.scheduler.yield();
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
