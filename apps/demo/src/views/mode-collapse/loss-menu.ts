/**
 * The GAN loss menu of the demo's `<select>`s: every name that @gen/gan's `parseGanLoss`
 * accepts (`GAN_LOSS_NAMES`, built-ins first, then `fgan:<divergence>`), as `[value, label]`.
 */
import { GAN_LOSS_NAMES } from '@gen/gan';

const FGAN = 'fgan:';

export const LOSS_MENU: readonly (readonly [string, string])[] = GAN_LOSS_NAMES.map((name) => [
  name,
  name.startsWith(FGAN) ? `f-GAN (${name.slice(FGAN.length)})` : name,
]);
