/**
 * Redraws at most every `intervalMs`, in an animation frame, however fast new results arrive:
 * the page keeps its frames for the user. `schedule()` asks for a redraw of the latest state
 * (several asks before it runs make one redraw); nothing is drawn after `signal` aborts.
 */
export function throttledDraw(
  draw: () => void,
  intervalMs: number,
  signal: AbortSignal,
): () => void {
  let pending = false;
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    if (pending || signal.aborted) return;
    pending = true;
    const wait = Math.max(0, last + intervalMs - performance.now());
    setTimeout(() => {
      requestAnimationFrame(() => {
        pending = false;
        last = performance.now();
        if (!signal.aborted) draw();
      });
    }, wait);
  };
}
