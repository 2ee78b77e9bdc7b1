import { UsageError } from '../errors.js';
import { MODEL_NAMES, type ModelFamily, type ModelName, type OptionFlag } from './family.js';
import { flowFamily } from './flow.js';
import { ganFamily } from './gan.js';
import { madeFamily, pixelCnnFamily } from './made.js';
import { mixtureFamily } from './mixture.js';
import { autoencoderFamily, vaeFamily } from './vae.js';

const FAMILIES: Record<ModelName, ModelFamily> = {
  mixture: mixtureFamily,
  made: madeFamily,
  pixelcnn: pixelCnnFamily,
  flow: flowFamily,
  vae: vaeFamily,
  autoencoder: autoencoderFamily,
  gan: ganFamily,
};

/** The family of a model name; an unknown name is a usage error naming `<model>`. */
export function familyOf(name: string): ModelFamily {
  if (!(MODEL_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(
      `<model>: unknown model ${JSON.stringify(name)}; expected one of ${MODEL_NAMES.join(', ')}`,
    );
  }
  return FAMILIES[name as ModelName];
}

/**
 * Every family's option flags, once each (a flag shared by families is listed once), for `gen
 * train --help` and to refuse a flag given to a model that does not take it.
 */
export const OPTION_FLAGS: readonly OptionFlag[] = Object.values(FAMILIES)
  .flatMap((family) => family.optionFlags)
  .filter((flag, i, all) => all.findIndex((f) => f.option === flag.option) === i);

/** The models that take an option flag, for its help line. */
export const modelsTaking = (option: string): ModelName[] =>
  MODEL_NAMES.filter((name) => FAMILIES[name].optionFlags.some((f) => f.option === option));
