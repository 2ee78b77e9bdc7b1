import { Rng } from '../rng.js';

/**
 * An Rng as a second installed copy of @gen/core would make it: the same members and the same
 * `Symbol.for` brand, but not an instance of this copy's `Rng` class (its methods delegate to
 * `Rng.fromSeed(seed)`).
 */
export function foreignRng(seed: number): Rng {
  const inner = Rng.fromSeed(seed);
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Object.getOwnPropertyNames(Rng.prototype)) {
    const member = (inner as unknown as Record<string, unknown>)[key];
    if (key !== 'constructor' && typeof member === 'function') copy[key] = member.bind(inner);
  }
  // Spelled out rather than imported: the other copy shares only the registry key.
  Object.defineProperty(copy, Symbol.for('@gen/core/Rng'), { value: true });
  return copy as unknown as Rng;
}
