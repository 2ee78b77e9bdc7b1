import { assertInteger, type Distribution } from '@gen/core';
import { Independent, Normal } from '@gen/distributions';
import { recordPart } from './transform-configs.js';

/**
 * N(0, I_dim) as one event of shape [dim] — the usual base of a flow. Built with
 * `validateArgs: false`, so evaluating it never reads values back to check them (the Flow
 * checks its own input once at `logProb`).
 *
 * ```ts
 * const flow = new Flow({ base: standardNormal(2), transforms: [...] });
 * ```
 */
export function standardNormal(dim: number): Distribution & { dispose(): void } {
  assertInteger('standardNormal', 'dim', dim, 1);
  const normal = new Normal({
    loc: new Array<number>(dim).fill(0),
    scale: new Array<number>(dim).fill(1),
    validateArgs: false,
  });
  const base = new Independent(normal, 1, { validateArgs: false });
  recordPart(base, 'standardNormal', { dim });
  return base;
}
