import {
  assertNetwork,
  type GenError,
  InvalidArgumentError,
  isGenError,
  type Network,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import { type Activation, Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/** The option every conditioned flow layer takes to use your own network. */
export interface ConditionerOptions {
  /**
   * Your own conditioner in place of the built-in network: any `Network` from @gen/core (a
   * @gen/nn Module, `fromLayersModel(model)` or a plain object with `apply`,
   * `trainableVariables`, `getWeights`, `setWeights` and `dispose`). It receives rows `[n, k]`
   * and must return `[n, m]` (the sizes each layer documents). Leave out `hiddenSizes` and
   * `activation`, which configure the built-in network only. Its weights appear under the
   * layer's name (`affineCoupling/<its weight name>`), and the layer takes ownership: disposing
   * the layer disposes it. The layer starts as the identity only if the network starts at 0.
   */
  conditioner?: Network;
}

export const CONDITIONER_OPTIONS = ['conditioner'] as const;

/** Runs `build` and re-raises a typed error from it under `fn`'s name. */
export function reraiseAs<T>(fn: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (isGenError(error)) {
      const Kind = error.constructor as new (m: string, o: { cause: unknown }) => GenError;
      throw new Kind(`${fn}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * The user's `conditioner` (checked to be a `Network`, and refused together with the options of
 * the built-in network), else the network `build` makes.
 */
export function resolveConditioner(
  fn: string,
  options: ConditionerOptions & { hiddenSizes?: unknown; activation?: unknown },
  build: () => Network,
): Network {
  const { conditioner } = options;
  if (conditioner === undefined) return reraiseAs(fn, build);
  assertNetwork(fn, 'conditioner', conditioner);
  for (const arg of ['hiddenSizes', 'activation'] as const) {
    if (options[arg] !== undefined) {
      throw new InvalidArgumentError(
        `${fn}: give either 'conditioner' or '${arg}', not both ('${arg}' configures the built-in network)`,
      );
    }
  }
  return conditioner;
}

/**
 * The conditioner network of a coupling layer: an @gen/nn Mlp named 'conditioner' whose last
 * layer starts at zero, so that the layer starts as the identity.
 */
export function couplingMlp(options: {
  inputSize: number;
  hiddenSizes: readonly number[];
  outputSize: number;
  activation: Activation | undefined;
  rng: Rng;
}): Mlp {
  const { activation, ...rest } = options;
  return new Mlp({
    ...rest,
    ...(activation === undefined ? {} : { activation }),
    zeroInitLast: true,
    name: 'conditioner',
  });
}

/**
 * `network` applied to `input: [..., k]` as rows `[n, k]` (what any network accepts), checked to
 * return `[n, outputSize]`, with the leading axes restored: `[..., outputSize]`.
 */
export function applyConditioner(
  fn: string,
  network: Network,
  input: tf.Tensor,
  outputSize: number,
): tf.Tensor {
  const k = input.shape[input.rank - 1]!;
  const rows = input.rank === 2 ? input : tf.reshape(input, [-1, k]);
  const out = network.apply(rows);
  if (out.rank !== 2 || out.shape[0] !== rows.shape[0] || out.shape[1] !== outputSize) {
    throw new ShapeMismatchError(
      `${fn}: the conditioner must map [${rows.shape[0]}, ${k}] to [${rows.shape[0]}, ${outputSize}], got [${out.shape.join(', ')}]`,
    );
  }
  return input.rank === 2 ? out : tf.reshape(out, [...input.shape.slice(0, -1), outputSize]);
}
