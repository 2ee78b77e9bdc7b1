import { invalidArgument } from '@gen/core';
import { type FDivergenceName, fDivergenceNames } from '@gen/divergences';
import { assertGanLoss, GAN_LOSSES, type GanLoss } from './losses.js';

/**
 * Every {@link GanLoss} as one string, for a command-line flag or a `<select>`: the named losses
 * (`'minimax'`, `'non-saturating'`, …) in the order of `GAN_LOSSES`, then `'fgan:<name>'` for
 * each f-divergence of @gen/divergences (`'fgan:js'` is `{ fgan: 'js' }`).
 */
export const GAN_LOSS_NAMES: readonly string[] = [
  ...GAN_LOSSES,
  ...fDivergenceNames.map((name) => `fgan:${name}`),
];

/**
 * The {@link GanLoss} a string of {@link GAN_LOSS_NAMES} stands for, e.g.
 * `parseGanLoss('fgan:kl')` → `{ fgan: 'kl' }`; any other string is a typed error.
 */
export function parseGanLoss(name: string): GanLoss {
  if (typeof name !== 'string' || !GAN_LOSS_NAMES.includes(name)) {
    throw invalidArgument(
      'parseGanLoss',
      'name',
      name,
      `must be one of ${GAN_LOSS_NAMES.map((n) => `'${n}'`).join(', ')}`,
    );
  }
  return name.startsWith('fgan:')
    ? { fgan: name.slice('fgan:'.length) as FDivergenceName }
    : (name as GanLoss);
}

/** The string {@link parseGanLoss} maps back to `loss`: `{ fgan: 'js' }` → `'fgan:js'`. */
export function ganLossName(loss: GanLoss): string {
  assertGanLoss('ganLossName', loss);
  return typeof loss === 'string' ? loss : `fgan:${loss.fgan}`;
}
