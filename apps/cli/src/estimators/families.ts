import type { Distribution } from '@gen/core';
import { Exponential, Normal } from '@gen/distributions';

/** A family `gen estimators --dist` knows: its parameters by flag name → @gen parameter name. */
export interface EstimatorFamily {
  /** Flag name (`mu`) → the distribution's parameter name (`loc`). */
  params: Record<string, string>;
  make: (values: Record<string, number>) => Distribution;
}

/** Families with an `rsample` (pathwise) and a registered weak derivative (measure-valued). */
export const ESTIMATOR_FAMILIES: Record<'normal' | 'exponential', EstimatorFamily> = {
  normal: {
    params: { mu: 'loc', sigma: 'scale' },
    make: ({ loc, scale }) => new Normal({ loc: loc!, scale: scale! }),
  },
  exponential: {
    params: { rate: 'rate' },
    make: ({ rate }) => new Exponential({ rate: rate! }),
  },
};
