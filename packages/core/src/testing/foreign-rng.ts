import { Rng } from '../rng.js';

/**
 * An Rng as a second installed copy of @gen/core would make it: the same members, but not an
 * instance of this copy's `Rng` class (its methods delegate to `Rng.fromSeed(seed)`).
 */
export function foreignRng(seed: number): Rng {
  const inner = Rng.fromSeed(seed);
  const copy: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(Rng.prototype)) {
    const member = (inner as unknown as Record<string, unknown>)[key];
    if (key !== 'constructor' && typeof member === 'function') copy[key] = member.bind(inner);
  }
  return copy as unknown as Rng;
}
