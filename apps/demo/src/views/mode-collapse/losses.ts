/**
 * The GAN loss zoo as the demo's `<select>` offers it: every built-in loss of @gen/gan plus every
 * f-GAN divergence of @gen/divergences, keyed by a plain string (`'fgan:js'` is `{ fgan: 'js' }`).
 */
import { invalidArgument } from '@gen/core';
import { fDivergenceNames } from '@gen/divergences';
import { GAN_LOSSES, type GanLoss } from '@gen/gan';

/** One entry of the loss menu. */
export interface LossChoice {
  /** The `<option>` value. */
  key: string;
  label: string;
  loss: GanLoss;
}

/** Every loss, built-ins first, then `fgan:<name>` for each f-divergence. */
export const LOSS_CHOICES: readonly LossChoice[] = [
  ...GAN_LOSSES.map((name) => ({ key: name, label: name, loss: name as GanLoss })),
  ...fDivergenceNames.map((name) => ({
    key: `fgan:${name}`,
    label: `f-GAN (${name})`,
    loss: { fgan: name } as GanLoss,
  })),
];

/** The loss for a menu key. */
export function lossFromKey(key: string): GanLoss {
  const choice = LOSS_CHOICES.find((c) => c.key === key);
  if (choice === undefined) {
    const keys = LOSS_CHOICES.map((c) => c.key).join(', ');
    throw invalidArgument('lossFromKey', 'key', key, `must be one of ${keys}`);
  }
  return choice.loss;
}

/** Whether one-sided label smoothing applies to `loss` (a real label exists only for these). */
export function supportsLabelSmoothing(loss: GanLoss): boolean {
  return loss === 'minimax' || loss === 'non-saturating' || loss === 'least-squares';
}
