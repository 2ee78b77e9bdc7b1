import {
  assertInteger,
  assertKnownOptions,
  assertNonNegative,
  assertPositive,
  invalidArgument,
} from '@gen/core';
import type { LearningRateSchedule } from './types.js';

// Every schedule is a pure function of the step index, so a resumed run recomputes the same
// learning rates without saving any schedule state.

function assertObject(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, known);
}

/**
 * The same learning rate at every step.
 *
 * ```ts
 * constantSchedule(1e-3)(500); // 0.001
 * ```
 */
export function constantSchedule(learningRate: number): LearningRateSchedule {
  assertPositive('constantSchedule', 'learningRate', learningRate);
  return () => learningRate;
}

export interface StepDecayOptions {
  initial: number;
  /** Multiplier applied every `every` steps, in (0, 1]. */
  factor: number;
  every: number;
}

/**
 * Piecewise constant decay: lr(t) = initial · factor^⌊t / every⌋.
 *
 * ```ts
 * const lr = stepDecay({ initial: 0.1, factor: 0.5, every: 100 }); // 0.1, then 0.05 from step 100
 * ```
 */
export function stepDecay(options: StepDecayOptions): LearningRateSchedule {
  const fn = 'stepDecay';
  assertObject(fn, options, ['initial', 'factor', 'every']);
  const { initial, factor, every } = options;
  assertPositive(fn, 'initial', initial);
  assertPositive(fn, 'factor', factor);
  if (factor > 1) throw invalidArgument(fn, 'factor', factor, 'must be in (0, 1]');
  assertInteger(fn, 'every', every, 1);
  return (step) => initial * factor ** Math.floor(step / every);
}

export interface ExponentialDecayOptions {
  initial: number;
  /** Decay per `every` steps, in (0, 1]. */
  rate: number;
  /** Steps over which the rate applies once (default 1). */
  every?: number;
}

/**
 * Smooth exponential decay: lr(t) = initial · rate^(t / every) (TensorFlow's ExponentialDecay
 * without staircase).
 *
 * ```ts
 * const lr = exponentialDecay({ initial: 1e-2, rate: 0.1, every: 1000 }); // 1e-3 at step 1000
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): LearningRateSchedule {
  const fn = 'exponentialDecay';
  assertObject(fn, options, ['initial', 'rate', 'every']);
  const { initial, rate, every = 1 } = options;
  assertPositive(fn, 'initial', initial);
  assertPositive(fn, 'rate', rate);
  if (rate > 1) throw invalidArgument(fn, 'rate', rate, 'must be in (0, 1]');
  assertPositive(fn, 'every', every);
  return (step) => initial * rate ** (step / every);
}

export interface CosineDecayOptions {
  initial: number;
  /** Steps over which the rate falls from `initial` to `final`; it stays at `final` after. */
  steps: number;
  /** Final learning rate (default 0). */
  final?: number;
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017, one cycle):
 * lr(t) = final + ½(initial − final)(1 + cos(π · min(t, steps) / steps)).
 *
 * ```ts
 * const lr = cosineDecay({ initial: 1e-2, steps: 1000 }); // 1e-2 → 0 over 1000 steps
 * ```
 */
export function cosineDecay(options: CosineDecayOptions): LearningRateSchedule {
  const fn = 'cosineDecay';
  assertObject(fn, options, ['initial', 'steps', 'final']);
  const { initial, steps, final = 0 } = options;
  assertPositive(fn, 'initial', initial);
  assertInteger(fn, 'steps', steps, 1);
  assertNonNegative(fn, 'final', final);
  if (final > initial) throw invalidArgument(fn, 'final', final, `must be <= initial (${initial})`);
  return (step) => {
    const progress = Math.min(step, steps) / steps;
    return final + 0.5 * (initial - final) * (1 + Math.cos(Math.PI * progress));
  };
}

export interface LinearWarmupOptions {
  /** Warm-up length in steps. */
  steps: number;
}

/**
 * Linear warm-up in front of another schedule (or a constant): for t < steps,
 * lr(t) = after(0) · (t + 1) / steps; from then on lr(t) = after(t − steps), so the wrapped
 * schedule starts its own clock when the warm-up ends.
 *
 * ```ts
 * const lr = linearWarmup(cosineDecay({ initial: 1e-3, steps: 900 }), { steps: 100 });
 * ```
 */
export function linearWarmup(
  after: LearningRateSchedule | number,
  options: LinearWarmupOptions,
): LearningRateSchedule {
  const fn = 'linearWarmup';
  const schedule = typeof after === 'number' ? constantSchedule(after) : after;
  if (typeof schedule !== 'function') {
    throw invalidArgument(fn, 'after', after, 'must be a schedule function or a number');
  }
  assertObject(fn, options, ['steps']);
  assertInteger(fn, 'steps', options.steps, 1);
  const { steps } = options;
  return (step) => (step < steps ? (schedule(0) * (step + 1)) / steps : schedule(step - steps));
}
