import { type Distribution, NotImplementedError } from '@gen/core';
import { hasKl, kl } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { className } from './class-name.js';
import type { DivergenceName } from './names.js';

/** The names with a closed form through the KL registry, and the KL calls each needs. */
const KL_CALLS: Partial<Record<DivergenceName, readonly ('pq' | 'qp')[]>> = {
  kl: ['pq'],
  'reverse-kl': ['qp'],
  jeffreys: ['pq', 'qp'],
};

/** The registry-based divergence `name` resolves to ('alpha' with α = 1 or 0 is KL). */
function klName(name: DivergenceName, alpha: number | undefined): DivergenceName {
  if (name === 'alpha' && alpha === 1) return 'kl';
  if (name === 'alpha' && alpha === 0) return 'reverse-kl';
  return name;
}

/** Whether `divergence(name, p, q)` has a closed form through the KL registry. */
export function hasClosedForm(
  name: DivergenceName,
  alpha: number | undefined,
  p: Distribution,
  q: Distribution,
): boolean {
  const calls = KL_CALLS[klName(name, alpha)];
  if (calls === undefined) return false;
  return calls.every((c) => (c === 'pq' ? hasKl(p, q) : hasKl(q, p)));
}

/** kl, reverse-kl and jeffreys from the registered closed forms `kl(p, q)`. */
export function closedFormDivergence(
  fn: string,
  name: DivergenceName,
  alpha: number | undefined,
  p: Distribution,
  q: Distribution,
): tf.Tensor {
  const calls = KL_CALLS[klName(name, alpha)];
  if (calls === undefined || !hasClosedForm(name, alpha, p, q)) {
    throw new NotImplementedError(
      `${fn}: no closed form for '${name}' between ${className(p)} and ${className(q)} (closed forms exist for kl, reverse-kl and jeffreys where the KL registry has the pair); use method 'monte-carlo' (with options.rng) or 'quadrature'`,
    );
  }
  return tf.tidy(() =>
    calls.map((c) => (c === 'pq' ? kl(p, q) : kl(q, p))).reduce((a, b) => tf.add(a, b)),
  );
}
