import { type Distribution, NotImplementedError } from '@gen/core';
import { hasKl, kl } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { className } from './class-name.js';
import type { DivergenceName } from './names.js';
import { gaussianLogAffinity, gaussianPair } from './renyi/gaussian-affinity.js';

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

/** Whether two Normals have equal scales everywhere on their broadcast batch (read on the host). */
function equalScales(p: Distribution, q: Distribution): boolean {
  const [sp, sq] = [p, q].map((d) => (d as unknown as { scale: tf.Tensor }).scale) as [
    tf.Tensor,
    tf.Tensor,
  ];
  return tf.tidy(() => tf.all(tf.equal(sp, sq)).dataSync()[0] === 1);
}

/** How `divergence(name, p, q)` has a closed form, if it has one. */
function closedFormKind(
  name: DivergenceName,
  alpha: number | undefined,
  p: Distribution,
  q: Distribution,
): 'kl' | 'gaussian' | 'tv-normal' | undefined {
  const calls = KL_CALLS[klName(name, alpha)];
  if (calls !== undefined) {
    return calls.every((c) => (c === 'pq' ? hasKl(p, q) : hasKl(q, p))) ? 'kl' : undefined;
  }
  const pair = gaussianPair(p, q);
  if (pair === undefined) return undefined;
  if (name === 'squared-hellinger' || name === 'alpha') return 'gaussian';
  if (name === 'total-variation' && pair === 'normal' && equalScales(p, q)) return 'tv-normal';
  return undefined;
}

/** Whether `divergence(name, p, q)` has a closed form. */
export function hasClosedForm(
  name: DivergenceName,
  alpha: number | undefined,
  p: Distribution,
  q: Distribution,
): boolean {
  return closedFormKind(name, alpha, p, q) !== undefined;
}

/**
 * kl, reverse-kl and jeffreys from the registered closed forms `kl(p, q)`; squared-hellinger
 * (2 − 2·BC) and alpha (expm1(log ∫p^α q^{1−α})/(α(α−1))) between two Normals or two
 * MultivariateNormals; total-variation erf(|Δμ|/(2√2σ)) between Normals of equal scale.
 */
export function closedFormDivergence(
  fn: string,
  name: DivergenceName,
  alpha: number | undefined,
  p: Distribution,
  q: Distribution,
): tf.Tensor {
  const kind = closedFormKind(name, alpha, p, q);
  if (kind === undefined) {
    throw new NotImplementedError(
      `${fn}: no closed form for '${name}' between ${className(p)} and ${className(q)} (closed forms: kl, reverse-kl and jeffreys where the KL registry has the pair; squared-hellinger and alpha between two Normals or two MultivariateNormals; total-variation between Normals of equal scale); use method 'monte-carlo' (with options.rng) or 'quadrature'`,
    );
  }
  return tf.tidy(() => {
    if (kind === 'kl') {
      const calls = KL_CALLS[klName(name, alpha)]!;
      return calls.map((c) => (c === 'pq' ? kl(p, q) : kl(q, p))).reduce((a, b) => tf.add(a, b));
    }
    if (kind === 'tv-normal') {
      const loc = (d: Distribution) => (d as unknown as { loc: tf.Tensor }).loc;
      const scale = (p as unknown as { scale: tf.Tensor }).scale;
      const gap = tf.abs(tf.sub(loc(p), loc(q)));
      return tf.erf(tf.div(gap, tf.mul(2 * Math.SQRT2, scale)));
    }
    if (name === 'squared-hellinger') {
      return tf.relu(tf.mul(-2, tf.expm1(gaussianLogAffinity(fn, p, q, 0.5))));
    }
    const a = alpha!;
    return tf.relu(tf.div(tf.expm1(gaussianLogAffinity(fn, p, q, a)), a * (a - 1)));
  });
}
