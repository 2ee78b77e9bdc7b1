/** The targets (bench, not tests): ratio of @gen wasm to the named baseline. */
export const TRAINING = { max: 2.0, against: 'torch1', text: '≤ 2.0× torch 1-thread' };
export const MMD = { max: 1.5, against: 'torch1', text: '≤ 1.5× torch 1-thread' };
export const SINKHORN = { max: 1.0, against: 'reference', text: '≤ 1.0× POT' };
export const NONE_TORCH = { against: 'torch1', text: '—' };
export const NONE_REFERENCE = { against: 'reference', text: '—' };

/** Plans in steps: warm-up, steps per timed loop, interleaved rounds, profiled steps. */
export function plan(warmup, iterations, rounds, profileCalls = 2) {
  return { warmup, iterations, rounds, profileCalls };
}
