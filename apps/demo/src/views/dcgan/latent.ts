/**
 * Latent paths for the interpolation row. z ∼ N(0, I₆₄) lies near the sphere of radius √64 = 8,
 * and the straight line between two draws cuts inside it (its midpoint has norm ≈ 8/√2 for
 * near-orthogonal draws), where the generator saw few latents. The view therefore walks the
 * great circle: the direction by spherical interpolation (Shoemake 1985; White 2016, "Sampling
 * generative networks") and the norm linearly between the endpoints' norms.
 */
import { InvalidArgumentError, Rng } from '@gen/core';

/** Below this sin θ the directions are (anti)parallel and the great circle is not defined. */
const PARALLEL = 1e-6;

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function check(fn: string, a: ArrayLike<number>, b: ArrayLike<number>, steps: number): void {
  if (a.length === 0 || a.length !== b.length) {
    throw new InvalidArgumentError(
      `${fn}: 'a' and 'b' must be non-empty and of one length, got ${a.length} and ${b.length}`,
    );
  }
  if (!Number.isInteger(steps) || steps < 2) {
    throw new InvalidArgumentError(`${fn}: 'steps' must be an integer >= 2, got ${steps}`);
  }
  for (const v of [a, b]) {
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        throw new InvalidArgumentError(`${fn}: the endpoints must be finite, got ${v[i]}`);
      }
    }
  }
}

/** `steps` points (1 − t)·a + t·b at t = 0, 1/(steps−1), …, 1, row-major [steps, dim]. */
export function lerpPath(a: ArrayLike<number>, b: ArrayLike<number>, steps: number): Float32Array {
  check('lerpPath', a, b, steps);
  const d = a.length;
  const out = new Float32Array(steps * d);
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    for (let i = 0; i < d; i++) out[s * d + i] = (1 - t) * a[i]! + t * b[i]!;
  }
  return out;
}

/**
 * `steps` points from `a` to `b` (t = 0, 1/(steps−1), …, 1; row-major [steps, dim]) along the
 * great circle: direction slerp(â, b̂; t) = [sin((1−t)θ)·â + sin(tθ)·b̂] / sin θ with
 * cos θ = â·b̂, norm (1 − t)‖a‖ + t‖b‖. The endpoints are `a` and `b`; between equal-norm
 * endpoints every point has that norm and the angle to `a` grows as t·θ. (Anti)parallel
 * directions (no unique great circle) or a zero endpoint fall back to {@link lerpPath}.
 */
export function slerpPath(a: ArrayLike<number>, b: ArrayLike<number>, steps: number): Float32Array {
  check('slerpPath', a, b, steps);
  const d = a.length;
  const [na, nb] = [norm(a), norm(b)];
  if (na === 0 || nb === 0) return lerpPath(a, b, steps);
  let dot = 0;
  for (let i = 0; i < d; i++) dot += (a[i]! / na) * (b[i]! / nb);
  const theta = Math.acos(Math.min(1, Math.max(-1, dot)));
  const sin = Math.sin(theta);
  if (sin < PARALLEL) return lerpPath(a, b, steps);
  const out = new Float32Array(steps * d);
  for (let s = 0; s < steps; s++) {
    if (s === 0 || s === steps - 1) {
      // The endpoints themselves, not their rounded reconstructions.
      out.set(Array.from(s === 0 ? a : b), s * d);
      continue;
    }
    const t = s / (steps - 1);
    const wa = Math.sin((1 - t) * theta) / sin;
    const wb = Math.sin(t * theta) / sin;
    const r = (1 - t) * na + t * nb;
    for (let i = 0; i < d; i++) out[s * d + i] = r * (wa * (a[i]! / na) + wb * (b[i]! / nb));
  }
  return out;
}

/**
 * `n` latent rows z ∼ N(0, I_d) drawn by `Rng.fromSeed(seed)` (the draw `Gan.sample(n, rng)`
 * makes from the same Rng), row-major [n·d].
 */
export async function normalLatents(n: number, d: number, seed: number): Promise<Float32Array> {
  const z = Rng.fromSeed(seed).normal([n, d]);
  const values = (await z.data()) as Float32Array;
  z.dispose();
  return values;
}
