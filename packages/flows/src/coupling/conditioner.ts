import { GenError, type Rng } from '@gen/core';
import { type Activation, Mlp } from '@gen/nn';

/**
 * The conditioner network of a coupling layer: an @gen/nn Mlp whose last layer starts at zero,
 * so that the layer starts as the identity. Errors from Mlp are re-raised under `fn`'s name.
 */
export function couplingConditioner(
  fn: string,
  options: {
    inputSize: number;
    hiddenSizes: readonly number[];
    outputSize: number;
    activation: Activation | undefined;
    rng: Rng;
  },
): Mlp {
  const { activation, ...rest } = options;
  try {
    return new Mlp({
      ...rest,
      ...(activation === undefined ? {} : { activation }),
      zeroInitLast: true,
      name: 'conditioner',
    });
  } catch (error) {
    if (error instanceof GenError) {
      const Kind = error.constructor as new (m: string, o: { cause: unknown }) => GenError;
      throw new Kind(`${fn}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
