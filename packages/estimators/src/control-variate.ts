import type { Distribution } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * A control variate h with a known expectation, for {@link scoreFunction}.
 * - `value`: h(x) at the draws x, shape `[samples, ...batch]`; it enters the weight
 *   (f(x) − h(x) − β) and is treated as a constant (its gradient is stopped).
 * - `expectation`: E_{x∼dist}[h(x)], shape `[...batch]` (or broadcastable to it), exact and
 *   differentiable: its gradient is added to the estimate as ∇θ E[h]. It must depend on upstream
 *   variables only through the distribution's parameters; for a baseline b that does not depend
 *   on x, return `{ value: b, expectation: stopGradient(b) }`.
 */
export interface ControlVariate {
  value: tf.Tensor;
  expectation: tf.Tensor;
}

/** Computes a {@link ControlVariate} from the draws `x` (`[samples, ...batch, ...event]`). */
export type ControlVariateFunction = (x: tf.Tensor, dist: Distribution) => ControlVariate;
