import { assertFiniteTensor, assertKnownOptions, assertTensor, invalidArgument } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { alphaDivergence } from './alpha-divergence.js';
import type { FDivergence, FDivergenceName } from './f-divergence.js';
import { fDivergenceNames, fDivergences } from './table.js';

export interface VariationalBoundOptions {
  /** α, with name 'alpha'. */
  alpha?: number;
}

function resolve(
  name: FDivergenceName | 'alpha' | FDivergence,
  options: VariationalBoundOptions,
): FDivergence {
  if (typeof name === 'object' && name !== null && typeof name.conjugateActivation === 'function') {
    return name;
  }
  if (name === 'alpha') return alphaDivergence(options.alpha as number);
  if (typeof name === 'string' && (fDivergenceNames as string[]).includes(name)) {
    if (options.alpha !== undefined) {
      throw invalidArgument(
        'variationalBound',
        'alpha',
        options.alpha,
        "is only used with 'alpha'",
      );
    }
    return fDivergences[name as FDivergenceName];
  }
  throw invalidArgument(
    'variationalBound',
    'name',
    name,
    `must be one of ${[...fDivergenceNames, 'alpha'].map((n) => `'${n}'`).join(', ')} or an FDivergence`,
  );
}

/**
 * The f-GAN variational lower bound (Nowozin et al. 2016, Eq. 4 with T = g_f(V)):
 * F = E_P[g_f(V)] − E_Q[f*(g_f(V))] ≤ D_f(P‖Q), estimated by the means over `vReal`
 * (critic outputs V on draws from P, any shape) and `vFake` (on draws from Q). Tight at
 * g_f(V) = f′(p/q). The critic maximises F; a generator Q_θ minimises it. Returns a
 * differentiable scalar the caller owns.
 *
 * ```ts
 * const bound = variationalBound('js', critic.apply(real), critic.apply(fake)); // ≤ JS ≤ log 2
 * ```
 */
export function variationalBound(
  name: FDivergenceName | 'alpha' | FDivergence,
  vReal: tf.Tensor,
  vFake: tf.Tensor,
  options: VariationalBoundOptions = {},
): tf.Scalar {
  assertKnownOptions('variationalBound', options, ['alpha']);
  const row = resolve(name, options);
  assertTensor('variationalBound', 'vReal', vReal);
  assertTensor('variationalBound', 'vFake', vFake);
  assertFiniteTensor('variationalBound', 'vReal', vReal);
  assertFiniteTensor('variationalBound', 'vFake', vFake);
  return tf.tidy(() =>
    tf.sub(tf.mean(row.activation(vReal)), tf.mean(row.conjugateActivation(vFake))),
  ) as tf.Scalar;
}
