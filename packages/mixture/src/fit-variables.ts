import { assertKnownOptions, invalidArgument } from '@gen/core';
import { disposeEmData, type EmData, prepareEmData } from './em-data.js';
import { emIteration } from './em-loop.js';
import { type FitCallOptions, fitEm, type GaussianMixtureFitResult, shiftMeans } from './fit-em.js';
import { assertFiniteRows, type Rows, toRows } from './input.js';
import { MixtureVariables } from './mixture-variables.js';
import type { ParsedOptions } from './options.js';

/**
 * Validates `x`, runs EM (from `vars` when `call.warmStart`) and writes the result into `vars`,
 * or into new variables when there are none yet or D changed. Resolves with the variables in
 * use afterwards and the fit report.
 */
export async function fitInto(
  fn: string,
  x: Rows,
  options: ParsedOptions,
  call: FitCallOptions & { maxIterations?: number },
  vars: MixtureVariables | undefined,
): Promise<{ vars: MixtureVariables; result: GaussianMixtureFitResult }> {
  assertKnownOptions(fn, call, ['warmStart', 'onIteration', 'maxIterations']);
  if (call.onIteration !== undefined && typeof call.onIteration !== 'function') {
    throw invalidArgument(fn, 'options.onIteration', call.onIteration, 'must be a function');
  }
  const warm = call.warmStart === true;
  const { tensor, owned } = toRows(fn, x, { dim: warm ? vars?.d : undefined });
  try {
    await assertFiniteRows(fn, tensor);
    const warmFrom = warm ? await vars!.toHost() : undefined;
    const { params, result } = await fitEm(fn, tensor, options, {
      ...call,
      ...(warmFrom ? { warmFrom } : {}),
    });
    if (vars && vars.d === params.d) {
      vars.assign(params);
      return { vars, result };
    }
    vars?.dispose();
    return { vars: MixtureVariables.fromHost(options.covariance, params), result };
  } finally {
    if (owned) tensor.dispose();
  }
}

/**
 * One EM iteration on `x` from the parameters in `vars`, written back into them; resolves with
 * the lower bound of the parameters it started from and the number of re-seeded components.
 */
export async function emStepInto(
  fn: string,
  x: Rows,
  vars: MixtureVariables,
  regCovar: number,
): Promise<{ lowerBound: number; reseeded: number }> {
  const { tensor, owned } = toRows(fn, x, { dim: vars.d });
  let data: EmData | undefined;
  try {
    await assertFiniteRows(fn, tensor);
    data = await prepareEmData(tensor, vars.type);
    const start = shiftMeans(await vars.toHost(), data.centre, -1);
    const step = await emIteration(fn, data, start, regCovar);
    vars.assign(shiftMeans(step.params, data.centre, 1));
    return { lowerBound: step.lowerBound, reseeded: step.reseeded };
  } finally {
    if (data !== undefined) disposeEmData(data);
    if (owned) tensor.dispose();
  }
}
