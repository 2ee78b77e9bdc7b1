import { divergenceNames } from '@gen/divergences';
import { UsageError } from '../errors.js';
import type { Spec } from './spec.js';

/** Sample-based distances between two CSV sample files. */
export const SAMPLE_NAMES = [
  'wasserstein-1',
  'sliced-wasserstein',
  'sinkhorn',
  'mmd',
  'energy',
] as const;

/** The names `--name` accepts for this kind of P and Q. */
export function validNames(p: Spec): string[] {
  if (p.kind === 'vector') return [...divergenceNames, 'wasserstein-1'];
  if (p.kind === 'distribution') return [...divergenceNames];
  return [...SAMPLE_NAMES];
}

/**
 * Resolves `--name` (a name or `all`) into the rows to compute. `all` leaves out `alpha` unless
 * `--alpha` is given, and `wasserstein-1` for samples of more than one column.
 */
export function resolveNames(name: string, p: Spec, alpha: number | undefined): string[] {
  const valid = validNames(p);
  const oneDimensional = p.kind !== 'samples' || p.columns === 1;
  if (name === 'all') {
    return valid.filter(
      (n) => (n !== 'alpha' || alpha !== undefined) && (n !== 'wasserstein-1' || oneDimensional),
    );
  }
  if (!valid.includes(name)) {
    throw new UsageError(
      `--name: unknown name "${name}" for a ${p.kind} P and Q; valid: all, ${valid.join(', ')}`,
    );
  }
  if (name === 'alpha' && alpha === undefined) {
    throw new UsageError('--alpha: required with --name alpha (e.g. --alpha 0.5)');
  }
  if (name === 'wasserstein-1' && !oneDimensional) {
    throw new UsageError(
      `--name: wasserstein-1 needs 1-column samples, got ${p.kind === 'samples' ? p.columns : 0} columns; use sliced-wasserstein`,
    );
  }
  return [name];
}
