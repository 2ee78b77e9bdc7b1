import type { Rng } from '@gen/core';

// Internal samplers for the toy generators. They draw JS numbers from the Rng (Threefry), so a
// data set depends on the seed alone, never on the tfjs backend.

/** `count` uniforms on [0, 1). */
export function uniforms(rng: Rng, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.float();
  return out;
}

/** `count` standard normals (Box–Muller, exact). */
export function normals(rng: Rng, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - rng.float()));
    const angle = 2 * Math.PI * rng.float();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** `count` integers drawn uniformly from [0, k). */
export function uniformLabels(rng: Rng, count: number, k: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.int(k);
  return out;
}

/** `count` integers drawn from [0, weights.length) with the given probabilities. */
export function weightedLabels(rng: Rng, count: number, weights: readonly number[]): Int32Array {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) {
    total += w;
    cumulative.push(total);
  }
  const last = weights.length - 1;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const u = rng.float() * total;
    let k = 0;
    while (k < last && u >= cumulative[k]!) k++;
    out[i] = k;
  }
  return out;
}
