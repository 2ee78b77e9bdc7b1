import { invalidArgument } from '@gen/core';

/**
 * KL annealing (a linear warm-up of β, Bowman et al. 2016): β grows from `from` to `to` over the
 * first `steps` training steps, then stays at `to`; at training step t (0-based),
 * β_t = from + (to − from) · min(t, steps) / steps.
 */
export interface BetaSchedule {
  from: number;
  to: number;
  steps: number;
}

/** Validates `beta` (a number ≥ 0 or a {@link BetaSchedule}) under `fn`; returns a copy. */
export function parseBeta(fn: string, beta: unknown): number | BetaSchedule {
  if (typeof beta === 'number') {
    if (Number.isFinite(beta) && beta >= 0) return beta;
    throw invalidArgument(fn, 'beta', beta, 'must be a finite number >= 0 or { from, to, steps }');
  }
  if (typeof beta !== 'object' || beta === null || Array.isArray(beta)) {
    throw invalidArgument(fn, 'beta', beta, 'must be a finite number >= 0 or { from, to, steps }');
  }
  const extra = Object.keys(beta).filter((k) => !['from', 'to', 'steps'].includes(k));
  if (extra.length > 0) {
    throw invalidArgument(
      fn,
      'beta',
      beta,
      `has unknown keys ${extra.join(', ')}; known: from, to, steps`,
    );
  }
  const { from, to, steps } = beta as Record<string, unknown>;
  for (const [key, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw invalidArgument(fn, `beta.${key}`, v, 'must be a finite number >= 0');
    }
  }
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 1) {
    throw invalidArgument(fn, 'beta.steps', steps, 'must be an integer >= 1');
  }
  return { from: from as number, to: to as number, steps };
}

/** β at training step `step` (0-based) of `beta`. */
export function betaAt(beta: number | BetaSchedule, step: number): number {
  if (typeof beta === 'number') return beta;
  return beta.from + ((beta.to - beta.from) * Math.min(step, beta.steps)) / beta.steps;
}
