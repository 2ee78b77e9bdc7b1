import {
  type Distribution,
  InvalidArgumentError,
  invalidArgument,
  isDistribution,
} from '@gen/core';
import type { ProbabilityVector } from './probability-vector.js';

/**
 * Whether `p` and `q` are Distributions (true) or probability vectors (false), for `fn`'s
 * dispatch: a mixed pair is refused, and probability vectors take only the `'auto'` and
 * `'exact'` methods.
 */
export function isDistributionPair(
  fn: string,
  p: ProbabilityVector | Distribution,
  q: ProbabilityVector | Distribution,
  method: string,
): boolean {
  const pIsDistribution = isDistribution(p);
  if (pIsDistribution !== isDistribution(q)) {
    throw new InvalidArgumentError(
      `${fn}: 'p' and 'q' must both be probability vectors or both be Distributions`,
    );
  }
  if (!pIsDistribution && method !== 'auto' && method !== 'exact') {
    throw invalidArgument(
      fn,
      'method',
      method,
      "must be 'auto' or 'exact' for probability vectors",
    );
  }
  return pIsDistribution;
}
